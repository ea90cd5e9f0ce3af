package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

// TestAFailedWriteIsReportedUntilItSucceeds: LastWriteErr says why the last
// write failed (the disk full) while reads still work; a write of another
// kind that needs no room (an update in place) does not hide it, and it
// clears once that kind of write succeeds again. A lost lease is no failure.
func (su *suite) TestAFailedWriteIsReportedUntilItSucceeds(t *testing.T) {
	ctx := context.Background()
	s := su.open(t, Options{})
	if err := s.LastWriteErr(); err != nil {
		t.Fatalf("a new store reports %v", err)
	}
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts)
	if err := s.MarkPosted(ctx, 424242, "nobody", "1", ""); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("MarkPosted of no delivery: %v", err)
	}
	if err := s.LastWriteErr(); err != nil {
		t.Fatalf("after a lost lease the store reports %v", err)
	}
	full, free := diskFull(t, s)
	items := numbered(reviewsFeed, 40)
	if _, err := full.RecordItems(ctx, reviewsFeed, items, threeAccounts); err == nil {
		t.Fatal("RecordItems on a full disk succeeded")
	}
	var we *WriteError
	if err := full.LastWriteErr(); !errors.As(err, &we) || we.At.IsZero() {
		t.Fatalf("LastWriteErr after a failed write = %v, want a *WriteError", err)
	}
	t.Logf("reported: %v", full.LastWriteErr())
	if _, err := full.Counts(ctx); err != nil {
		t.Fatalf("reads fail too: %v", err)
	}
	if _, err := full.Release(ctx, "nobody"); err != nil { // a write that needs no room
		t.Fatal(err)
	}
	if err := full.LastWriteErr(); err == nil {
		t.Fatal("an update in place hid the failed recording: no review can be recorded, yet the store reports nothing")
	}
	free()
	if _, err := full.RecordItems(ctx, reviewsFeed, items, threeAccounts); err != nil {
		t.Fatalf("RecordItems after room was made: %v", err)
	}
	if err := full.LastWriteErr(); err != nil {
		t.Fatalf("after the recording succeeded the store still reports %v", err)
	}
}

// diskFull returns a store on s's database whose writes that need room fail
// as on a full disk, and a func that makes room again: SQLite with
// max_page_count at the file's size (SQLITE_FULL, "database or disk is
// full"), on one connection so that the limit can be lifted; PostgreSQL with
// a trigger that raises disk_full (53100) on every new item, as the server
// does when it cannot extend a file.
func diskFull(t *testing.T, s *Store) (*Store, func()) {
	t.Helper()
	if s.Dialect() == DialectPostgres {
		for _, q := range []string{
			`CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`,
			`CREATE TRIGGER refuse_write BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION refuse_write()`,
		} {
			if _, err := s.db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		return reopen(t, s, Options{}), func() {
			if _, err := s.db.Exec(`DROP TRIGGER refuse_write ON items`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := s.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	path, _ := sqliteFile(s.dsn)
	full, err := Open(context.Background(), "file:"+path+"?_pragma=max_page_count("+strconv.Itoa(pages)+")", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { full.Close() })
	full.db.SetMaxOpenConns(1)
	return full, func() {
		if _, err := full.db.Exec(`PRAGMA max_page_count = 1000000`); err != nil {
			t.Fatal(err)
		}
	}
}
