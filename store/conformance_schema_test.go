package store

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func (su *suite) TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	ctx := t.Context()
	dsn := su.newDSN(t)
	stores := make([]*Store, 4)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			s, err := Open(ctx, dsn, Options{})
			if err != nil {
				t.Errorf("replica %d: open: %v", i, err)
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			t.Cleanup(func() { s.Close() })
		}
	}
	if t.Failed() {
		return
	}
	if n := countRows(t, stores[0], "schema_migrations"); n != SchemaVersion(stores[0].Dialect()) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, SchemaVersion(stores[0].Dialect()))
	}
}

func (su *suite) TestMigrationsAreIdempotentAcrossReopen(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts)
	for i := 0; i < 2; i++ {
		s2 := reopen(t, s, Options{})
		if n := countRows(t, s2, "schema_migrations"); n != SchemaVersion(s.Dialect()) {
			t.Fatalf("reopen %d: schema_migrations has %d rows, want %d", i, n, SchemaVersion(s.Dialect()))
		}
		if _, ok, err := s2.FindItem(ctx, "https://blog.example/reviews/film-00"); err != nil || !ok {
			t.Fatalf("reopen %d: item recorded before is gone: ok=%v err=%v", i, ok, err)
		}
	}
}

func (su *suite) TestASchemaNewerThanTheBinaryIsRefused(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	known := SchemaVersion(s.Dialect())
	if _, err := s.db.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 'later')`, known+1); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, s.dsn, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open on a newer schema: err = %v, want ErrSchemaTooNew", err)
	}
	for _, v := range []int{known, known + 1} {
		if !strings.Contains(err.Error(), strconv.Itoa(v)) {
			t.Errorf("error %q does not name version %d", err, v)
		}
	}
}
