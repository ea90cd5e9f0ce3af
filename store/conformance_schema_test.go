package store

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestALedgerAtMigration4UpgradesWithItsPendingDelivery: a ledger an
// earlier reelpost left (migration 0004: deliveries name no feed) holding a
// pending delivery is upgraded on open. The delivery is still claimed, of
// no feed of its own, so rendered by its item's feed's route as before; the
// same review later seen in a routed category feed gives that route's new
// account a delivery of the category feed, and the old account none more.
func (su *suite) TestALedgerAtMigration4UpgradesWithItsPendingDelivery(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	dsn := su.newDSN(t)
	old, err := Open(ctx, dsn, Options{Now: clk.Now, upTo: 4})
	if err != nil {
		t.Fatalf("open at migration 4: %v", err)
	}
	if n := countRows(t, old, "schema_migrations"); n != 4 {
		old.Close()
		t.Fatalf("schema_migrations has %d rows, want 4", n)
	}
	// What reelpost at migration 4 wrote for a new review of the main feed,
	// routed to x:main.
	const link = "https://blog.example/reviews/the-thing"
	now := clk.Now()
	var itemID int64
	err = old.db.QueryRowContext(ctx, `INSERT INTO items (identity, feed_url, key, guid, norm_link, title, published, payload, first_seen)
		VALUES ($1, $2, 'main-1', 'main-1', $1, 'Review main-1', $3, $4, $3) RETURNING id`,
		link, mainFeed, old.ts(now), []byte(`{"title":"Review main-1"}`)).Scan(&itemID)
	if err == nil {
		_, err = old.db.ExecContext(ctx, `INSERT INTO feed_items (feed_url, key, guid, norm_link, item_id, first_seen)
			VALUES ($1, 'main-1', 'main-1', $2, $3, $4)`, mainFeed, link, itemID, old.ts(now))
	}
	if err == nil {
		_, err = old.db.ExecContext(ctx, `INSERT INTO deliveries (item_id, account, seq, key, state, next_attempt, created_at, updated_at)
			VALUES ($1, 'x:main', 0, $2, 'pending', $3, $3, $3)`, itemID, DeliveryKey(link, "x:main", 0), old.ts(now))
	}
	if err == nil {
		_, err = old.db.ExecContext(ctx, `INSERT INTO account_pace (account) VALUES ('x:main')`)
	}
	old.Close()
	if err != nil {
		t.Fatalf("write the old ledger: %v", err)
	}

	s, err := Open(ctx, dsn, Options{Now: clk.Now})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if n := countRows(t, s, "schema_migrations"); n != SchemaVersion(s.Dialect()) {
		t.Fatalf("after the upgrade schema_migrations has %d rows, want %d", n, SchemaVersion(s.Dialect()))
	}
	clk.Advance(time.Minute)
	ds, err := s.Claim(ctx, ClaimOptions{Owner: "r1", Lease: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Account != "x:main" || ds[0].FeedURL != "" || ds[0].Feed() != mainFeed {
		t.Fatalf("claimed %+v after the upgrade, want x:main's pending delivery, of its item's feed %s", ds, mainFeed)
	}

	recordAs(t, s, reviewsFeed, reviewsRoute, Again, []NewItem{review(reviewsFeed, "cat-1", "cat-1", link)},
		Decision{Plan: Plan{State: Pending}})
	got := byAccount(t, s, itemID)
	if len(got) != 2 || got["x:main"].ID != ds[0].ID || got["x:main"].FeedURL != "" {
		t.Errorf("deliveries after the category feed: %+v; want x:main's old one, unchanged, and mastodon:main's", got)
	}
	if m := got["mastodon:main"]; m.State != Pending || m.FeedURL != reviewsFeed {
		t.Errorf("mastodon:main: %s of feed %q, want pending of %s", m.State, m.FeedURL, reviewsFeed)
	}
}
