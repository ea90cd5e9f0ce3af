package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	mainFeed    = "https://blog.example/feed/"
	reviewsFeed = "https://blog.example/category/reviews/feed/"
)

var threeAccounts = []string{"bluesky:main", "mastodon:main", "x:main"}

// review is a new item of feed with the given identifiers.
func review(feed, key, guid, link string) NewItem {
	return NewItem{
		FeedURL:   feed,
		Key:       key,
		GUID:      guid,
		NormLink:  link,
		Title:     "Review " + key,
		Published: time.Date(2026, 3, 1, 20, 0, 0, 123456000, time.FixedZone("CET", 3600)),
		Payload:   []byte(`{"title":"Review ` + key + `"}`),
		State:     Pending,
	}
}

// numbered returns n distinct reviews of feed.
func numbered(feed string, n int) []NewItem {
	items := make([]NewItem, n)
	for i := range items {
		link := fmt.Sprintf("https://blog.example/reviews/film-%02d", i)
		items[i] = review(feed, link, link, link)
	}
	return items
}

func record(t *testing.T, s *Store, feed string, items []NewItem, accounts []string) []Item {
	t.Helper()
	created, err := s.RecordItems(context.Background(), feed, items, accounts)
	if err != nil {
		t.Fatalf("RecordItems(%s): %v", feed, err)
	}
	return created
}

// reopen opens another handle on s's database, as another process would.
func reopen(t *testing.T, s *Store, o Options) *Store {
	t.Helper()
	s2, err := Open(context.Background(), s.dsn, o)
	if err != nil {
		t.Fatalf("reopen %s: %v", s.where(), err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func claim(t *testing.T, s *Store, o ClaimOptions) []Delivery {
	t.Helper()
	ds, err := s.Claim(context.Background(), o)
	if err != nil {
		t.Fatalf("Claim(%s): %v", o.Owner, err)
	}
	return ds
}

func ids(ds []Delivery) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// runConformance is the ledger's contract, run against every dialect.
// newDSN names a fresh, empty database of the test's own, dropped after it.
func runConformance(t *testing.T, newDSN func(t *testing.T) string) {
	ctx := context.Background()
	open := func(t *testing.T, o Options) *Store {
		t.Helper()
		s, err := Open(ctx, newDSN(t), o)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}

	t.Run("replicas starting together migrate once", func(t *testing.T) {
		t.Parallel()
		dsn := newDSN(t)
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
	})

	t.Run("migrations are idempotent across reopen", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
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
	})

	t.Run("a schema newer than the binary is refused", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
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
	})

	t.Run("feed state round trips to the microsecond", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
		if _, ok, err := s.Feed(ctx, mainFeed); err != nil || ok {
			t.Fatalf("Feed of an unseen feed: ok=%v err=%v, want false, nil", ok, err)
		}
		paris := time.FixedZone("CEST", 2*3600)
		want := FeedState{
			URL: mainFeed, ETag: `W/"abc"`, LastModified: "Sat, 28 Nov 2026 01:02:03 GMT", BodyHash: "deadbeef",
			LastPoll:    time.Date(2026, 11, 28, 3, 4, 5, 123456000, paris),
			LastSuccess: time.Date(2026, 11, 28, 3, 4, 5, 999999000, time.UTC),
			NextPoll:    time.Date(2026, 11, 28, 3, 9, 5, 1000, time.UTC),
			LastError:   "fetch: 503", ConsecutiveErrors: 2, Initialized: true,
		}
		if err := s.SaveFeed(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Feed(ctx, mainFeed)
		if err != nil || !ok {
			t.Fatalf("Feed: ok=%v err=%v", ok, err)
		}
		for name, pair := range map[string][2]time.Time{
			"LastPoll": {got.LastPoll, want.LastPoll}, "LastSuccess": {got.LastSuccess, want.LastSuccess}, "NextPoll": {got.NextPoll, want.NextPoll},
		} {
			if !pair[0].Equal(pair[1]) || pair[0].Location() != time.UTC {
				t.Errorf("%s = %v, want %v in UTC", name, pair[0], pair[1])
			}
		}
		got.LastPoll, got.LastSuccess, got.NextPoll = want.LastPoll, want.LastSuccess, want.NextPoll
		if got != want {
			t.Errorf("Feed = %+v, want %+v", got, want)
		}
		// An upsert replaces, and the zero time comes back zero.
		want.ETag, want.ConsecutiveErrors, want.NextPoll = "", 0, time.Time{}
		if err := s.SaveFeed(ctx, want); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveFeed(ctx, FeedState{URL: reviewsFeed}); err != nil {
			t.Fatal(err)
		}
		feeds, err := s.Feeds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(feeds) != 2 || feeds[0].URL != reviewsFeed || feeds[1].URL != mainFeed {
			t.Fatalf("Feeds = %+v, want the two feeds by URL", feeds)
		}
		if f := feeds[1]; f.ETag != "" || f.ConsecutiveErrors != 0 || !f.NextPoll.IsZero() || !f.LastSuccess.Equal(want.LastSuccess) {
			t.Errorf("after upsert Feed = %+v, want %+v", f, want)
		}
		// A replica saving a state it read before the first sight (a failed
		// poll, say) does not undo it: its next poll would skip the news.
		want.Initialized = false
		if err := s.SaveFeed(ctx, want); err != nil {
			t.Fatal(err)
		}
		if got, _, err := s.Feed(ctx, mainFeed); err != nil || !got.Initialized {
			t.Errorf("after saving a stale uninitialized state: Feed = %+v, %v; want it still initialized", got, err)
		}
	})

	t.Run("a new item gets one delivery per account", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		it := review(mainFeed, "https://blog.example/?p=7", "https://blog.example/?p=7", "https://blog.example/reviews/alien")
		it.NotBefore = clk.Now().Add(time.Minute)
		created := record(t, s, mainFeed, []NewItem{it}, threeAccounts)
		if len(created) != 1 {
			t.Fatalf("created %d items, want 1", len(created))
		}
		c := created[0]
		if c.Identity != it.NormLink || c.Key != it.Key || c.Title != it.Title || !c.FirstSeen.Equal(clk.Now()) {
			t.Errorf("created item = %+v", c)
		}
		ds, err := s.Deliveries(ctx, DeliveryFilter{ItemID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 3 {
			t.Fatalf("item has %d deliveries, want 3", len(ds))
		}
		for _, d := range ds {
			if d.State != Pending || d.Seq != 0 || d.Key != DeliveryKey(c.Identity, d.Account, 0) || !d.NextAttempt.Equal(it.NotBefore) {
				t.Errorf("delivery = %+v, want pending seq 0 with the deterministic key, due %v", d, it.NotBefore)
			}
			if !d.Item.Published.Equal(it.Published) || string(d.Item.Payload) != string(it.Payload) || d.Item.FeedURL != mainFeed {
				t.Errorf("delivery's item = %+v, want the recorded one", d.Item)
			}
		}
		if got := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute}); len(got) != 0 {
			t.Errorf("claimed %d deliveries before NotBefore", len(got))
		}
	})

	t.Run("record dedupes", func(t *testing.T) {
		t.Parallel()
		const (
			linkHTTP  = "http://blog.example/reviews/alien"
			linkHTTPS = "https://blog.example/reviews/alien"
			guidOld   = "https://blog.example/?p=7"
			guidNew   = "tag:blog.example,2026:alien"
		)
		for _, tc := range []struct {
			name       string
			first      NewItem
			second     NewItem
			newItems   int      // items created by the second record
			deliveries int      // deliveries in all after both
			findBy     []string // refs that must all find the first item
		}{
			{
				name:       "same key twice",
				first:      review(mainFeed, guidOld, guidOld, linkHTTPS),
				second:     review(mainFeed, guidOld, guidOld, linkHTTPS),
				deliveries: 3,
			},
			{
				name:       "GUID changed, same link",
				first:      review(mainFeed, guidOld, guidOld, linkHTTPS),
				second:     review(mainFeed, guidNew, guidNew, linkHTTPS),
				deliveries: 3,
				findBy:     []string{guidNew, linkHTTPS},
			},
			{
				name:       "link changed, same GUID",
				first:      review(mainFeed, guidOld, guidOld, linkHTTP),
				second:     review(mainFeed, guidOld, guidOld, linkHTTPS),
				deliveries: 3,
				findBy:     []string{linkHTTPS, linkHTTP},
			},
			{
				name:       "same review in two feeds",
				first:      review(mainFeed, guidOld, guidOld, linkHTTPS),
				second:     review(reviewsFeed, "reviews-7", "7", linkHTTPS),
				deliveries: 3,
				findBy:     []string{"reviews-7"},
			},
			{
				name:       "same global GUID in two feeds without links",
				first:      review(mainFeed, guidNew, guidNew, ""),
				second:     review(reviewsFeed, guidNew, guidNew, ""),
				deliveries: 3,
			},
			{
				name:       "same feed-local GUID in two feeds is two items",
				first:      review(mainFeed, "7", "7", ""),
				second:     review(reviewsFeed, "7", "7", ""),
				newItems:   1,
				deliveries: 6,
			},
			{
				name:       "different links in one feed are two items",
				first:      review(mainFeed, "a", "a", linkHTTPS),
				second:     review(mainFeed, "b", "b", linkHTTPS+"-2"),
				newItems:   1,
				deliveries: 6,
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := open(t, Options{})
				first := record(t, s, tc.first.FeedURL, []NewItem{tc.first}, threeAccounts)
				if len(first) != 1 {
					t.Fatalf("first record created %d items, want 1", len(first))
				}
				known, err := s.Known(ctx, tc.second.FeedURL, []NewItem{tc.second})
				if err != nil {
					t.Fatal(err)
				}
				if known[0] != (tc.newItems == 0) {
					t.Errorf("Known = %v before recording the second, want %v", known[0], tc.newItems == 0)
				}
				second := record(t, s, tc.second.FeedURL, []NewItem{tc.second}, threeAccounts)
				if len(second) != tc.newItems {
					t.Errorf("second record created %d items, want %d", len(second), tc.newItems)
				}
				if n := countRows(t, s, "deliveries"); n != tc.deliveries {
					t.Errorf("%d deliveries in all, want %d", n, tc.deliveries)
				}
				// Recording it once more is a no-op.
				if again := record(t, s, tc.second.FeedURL, []NewItem{tc.second}, threeAccounts); len(again) != 0 {
					t.Errorf("recording the second again created %d items", len(again))
				}
				if known, err := s.Known(ctx, tc.second.FeedURL, []NewItem{tc.second}); err != nil || !known[0] {
					t.Errorf("Known after recording = %v, %v; want true", known, err)
				}
				for _, ref := range tc.findBy {
					got, ok, err := s.FindItem(ctx, ref)
					if err != nil || !ok || got.ID != first[0].ID {
						t.Errorf("FindItem(%q) = %d, %v, %v; want item %d", ref, got.ID, ok, err, first[0].ID)
					}
				}
			})
		}
	})

	t.Run("record in one batch", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
		items := numbered(mainFeed, 4)
		items[1].State = Skipped
		items = append(items, items[0]) // a feed listing one item twice
		created := record(t, s, mainFeed, items, threeAccounts[:2])
		if len(created) != 4 {
			t.Fatalf("created %d items, want 4", len(created))
		}
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, acct := range threeAccounts[:2] {
			if c := counts[acct]; c[Pending] != 3 || c[Skipped] != 1 || c[Posted] != 0 {
				t.Errorf("Counts[%s] = %v, want 3 pending and 1 skipped", acct, c)
			}
		}
		accts, err := s.Accounts(ctx)
		if err != nil || strings.Join(accts, ",") != strings.Join(threeAccounts[:2], ",") {
			t.Errorf("Accounts = %v, %v; want %v", accts, err, threeAccounts[:2])
		}
		bad := review(mainFeed, "bad", "bad", "")
		bad.State = Posted
		if _, err := s.RecordItems(ctx, mainFeed, []NewItem{bad}, threeAccounts); err == nil {
			t.Error("RecordItems accepted an item in state posted")
		}
		if _, err := s.RecordItems(ctx, mainFeed, []NewItem{review(mainFeed, "", "", "")}, threeAccounts); err == nil {
			t.Error("RecordItems accepted an item without a key")
		}
	})

	t.Run("a first sight longer than a lookup batch", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
		n := batch + 10
		items := make([]NewItem, n)
		for i := range items {
			link := fmt.Sprintf("https://blog.example/reviews/archive-%03d", i)
			items[i] = review(mainFeed, link, link, link)
			items[i].State = Skipped
		}
		if created := record(t, s, mainFeed, items[:n-1], nil); len(created) != n-1 {
			t.Fatalf("created %d items, want %d", len(created), n-1)
		}
		for _, tc := range []struct {
			name string
			feed string
		}{
			{"same feed", mainFeed},
			{"another feed with the same links", reviewsFeed},
		} {
			asked := make([]NewItem, len(items))
			for i, it := range items {
				it.FeedURL, it.Key = tc.feed, tc.feed+"#"+it.Key
				asked[i] = it
			}
			if tc.feed == mainFeed {
				asked = items
			}
			known, err := s.Known(ctx, tc.feed, asked)
			if err != nil {
				t.Fatal(err)
			}
			for i, k := range known {
				if want := i < n-1; k != want {
					t.Errorf("%s: Known[%d] = %v, want %v", tc.name, i, k, want)
				}
			}
		}
		if created := record(t, s, mainFeed, items, nil); len(created) != 1 || created[0].Key != items[n-1].Key {
			t.Errorf("recording the feed again created %d items, want only the last", len(created))
		}
	})

	t.Run("concurrent records by four replicas make one item and one set of deliveries", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
		items := numbered(mainFeed, 5)
		var wg sync.WaitGroup
		start := make(chan struct{}) // released at once, to make the replicas collide
		created := make([]int, 8)
		for i := range created {
			// Four replicas record the main feed, four more the reviews feed
			// carrying the same reviews.
			feed := mainFeed
			if i >= 4 {
				feed = reviewsFeed
			}
			r := reopen(t, s, Options{})
			wg.Go(func() {
				<-start
				c, err := r.RecordItems(ctx, feed, items, threeAccounts)
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
				}
				created[i] = len(c)
			})
		}
		close(start)
		wg.Wait()
		total := 0
		for _, n := range created {
			total += n
		}
		if total != 5 {
			t.Errorf("replicas created %v items, %d in all, want 5", created, total)
		}
		if n := countRows(t, s, "items"); n != 5 {
			t.Errorf("%d items, want 5", n)
		}
		if n := countRows(t, s, "deliveries"); n != 15 {
			t.Errorf("%d deliveries, want 15 (5 items x 3 accounts)", n)
		}
		if n := countRows(t, s, "feed_items"); n != 10 {
			t.Errorf("%d feed items, want 10 (5 items x 2 feeds)", n)
		}
	})

	t.Run("three owners claim 50 deliveries exactly once", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 25), threeAccounts[:2])
		var mu sync.Mutex
		claimedBy := map[int64][]string{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, owner := range []string{"replica-1", "replica-2", "replica-3"} {
			r := reopen(t, s, Options{Now: clk.Now})
			wg.Go(func() {
				<-start
				for {
					ds, err := r.Claim(ctx, ClaimOptions{Owner: owner, Lease: time.Hour, Limit: 4})
					if err != nil {
						t.Errorf("%s: %v", owner, err)
						return
					}
					if len(ds) == 0 {
						return
					}
					for _, d := range ds {
						if d.State != Posting || d.LeaseOwner != owner || d.Attempts != 1 || d.Unknown || d.Item.ID != d.ItemID {
							t.Errorf("%s claimed %+v", owner, d)
						}
						mu.Lock()
						claimedBy[d.ID] = append(claimedBy[d.ID], owner)
						mu.Unlock()
						if err := r.MarkPosted(ctx, d.ID, owner, "post-"+strconv.FormatInt(d.ID, 10), ""); err != nil {
							t.Errorf("%s: %v", owner, err)
						}
					}
				}
			})
		}
		close(start)
		wg.Wait()
		if len(claimedBy) != 50 {
			t.Errorf("%d deliveries claimed, want 50", len(claimedBy))
		}
		for id, owners := range claimedBy {
			if len(owners) != 1 {
				t.Errorf("delivery %d claimed by %v", id, owners)
			}
		}
		if counts, err := s.Counts(ctx); err != nil || counts[threeAccounts[0]][Posted] != 25 || counts[threeAccounts[1]][Posted] != 25 {
			t.Errorf("Counts = %v, %v; want 25 posted per account", counts, err)
		}
	})

	t.Run("claim order and limit", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		items := numbered(mainFeed, 3)
		for i := range items {
			// Listed newest first, due oldest first.
			items[i].NotBefore = clk.Now().Add(-time.Duration(i) * time.Minute)
		}
		record(t, s, mainFeed, items, threeAccounts[:1])
		ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute, Limit: 2})
		if len(ds) != 2 || ds[0].Item.Key != items[2].Key || ds[1].Item.Key != items[1].Key {
			t.Fatalf("claimed %+v, want the two oldest due first", ds)
		}
		if !ds[0].LeaseExpires.Equal(clk.Now().Add(time.Minute)) {
			t.Errorf("lease expires %v, want %v", ds[0].LeaseExpires, clk.Now().Add(time.Minute))
		}
	})

	t.Run("an expired lease is taken over with Unknown set", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
		first := claim(t, s, ClaimOptions{Owner: "dead", Lease: time.Minute})
		if len(first) != 1 || first[0].Unknown {
			t.Fatalf("first claim = %+v, want one delivery, outcome known", first)
		}
		id := first[0].ID
		clk.Advance(59 * time.Second)
		if got := claim(t, s, ClaimOptions{Owner: "alive", Lease: time.Minute}); len(got) != 0 {
			t.Fatalf("claimed %v while the lease held", ids(got))
		}
		clk.Advance(time.Second)
		second := claim(t, s, ClaimOptions{Owner: "alive", Lease: time.Minute})
		if len(second) != 1 || second[0].ID != id || !second[0].Unknown || second[0].Attempts != 2 || second[0].LeaseOwner != "alive" {
			t.Fatalf("claim after expiry = %+v, want delivery %d, unknown, attempt 2, owned by alive", second, id)
		}
		for name, err := range map[string]error{
			"MarkPosted": s.MarkPosted(ctx, id, "dead", "1", ""),
			"MarkRetry":  s.MarkRetry(ctx, id, "dead", clk.Now(), "boom"),
			"MarkFailed": s.MarkFailed(ctx, id, "dead", "boom"),
			"Extend":     s.Extend(ctx, id, "dead", time.Hour),
		} {
			if !errors.Is(err, ErrLeaseLost) {
				t.Errorf("%s by the stale owner: err = %v, want ErrLeaseLost", name, err)
			}
		}
		if n, err := s.Release(ctx, "dead"); err != nil || n != 0 {
			t.Errorf("Release by the stale owner = %d, %v; want 0", n, err)
		}
		if err := s.MarkPosted(ctx, id, "alive", "109", "https://masto.example/@film/109"); err != nil {
			t.Fatal(err)
		}
		d, err := s.Delivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != Posted || d.RemoteID != "109" || d.RemoteURL != "https://masto.example/@film/109" || !d.PostedAt.Equal(clk.Now()) || d.Unknown {
			t.Errorf("posted delivery = %+v", d)
		}
		if err := s.MarkPosted(ctx, id, "alive", "110", ""); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("MarkPosted twice: err = %v, want ErrLeaseLost", err)
		}
	})

	t.Run("outcomes", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name      string
			settle    func(s *Store, d Delivery, now time.Time) error
			state     State
			lastErr   string
			claimable time.Duration // after which the delivery is claimable again; <0 never
			unknown   bool
		}{
			{
				name: "retry",
				settle: func(s *Store, d Delivery, now time.Time) error {
					return s.MarkRetry(ctx, d.ID, "a", now.Add(time.Hour), "429 too many requests")
				},
				state: Pending, lastErr: "429 too many requests", claimable: time.Hour,
			},
			{
				name: "unknown",
				settle: func(s *Store, d Delivery, now time.Time) error {
					return s.MarkUnknown(ctx, d.ID, "a", now.Add(time.Minute), "timeout")
				},
				state: Pending, lastErr: "timeout", claimable: time.Minute, unknown: true,
			},
			{
				name:   "failed",
				settle: func(s *Store, d Delivery, now time.Time) error { return s.MarkFailed(ctx, d.ID, "a", "403 forbidden") },
				state:  Failed, lastErr: "403 forbidden", claimable: -1,
			},
			{
				name: "posted",
				settle: func(s *Store, d Delivery, now time.Time) error {
					return s.MarkPosted(ctx, d.ID, "a", "1", "https://x.example/1")
				},
				state: Posted, claimable: -1,
			},
			{
				name: "extended",
				settle: func(s *Store, d Delivery, now time.Time) error {
					return s.Extend(ctx, d.ID, "a", 2*time.Hour)
				},
				state: Posting, claimable: 2 * time.Hour, unknown: true,
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				clk := newClock()
				s := open(t, Options{Now: clk.Now})
				record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
				ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute})
				if len(ds) != 1 {
					t.Fatalf("claimed %d, want 1", len(ds))
				}
				clk.Advance(time.Second)
				if err := tc.settle(s, ds[0], clk.Now()); err != nil {
					t.Fatal(err)
				}
				d, err := s.Delivery(ctx, ds[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if d.State != tc.state || d.LastError != tc.lastErr || !d.UpdatedAt.Equal(clk.Now()) {
					t.Errorf("after %s: %+v, want state %s, last error %q, updated now", tc.name, d, tc.state, tc.lastErr)
				}
				if tc.claimable < 0 {
					clk.Advance(24 * time.Hour)
					if got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute}); len(got) != 0 {
						t.Errorf("a %s delivery was claimed again", tc.state)
					}
					return
				}
				clk.Advance(tc.claimable - time.Microsecond)
				if got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute}); len(got) != 0 {
					t.Fatalf("claimed %v before it was due", ids(got))
				}
				clk.Advance(time.Microsecond)
				got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute})
				if len(got) != 1 || got[0].Attempts != 2 || got[0].Unknown != tc.unknown {
					t.Fatalf("claim when due = %+v, want attempt 2, unknown %v", got, tc.unknown)
				}
			})
		}
	})

	t.Run("waiting spends no attempt", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
		for round := 1; round <= 3; round++ {
			ds := claim(t, s, ClaimOptions{Owner: "w", Lease: time.Hour})
			if len(ds) != 1 || ds[0].Attempts != 1 {
				t.Fatalf("round %d: claimed %+v, want the delivery on its first attempt", round, ds)
			}
			if ds[0].Unknown != (round > 1) {
				t.Fatalf("round %d: unknown %v, want it kept once set", round, ds[0].Unknown)
			}
			if err := s.MarkWait(ctx, ds[0].ID, "w", clk.Now().Add(time.Minute), "rate-limited", round == 1); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Minute)
		}
	})

	t.Run("claim only the accounts asked for", func(t *testing.T) {
		t.Parallel()
		for _, spacing := range []time.Duration{0, time.Minute} {
			clk := newClock()
			s := open(t, Options{Now: clk.Now})
			record(t, s, mainFeed, numbered(mainFeed, 2), threeAccounts)
			want := threeAccounts[1]
			got := claim(t, s, ClaimOptions{Owner: "m", Lease: time.Hour, Accounts: []string{want}, Spacing: spacing})
			if len(got) == 0 {
				t.Fatalf("spacing %s: nothing claimed for %s", spacing, want)
			}
			for _, d := range got {
				if d.Account != want {
					t.Errorf("spacing %s: claimed %s's delivery %d, asked for %s only", spacing, d.Account, d.ID, want)
				}
			}
			// The others' deliveries are untouched: due, no attempt spent.
			others := 0
			for _, d := range claim(t, s, ClaimOptions{Owner: "all", Lease: time.Hour}) {
				if d.Account == want {
					continue // with spacing, the second of its two was left due
				}
				others++
				if d.Attempts != 1 || d.Unknown {
					t.Errorf("spacing %s: then claimed %+v, want the other accounts' deliveries on their first attempt", spacing, d)
				}
			}
			if others != 4 {
				t.Errorf("spacing %s: %d other deliveries claimed, want 4", spacing, others)
			}
		}
	})

	t.Run("release hands claims back", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 3), threeAccounts[:1])
		ds := claim(t, s, ClaimOptions{Owner: "stopping", Lease: time.Hour})
		if err := s.MarkPosted(ctx, ds[0].ID, "stopping", "1", ""); err != nil {
			t.Fatal(err)
		}
		n, err := s.Release(ctx, "stopping")
		if err != nil || n != 2 {
			t.Fatalf("Release = %d, %v; want 2", n, err)
		}
		got := claim(t, s, ClaimOptions{Owner: "next", Lease: time.Hour})
		// Unknown: a released delivery may have been posted by an attempt
		// whose record failed, so the next attempt looks for it first.
		if len(got) != 2 || got[0].Attempts != 1 || !got[0].Unknown || !got[1].Unknown {
			t.Fatalf("claim after release = %+v, want the 2 unposted, first attempt, outcome unknown", got)
		}
	})

	t.Run("spacing", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 3), threeAccounts[:2])
		o := ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 10, Spacing: 10 * time.Minute}
		first := claim(t, s, o)
		if len(first) != 2 || first[0].Account == first[1].Account {
			t.Fatalf("first spaced claim = %+v, want one delivery per account", first)
		}
		if got := claim(t, s, o); len(got) != 0 {
			t.Fatalf("claimed %v right after the last claim", ids(got))
		}
		clk.Advance(5 * time.Minute)
		for _, d := range first {
			if err := s.MarkPosted(ctx, d.ID, "a", "1", ""); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(9 * time.Minute) // 14 min after the claim, 9 after the post
		if got := claim(t, s, o); len(got) != 0 {
			t.Fatalf("claimed %v 9 minutes after the last post", ids(got))
		}
		clk.Advance(time.Minute)
		if got := claim(t, s, o); len(got) != 2 {
			t.Fatalf("claimed %d 10 minutes after the last post, want one per account", len(got))
		}
		// Another replica is bound by the same spacing.
		clk.Advance(time.Minute)
		if got := claim(t, reopen(t, s, Options{Now: clk.Now}), ClaimOptions{Owner: "b", Lease: time.Hour, Spacing: 10 * time.Minute}); len(got) != 0 {
			t.Fatalf("another replica claimed %v within the spacing", ids(got))
		}
	})

	t.Run("reposts", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		it := record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])[0]
		auto := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour})[0]
		if err := s.MarkPosted(ctx, auto.ID, "a", "1", ""); err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{auto.Key: 0}
		for seq := 1; seq <= 2; seq++ {
			d, err := s.AddRepost(ctx, it.ID, threeAccounts[0])
			if err != nil {
				t.Fatal(err)
			}
			if d.Seq != seq || d.State != Pending || d.Key != DeliveryKey(it.Identity, threeAccounts[0], seq) || !d.NextAttempt.Equal(clk.Now()) {
				t.Errorf("repost %d = %+v", seq, d)
			}
			if prev, dup := keys[d.Key]; dup {
				t.Errorf("repost %d has the key of seq %d", seq, prev)
			}
			keys[d.Key] = seq
		}
		// A repost to an account added since is a repost too, not the automatic post.
		d, err := s.AddRepost(ctx, it.ID, "bluesky:second")
		if err != nil || d.Seq != 1 {
			t.Errorf("repost to a new account = %+v, %v; want seq 1", d, err)
		}
		if got := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour}); len(got) != 3 {
			t.Errorf("claimed %d reposts, want 3 due now", len(got))
		}
		if _, err := s.AddRepost(ctx, it.ID+1000, threeAccounts[0]); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddRepost of an unknown item: err = %v, want ErrNotFound", err)
		}
		if _, err := s.Delivery(ctx, 424242); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delivery of an unknown id: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("find item by each name", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
		it := review(mainFeed, "key-7", "https://blog.example/?p=7", "https://blog.example/reviews/alien")
		want := record(t, s, mainFeed, []NewItem{it}, threeAccounts)[0]
		record(t, s, reviewsFeed, []NewItem{review(reviewsFeed, "reviews-key-7", "", it.NormLink)}, threeAccounts)
		record(t, s, mainFeed, numbered(mainFeed, 2), threeAccounts)
		for _, tc := range []struct{ name, ref string }{
			{"guid", it.GUID},
			{"link", it.NormLink},
			{"key", it.Key},
			{"key in another feed", "reviews-key-7"},
		} {
			got, ok, err := s.FindItem(ctx, tc.ref)
			if err != nil || !ok || got.ID != want.ID || got.Title != it.Title || !got.Published.Equal(it.Published) {
				t.Errorf("FindItem by %s = %+v, %v, %v; want item %d", tc.name, got, ok, err, want.ID)
			}
		}
		if _, ok, err := s.FindItem(ctx, "https://blog.example/reviews/unknown"); err != nil || ok {
			t.Errorf("FindItem of an unknown link = %v, %v; want false", ok, err)
		}
	})

	t.Run("deliveries filter", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 3), threeAccounts[:2])
		ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 2})
		clk.Advance(time.Second)
		if err := s.MarkFailed(ctx, ds[0].ID, "a", "401 unauthorized"); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
		if err := s.MarkPosted(ctx, ds[1].ID, "a", "1", "https://x.example/1"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    DeliveryFilter
			want []int64
		}{
			{"settled, newest first", DeliveryFilter{States: []State{Failed, Posted}}, []int64{ds[1].ID, ds[0].ID}},
			{"failed of its account", DeliveryFilter{Account: ds[0].Account, States: []State{Failed}}, []int64{ds[0].ID}},
			{"limit", DeliveryFilter{States: []State{Failed, Posted}, Limit: 1}, []int64{ds[1].ID}},
			{"by item", DeliveryFilter{ItemID: ds[0].ItemID, States: []State{Failed}}, []int64{ds[0].ID}},
		} {
			got, err := s.Deliveries(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(got)) != fmt.Sprint(tc.want) {
				t.Errorf("%s: Deliveries = %v, want %v", tc.name, ids(got), tc.want)
			}
		}
		all, err := s.Deliveries(ctx, DeliveryFilter{})
		if err != nil || len(all) != 6 {
			t.Fatalf("all deliveries = %d, %v; want 6", len(all), err)
		}
		for _, d := range all {
			if d.Item.ID != d.ItemID || d.Item.Title == "" {
				t.Errorf("delivery %d lacks its item: %+v", d.ID, d.Item)
			}
		}
	})

	t.Run("concurrent writers on one database never fail", func(t *testing.T) {
		t.Parallel()
		// The daemon records and claims while an operator's CLI (another
		// process, another pool) reads and writes the same database.
		s := open(t, Options{})
		cli := reopen(t, s, Options{})
		record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts)
		const writes = 200
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; i < writes; i++ {
				link := fmt.Sprintf("https://blog.example/reviews/daemon-%d", i)
				if _, err := s.RecordItems(ctx, mainFeed, []NewItem{review(mainFeed, link, link, link)}, threeAccounts[:1]); err != nil {
					t.Errorf("daemon write %d: %v", i, err)
					return
				}
			}
		})
		wg.Go(func() {
			for i := 0; i < writes; i++ {
				if _, err := cli.Deliveries(ctx, DeliveryFilter{Limit: 5}); err != nil {
					t.Errorf("cli read %d: %v", i, err)
					return
				}
				if _, err := cli.AddRepost(ctx, 1, "cli:account"); err != nil {
					t.Errorf("cli write %d: %v", i, err)
					return
				}
			}
		})
		wg.Wait()
		want := 3 + writes + writes
		if n := countRows(t, s, "deliveries"); n != want {
			t.Errorf("%d deliveries, want %d", n, want)
		}
	})

	t.Run("first sight records its plan once", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		// RecordItems (a repost's item found in a feed) never makes a first sight.
		record(t, s, reviewsFeed, []NewItem{review(reviewsFeed, "other", "other", "https://blog.example/reviews/other")}, threeAccounts[:1])
		if f, _, err := s.Feed(ctx, reviewsFeed); err != nil || f.Initialized {
			t.Fatalf("RecordItems initialized the feed: %+v, %v", f, err)
		}

		items := numbered(mainFeed, 3)
		later := clk.Now().Add(time.Minute)
		items[2].FirstSight = Plan{State: Pending, NotBefore: later} // BACKFILL=1
		created, first, err := s.RecordFirstSight(ctx, mainFeed, items[:3], threeAccounts[:1])
		if err != nil || !first || len(created) != 3 {
			t.Fatalf("RecordFirstSight = %d created, first %v, %v; want 3, true", len(created), first, err)
		}
		if f, _, err := s.Feed(ctx, mainFeed); err != nil || !f.Initialized {
			t.Fatalf("after its first sight Feed = %+v, %v; want initialized", f, err)
		}
		news := review(mainFeed, "news", "news", "https://blog.example/reviews/news")
		news.NotBefore = clk.Now().Add(2 * time.Minute)
		created, first, err = s.RecordFirstSight(ctx, mainFeed, append(items, news), threeAccounts[:1])
		if err != nil || first || len(created) != 1 || created[0].Key != news.Key {
			t.Fatalf("RecordFirstSight again = %+v, first %v, %v; want only the news, not a first sight", created, first, err)
		}
		want := map[string]Plan{
			items[0].Key: {Skipped, time.Time{}},
			items[1].Key: {Skipped, time.Time{}},
			items[2].Key: {Pending, later},
			news.Key:     {Pending, news.NotBefore},
		}
		ds, err := s.Deliveries(ctx, DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Item.FeedURL != mainFeed {
				continue
			}
			w := want[d.Item.Key]
			if d.State != w.State || w.State == Pending && !d.NextAttempt.Equal(w.NotBefore) {
				t.Errorf("delivery of %s: %s due %v, want %s due %v", d.Item.Key, d.State, d.NextAttempt, w.State, w.NotBefore)
			}
			delete(want, d.Item.Key)
		}
		if len(want) > 0 {
			t.Errorf("no delivery for %v", want)
		}

		bad := review(mainFeed, "bad", "", "")
		bad.FirstSight.State = Posted
		if _, _, err := s.RecordFirstSight(ctx, mainFeed, []NewItem{bad}, threeAccounts[:1]); err == nil {
			t.Error("RecordFirstSight accepted a first-sight state posted")
		}
	})

	t.Run("two replicas racing a feed's first sight skip only the winner's batch", func(t *testing.T) {
		t.Parallel()
		s := open(t, Options{})
		const rounds = 4 // one feed each: contention is likelier in some
		for round := range rounds {
			feedURL := fmt.Sprintf("https://blog%d.example/feed/", round)
			shared := numbered(feedURL, 4)
			for i := range shared {
				shared[i].FeedURL, shared[i].Key = feedURL, feedURL+shared[i].Key
				shared[i].GUID, shared[i].NormLink = shared[i].Key, shared[i].Key
			}
			// Each replica fetched the feed at a slightly different moment:
			// the same four reviews and one the other did not see yet. Both
			// read the feed as not initialized, so both ask for a first sight.
			batches := make([][]NewItem, 2)
			for r := range batches {
				link := fmt.Sprintf("%sonly-%d", feedURL, r)
				batches[r] = append(append([]NewItem(nil), shared...), review(feedURL, link, link, link))
			}
			replicas := []*Store{reopen(t, s, Options{}), reopen(t, s, Options{})}
			firsts := make([]bool, 2)
			created := make([][]Item, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for r := range replicas {
				wg.Go(func() {
					<-start
					var err error
					created[r], firsts[r], err = replicas[r].RecordFirstSight(ctx, feedURL, batches[r], threeAccounts[:2])
					if err != nil {
						t.Errorf("replica %d: %v", r, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if t.Failed() {
				return
			}
			if firsts[0] == firsts[1] {
				t.Fatalf("round %d: first sight reported by replicas %v, want exactly one", round, firsts)
			}
			winner, loser := 0, 1
			if firsts[1] {
				winner, loser = 1, 0
			}
			if len(created[winner]) != 5 || len(created[loser]) != 1 || created[loser][0].Key != batches[loser][4].Key {
				t.Fatalf("round %d: winner created %d items, loser %d; want 5 and only the loser's own news", round, len(created[winner]), len(created[loser]))
			}
			// The loser's next poll, still from its stale view, brings news.
			link := feedURL + "after"
			c, first, err := replicas[loser].RecordFirstSight(ctx, feedURL, append(batches[loser], review(feedURL, link, link, link)), threeAccounts[:2])
			if err != nil || first || len(c) != 1 || c[0].Key != link {
				t.Fatalf("round %d: the loser's later batch = %+v, first %v, %v; want one new item, not a first sight", round, c, first, err)
			}
			ds, err := s.Deliveries(ctx, DeliveryFilter{})
			if err != nil {
				t.Fatal(err)
			}
			states := map[string]State{}
			for _, d := range ds {
				if d.Item.FeedURL == feedURL {
					if prev, ok := states[d.Item.Key]; ok && prev != d.State {
						t.Errorf("round %d: item %s has %s and %s deliveries", round, d.Item.Key, prev, d.State)
					}
					states[d.Item.Key] = d.State
				}
			}
			want := map[string]State{batches[loser][4].Key: Pending, link: Pending}
			for _, it := range batches[winner] {
				want[it.Key] = Skipped
			}
			if fmt.Sprint(states) != fmt.Sprint(want) {
				t.Errorf("round %d: delivery states %v, want %v", round, states, want)
			}
			if f, _, err := s.Feed(ctx, feedURL); err != nil || !f.Initialized {
				t.Errorf("round %d: Feed = %+v, %v; want initialized", round, f, err)
			}
		}
	})

	t.Run("claim by IDs takes exactly the named deliveries", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		items := numbered(mainFeed, 4)
		items[3].NotBefore = clk.Now().Add(time.Hour)
		record(t, s, mainFeed, items, threeAccounts[:1])
		all, err := s.Deliveries(ctx, DeliveryFilter{})
		if err != nil || len(all) != 4 {
			t.Fatalf("Deliveries = %d, %v; want 4", len(all), err)
		}
		byKey := map[string]int64{}
		for _, d := range all {
			byKey[d.Item.Key] = d.ID
		}
		leased, other, wanted, notDue := byKey[items[0].Key], byKey[items[1].Key], byKey[items[2].Key], byKey[items[3].Key]
		if got := claim(t, s, ClaimOptions{Owner: "daemon", Lease: time.Minute, Limit: 1}); len(got) != 1 || got[0].ID != leased {
			t.Fatalf("daemon claimed %v, want %d", ids(got), leased)
		}

		got, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "cli", Lease: time.Minute}, []int64{leased, wanted, notDue, 424242})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != wanted {
			t.Fatalf("ClaimIDs = %v, want only %d (the others: leased, not due, unknown)", ids(got), wanted)
		}
		if d := got[0]; d.State != Posting || d.LeaseOwner != "cli" || d.Attempts != 1 || d.Unknown ||
			!d.LeaseExpires.Equal(clk.Now().Add(time.Minute)) || d.Item.Key != items[2].Key {
			t.Errorf("claimed %+v, want posting by cli, attempt 1, lease of a minute, item filled", d)
		}
		for id, owner := range map[int64]string{leased: "daemon", other: "", notDue: ""} {
			d, err := s.Delivery(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if d.LeaseOwner != owner {
				t.Errorf("delivery %d is held by %q, want %q", id, d.LeaseOwner, owner)
			}
		}
		if again, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "thief", Lease: time.Minute}, []int64{wanted}); err != nil || len(again) != 0 {
			t.Errorf("ClaimIDs of a delivery under a valid lease = %v, %v; want nothing", ids(again), err)
		}
		if err := s.MarkPosted(ctx, wanted, "cli", "1", ""); err != nil {
			t.Fatal(err)
		}
		if again, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "cli", Lease: time.Minute}, []int64{wanted}); err != nil || len(again) != 0 {
			t.Errorf("ClaimIDs of a posted delivery = %v, %v; want nothing", ids(again), err)
		}
		// An expired lease is taken over, outcome unknown, as Claim does.
		clk.Advance(time.Minute)
		took, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "cli", Lease: time.Minute}, []int64{leased})
		if err != nil || len(took) != 1 || !took[0].Unknown || took[0].Attempts != 2 || took[0].LeaseOwner != "cli" {
			t.Fatalf("ClaimIDs after the lease expired = %+v, %v; want it, unknown, attempt 2", took, err)
		}
		if _, err := s.ClaimIDs(ctx, ClaimOptions{Lease: time.Minute}, []int64{other}); err == nil {
			t.Error("ClaimIDs without an owner succeeded")
		}
	})

	t.Run("owners racing ClaimIDs for the same deliveries claim each once", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		record(t, s, mainFeed, numbered(mainFeed, 10), threeAccounts)
		all, err := s.Deliveries(ctx, DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		claimedBy := map[int64][]string{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, owner := range []string{"cli-1", "cli-2", "daemon"} {
			r := reopen(t, s, Options{Now: clk.Now})
			wg.Go(func() {
				<-start
				var got []Delivery
				var err error
				if owner == "daemon" {
					got, err = r.Claim(ctx, ClaimOptions{Owner: owner, Lease: time.Hour, Limit: 100})
				} else {
					got, err = r.ClaimIDs(ctx, ClaimOptions{Owner: owner, Lease: time.Hour}, ids(all))
				}
				if err != nil {
					t.Errorf("%s: %v", owner, err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, d := range got {
					claimedBy[d.ID] = append(claimedBy[d.ID], owner)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(claimedBy) != len(all) {
			t.Errorf("%d of %d deliveries claimed", len(claimedBy), len(all))
		}
		for id, owners := range claimedBy {
			if len(owners) != 1 {
				t.Errorf("delivery %d claimed by %v", id, owners)
			}
		}
	})
}
