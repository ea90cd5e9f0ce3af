package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

// TestAFailedWriteIsReportedUntilAWriteSucceeds: LastWriteErr says why the
// last write failed (the disk full) while reads still work, and clears at
// the next write that succeeds; a lost race or a lost lease is no failure.
func (su *suite) TestAFailedWriteIsReportedUntilAWriteSucceeds(t *testing.T) {
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
	full := diskFull(t, s)
	if _, err := full.RecordItems(ctx, reviewsFeed, numbered(reviewsFeed, 40), threeAccounts); err == nil {
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
	if err := full.LastWriteErr(); err != nil {
		t.Fatalf("after a write succeeded the store still reports %v", err)
	}
}

// diskFull returns a store on s's database whose writes that need room fail
// as on a full disk: SQLite with max_page_count at the file's size (SQLITE_FULL,
// "database or disk is full"); PostgreSQL with a trigger that raises disk_full
// (53100) on every new item, as the server does when it cannot extend a file.
func diskFull(t *testing.T, s *Store) *Store {
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
		return reopen(t, s, Options{})
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
	return full
}
