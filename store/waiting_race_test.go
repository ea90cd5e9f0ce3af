package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestAWaitingItemOpensTheAccountsAnotherFeedIsStillAdding is the other
// interleaving of TestAWaitingItemOpenedWhileAnotherFeedAddsAccounts, on
// PostgreSQL, whose writers run side by side (SQLite lets one in at a
// time): replica 2, recording the category feed, has written the category
// route's deliveries of the waiting item, skipped to open with the others,
// and has not committed yet, when replica 1 records the main feed showing
// the item as a review. The deliveries replica 1 opens must include those,
// once replica 2 commits.
//
// Replica 2 is held before its commit by a pacing row of the category
// route's account that a third connection has inserted and not committed:
// Record writes the accounts' pacing rows after their deliveries.
func TestAWaitingItemOpensTheAccountsAnotherFeedIsStillAdding(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := freshSchema(t, postgresURL(t))
	clk := newClock()
	open := func() *Store {
		s, err := Open(ctx, dsn, Options{Now: clk.Now})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s1, s2 := open(), open()
	const link = "https://letterboxd.com/u/film/the-thing/"
	main := review(mainFeed, "main-1", "main-1", link)
	first := recordAs(t, s1, mainFeed, mainRoute, Again, []NewItem{main}, Decision{Wait: true})
	clk.Advance(time.Hour)

	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	blocker, err := admin.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = blocker.Rollback() }() // released below; this is for a test that stops early
	const categoryAccount = "mastodon:main"   // on the category route only: no pacing row yet
	if _, err := blocker.ExecContext(ctx, `INSERT INTO account_pace (account) VALUES ($1)`, categoryAccount); err != nil {
		t.Fatal(err)
	}
	var blockerPID int
	if err := blocker.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&blockerPID); err != nil {
		t.Fatal(err)
	}

	categoryDone := make(chan error, 1)
	go func() {
		categoryDone <- recordDecided(ctx, s2, reviewsFeed, review(reviewsFeed, "cat-1", "cat-1", link), reviewsRoute, Decision{Wait: true})
	}()
	categoryPID, ok := blockedBy(t, admin, blockerPID, categoryDone)
	if !ok {
		t.Fatal("the category feed was recorded without writing its account's pacing row: the test's premise no longer holds")
	}

	became := main
	became.Payload = []byte(`{"title":"now a review"}`)
	mainDone := make(chan error, 1)
	go func() {
		mainDone <- recordDecided(ctx, s1, mainFeed, became, mainRoute, Decision{Plan: Plan{State: Pending}})
	}()
	// Replica 1 either commits at once, not seeing replica 2's deliveries,
	// or waits for replica 2: let replica 2 commit then.
	_, _ = blockedBy(t, admin, categoryPID, mainDone)
	if err := blocker.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-categoryDone; err != nil {
		t.Fatalf("record the category feed: %v", err)
	}
	if err := <-mainDone; err != nil {
		t.Fatalf("record the main feed: %v", err)
	}

	wantBothRoutesPending(t, s1, first.Created[0].ID)
}

// recordDecided records it through feed for accounts, deciding it d.
func recordDecided(ctx context.Context, s *Store, feed string, it NewItem, accounts []string, d Decision) error {
	_, err := s.Record(ctx, Batch{FeedURL: feed, Items: []NewItem{it}, Accounts: accounts, Sight: Again,
		Plan: func(_ Sight, found []Found) []Decision { return slices.Repeat([]Decision{d}, len(found)) }})
	return err
}

// blockedBy waits until a PostgreSQL backend waits for a lock that backend
// pid holds, and returns that backend's pid; or, once done is sent on (the
// work that was to block finished without blocking, or failed), false, with
// what was sent put back for the caller.
func blockedBy(t *testing.T, db *sql.DB, pid int, done chan error) (int, bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var waiter int
		err := db.QueryRowContext(t.Context(), `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) LIMIT 1`, pid).Scan(&waiter)
		switch {
		case err == nil:
			return waiter, true
		case !errors.Is(err, sql.ErrNoRows):
			t.Fatalf("look for backends blocked by %d: %v", pid, err)
		}
		select {
		case err := <-done:
			done <- err
			return 0, false
		case <-tick.C:
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		}
	}
}
