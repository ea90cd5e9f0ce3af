package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// cutSession ends the PostgreSQL session that holds owner's lease lock in
// live, as a server restart or a network cut would, and returns once the
// server has let the lock go.
func cutSession(t *testing.T, base string, live *pgLiveness, owner string) {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	key := live.key(owner)
	var cut bool
	if err := admin.QueryRow(`SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1`,
		key).Scan(&cut); err != nil || !cut {
		t.Fatalf("terminate the session holding %s's lock: %v %v", owner, cut, err)
	}
	// The server ends the session a moment after the call returns: an event
	// outside the test's control, so it is polled for, up to a deadline.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var held bool
		if err := admin.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
			AND ((classid::bigint << 32) | objid::bigint) = $1)`, key).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if !held {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock outlived its session by 10s")
		}
	}
}

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
	cutSession(t, base, live, "a")
	live.mu.Lock()
	live.checked = time.Time{} // the session check is due
	live.mu.Unlock()

	claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 1})
	other := reopen(t, s, Options{Now: clk.Now})
	if got := claim(t, other, ClaimOptions{Owner: "b", Lease: time.Hour}); len(got) != 0 {
		t.Fatalf("another replica took %v from a live owner whose session had been cut", ids(got))
	}
}

// TestPostgresOwnerConfirmsItsLockBeforePosting: the session holding
// replica a's lease lock is cut while a lives, and replica b, seeing the
// lock free, takes a for dead and cuts its leases short. a then renews the
// lease of the delivery it is about to post (Extend, before every post):
// that must take a's lock again, so that b, from then on, sees a alive and
// never takes over the delivery a is posting.
func TestPostgresOwnerConfirmsItsLockBeforePosting(t *testing.T) {
	t.Parallel()
	base := postgresURL(t)
	ctx := context.Background()
	clk := newClock()
	s, err := Open(ctx, freshSchema(t, base), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, mainFeed, numbered(mainFeed, 1), []string{"mastodon:main"})
	got := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour})
	if len(got) != 1 {
		t.Fatalf("claimed %v, want 1", ids(got))
	}
	cutSession(t, base, s.live.(*pgLiveness), "a")
	b := reopen(t, s, Options{Now: clk.Now})
	if took := claim(t, b, ClaimOptions{Owner: "b", Lease: time.Hour}); len(took) != 0 {
		t.Fatalf("b took %v at once, want a's lease cut short only", ids(took))
	}

	if err := s.Extend(ctx, got[0].ID, "a", time.Hour); err != nil {
		t.Fatalf("a's renewal before posting: %v", err)
	}
	// a posts now. However long b goes on claiming, the delivery stays a's.
	for round := range 3 {
		clk.Advance(DeadOwnerGrace + time.Second)
		if took := claim(t, b, ClaimOptions{Owner: "b", Lease: time.Hour}); len(took) != 0 {
			t.Fatalf("round %d: b took over %v, which a renewed to post", round, ids(took))
		}
	}
	if err := s.MarkPosted(ctx, got[0].ID, "a", "1", "https://example.social/@films/1"); err != nil {
		t.Fatalf("a records its post: %v", err)
	}
}

// TestPostgresOwnerRefusesToPostWithoutItsLock: a's session is cut and,
// before a renews its lease, another process starts under the same owner
// name and takes the lock. a cannot take it again: its renewal fails with
// ErrLivenessLost and extends nothing, so a does not post.
func TestPostgresOwnerRefusesToPostWithoutItsLock(t *testing.T) {
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
	got := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 1})
	if len(got) != 1 {
		t.Fatalf("claimed %v, want 1", ids(got))
	}
	cutSession(t, base, s.live.(*pgLiveness), "a")
	twin := reopen(t, s, Options{Now: clk.Now})
	claim(t, twin, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 1}) // takes the lock of "a"

	err = s.Extend(ctx, got[0].ID, "a", time.Hour)
	if !errors.Is(err, ErrLivenessLost) {
		t.Fatalf("renewal without the lock: %v, want ErrLivenessLost", err)
	}
	d, err := s.Delivery(ctx, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(DeadOwnerGrace); d.LeaseExpires.After(want) {
		t.Errorf("lease runs to %v after the refused renewal, want no later than %v (cut short, not renewed)", d.LeaseExpires, want)
	}
}

// TestPostgresLeasesOfAnOwnerAliveAgainAreNotCut: replica b found a's lock
// free, and before b cut a's leases short, a took its lock again (and
// renewed a lease to post). The cut must not happen: it is made only while
// the lock is still free.
func TestPostgresLeasesOfAnOwnerAliveAgainAreNotCut(t *testing.T) {
	t.Parallel()
	base := postgresURL(t)
	ctx := context.Background()
	clk := newClock()
	s, err := Open(ctx, freshSchema(t, base), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, mainFeed, numbered(mainFeed, 1), []string{"mastodon:main"})
	got := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour})
	if len(got) != 1 {
		t.Fatalf("claimed %v, want 1", ids(got))
	}
	cutSession(t, base, s.live.(*pgLiveness), "a")
	b := reopen(t, s, Options{Now: clk.Now})
	claim(t, b, ClaimOptions{Owner: "b", Lease: time.Hour}) // b holds its own lock, and knows the schema
	dead, release, err := b.live.gone(ctx, []string{"a"})
	if err != nil || len(dead) != 1 {
		t.Fatalf("b's look at a: dead %v, %v; want a dead", dead, err)
	}
	if err := s.Extend(ctx, got[0].ID, "a", time.Hour); err != nil { // a, alive again
		t.Fatal(err)
	}
	n, err := b.expireLeases(ctx, dead, whileUnlocked)
	release(err == nil)
	if err != nil || n != 0 {
		t.Fatalf("b cut %d leases of a, alive again (%v); want none", n, err)
	}
}
