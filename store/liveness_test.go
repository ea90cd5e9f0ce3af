package store

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// TestPostgresOwnerLocksAgainAfterItsSessionIsCut: the connection holding a
// replica's lease locks dies (a PostgreSQL restart, a network cut); the
// replica takes its locks again at its next claim, so that other replicas
// go on seeing it alive instead of taking its next deliveries from it.
func TestPostgresOwnerLocksAgainAfterItsSessionIsCut(t *testing.T) {
	t.Parallel()
	base := postgresURL(t)
	ctx := context.Background()
	clk := newClock()
	s, err := Open(ctx, freshSchema(t, base), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, mainFeed, numbered(mainFeed, 2), []string{"mastodon:main"})
	if got := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 1}); len(got) != 1 {
		t.Fatalf("claimed %v, want 1", ids(got))
	}
	live := s.live.(*pgLiveness)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var cut bool
	if err := admin.QueryRow(`SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1`,
		pgOwnerKey(live.schema, "a")).Scan(&cut); err != nil || !cut {
		t.Fatalf("terminate the session holding a's lock: %v %v", cut, err)
	}
	// The server ends the session a moment after the call returns.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var held bool
		if err := admin.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
			AND ((classid::bigint << 32) | objid::bigint) = $1)`, pgOwnerKey(live.schema, "a")).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock outlived its session by 10s")
		}
	}
	live.mu.Lock()
	live.checked = time.Time{} // the session check is due
	live.mu.Unlock()

	claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 1})
	other := reopen(t, s, Options{Now: clk.Now})
	if got := claim(t, other, ClaimOptions{Owner: "b", Lease: time.Hour}); len(got) != 0 {
		t.Fatalf("another replica took %v from a live owner whose session had been cut", ids(got))
	}
}
