package store

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// known reports, per item, whether recording it now would create nothing
// (the feed or another one names it already), by Record's own matching: the
// conformance suite asks it before and after recording.
func (s *Store) known(ctx context.Context, feedURL string, items []NewItem) ([]bool, error) {
	v, err := s.loadFeed(ctx, s.db, feedURL, items)
	if err != nil {
		return nil, err
	}
	if err := s.loadCross(ctx, s.db, v, items); err != nil {
		return nil, err
	}
	steps := v.match(items, make([]string, len(items)))
	out := make([]bool, len(items))
	for i, st := range steps {
		out[i] = st.found.Match != New
	}
	return out, nil
}

// eachLedger runs fn as a subtest on SQLite and on PostgreSQL; open gives a
// fresh, empty ledger of the subtest's own.
func eachLedger(t *testing.T, fn func(t *testing.T, open func(t *testing.T, o Options) *Store)) {
	t.Helper()
	newDSN := map[string]func(t *testing.T) string{
		DialectSQLite: func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "ledger.db") },
		DialectPostgres: func(t *testing.T) string {
			return freshSchema(t, postgresURL(t))
		},
	}
	for _, dialect := range []string{DialectSQLite, DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, func(t *testing.T, o Options) *Store {
				t.Helper()
				s, err := Open(context.Background(), newDSN[dialect](t), o)
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}

// recordAll records items with a planner that decides every open item as
// plan says, and counts its calls.
func recordAll(t *testing.T, s *Store, feed string, items []NewItem, plan Decision, calls *atomic.Int32) Recorded {
	t.Helper()
	rec, err := s.Record(context.Background(), Batch{FeedURL: feed, Items: items, Accounts: threeAccounts,
		Plan: func(_ Sight, found []Found) []Decision {
			if calls != nil {
				calls.Add(1)
			}
			ds := make([]Decision, len(found))
			for i := range ds {
				ds[i] = plan
			}
			return ds
		}})
	if err != nil {
		t.Fatalf("Record(%s): %v", feed, err)
	}
	return rec
}

func matches(rec Recorded) []Match {
	out := make([]Match, len(rec.Found))
	for i, f := range rec.Found {
		out[i] = f.Match
	}
	return out
}

// TestRecordSaysWhatEachItemIs: Record's answer per item, for each way a
// feed can show an item again.
func TestRecordSaysWhatEachItemIs(t *testing.T) {
	t.Parallel()
	const link = "https://blog.example/reviews/alien"
	first := review(mainFeed, "post-1", "post-1", link)
	cases := []struct {
		name  string
		feed  string
		again func(NewItem) NewItem
		want  Match
	}{
		{"the same", mainFeed, func(it NewItem) NewItem { return it }, Unchanged},
		{"a fixed typo", mainFeed, func(it NewItem) NewItem { it.Payload = []byte(`{"title":"fixed"}`); return it }, Changed},
		{"a new title", mainFeed, func(it NewItem) NewItem { it.Title = "Alien (1979)"; return it }, Changed},
		{"a new GUID on the same link", mainFeed, func(it NewItem) NewItem { it.Key, it.GUID = "post-1b", "post-1b"; return it }, Renamed},
		{"a new link under the same GUID", mainFeed, func(it NewItem) NewItem { it.NormLink = link + "-1979"; return it }, Renamed},
		{"another feed with the same link", reviewsFeed, func(it NewItem) NewItem { it.FeedURL, it.Key, it.GUID = reviewsFeed, "r-1", "r-1"; return it }, Alias},
		{"another feed, another review", reviewsFeed, func(it NewItem) NewItem {
			it.FeedURL, it.Key, it.GUID, it.NormLink = reviewsFeed, "r-2", "r-2", link+"s"
			return it
		}, New},
	}
	eachLedger(t, func(t *testing.T, open func(*testing.T, Options) *Store) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				s := open(t, Options{})
				var calls atomic.Int32
				if got := matches(recordAll(t, s, mainFeed, []NewItem{first}, Decision{Plan: Plan{State: Pending}}, &calls)); got[0] != New {
					t.Fatalf("first record found %v, want new", got)
				}
				again := c.again(first)
				rec := recordAll(t, s, again.FeedURL, []NewItem{again}, Decision{Plan: Plan{State: Pending}}, &calls)
				if got := rec.Found[0].Match; got != c.want {
					t.Fatalf("recording it again found %v, want %v", got, c.want)
				}
				wantDeliveries := 3
				if c.want == New {
					wantDeliveries = 6
				}
				if n := countRows(t, s, "deliveries"); n != wantDeliveries {
					t.Errorf("%d deliveries, want %d", n, wantDeliveries)
				}
				// And once more, as it is now: nothing left to follow, and
				// nothing to decide (Record only reads).
				calls.Store(0)
				rec = recordAll(t, s, again.FeedURL, []NewItem{again}, Decision{Plan: Plan{State: Pending}}, &calls)
				if got := rec.Found[0].Match; got != Unchanged || calls.Load() != 0 {
					t.Errorf("a third record found %v and asked the planner %d times; want unchanged, never", got, calls.Load())
				}
			})
		}
	})
}

// TestRecordContentOfOldRows: rows recorded before the ledger kept content
// (an empty fingerprint) count as changed once, and nothing is posted for them.
func TestRecordContentOfOldRows(t *testing.T) {
	t.Parallel()
	eachLedger(t, func(t *testing.T, open func(*testing.T, Options) *Store) {
		s := open(t, Options{})
		items := numbered(mainFeed, 3)
		record(t, s, mainFeed, items, threeAccounts)
		if _, err := s.db.Exec(`UPDATE feed_items SET fingerprint = ''`); err != nil {
			t.Fatal(err)
		}
		for round, want := range []Match{Changed, Unchanged} {
			rec := recordAll(t, s, mainFeed, items, Decision{Plan: Plan{State: Pending}}, nil)
			for i, m := range matches(rec) {
				if m != want {
					t.Errorf("round %d: item %d found %v, want %v", round, i, m, want)
				}
			}
		}
		if n := countRows(t, s, "deliveries"); n != 9 {
			t.Errorf("%d deliveries, want the 9 of the first record", n)
		}
	})
}

// TestRecordWaitingItem: an item recorded as waiting (news, not a review
// yet) is open again when its content or names change, and its deliveries
// open once, when a record decides it Pending, for the accounts of that
// record (one added since included).
func TestRecordWaitingItem(t *testing.T) {
	t.Parallel()
	eachLedger(t, func(t *testing.T, open func(*testing.T, Options) *Store) {
		ctx := context.Background()
		clk := newClock()
		s := open(t, Options{Now: clk.Now})
		it := review(mainFeed, "letterboxd-watch-7", "letterboxd-watch-7", "https://letterboxd.com/u/film/alien/")
		rec, err := s.Record(ctx, Batch{FeedURL: mainFeed, Items: []NewItem{it}, Accounts: threeAccounts[:2],
			Plan: func(Sight, []Found) []Decision { return []Decision{{Wait: true}} }})
		if err != nil || !rec.Decisions[0].Wait {
			t.Fatalf("Record = %+v, %v", rec, err)
		}
		if rec := recordAll(t, s, mainFeed, []NewItem{it}, Decision{Plan: Plan{State: Pending}}, nil); rec.Found[0].Open() {
			t.Fatalf("unchanged waiting item found open: %+v", rec.Found[0])
		}
		// A new text, still no review: it keeps waiting.
		it.Payload = []byte(`{"title":"watched again"}`)
		rec = recordAll(t, s, mainFeed, []NewItem{it}, Decision{Wait: true}, nil)
		if f := rec.Found[0]; f.Match != Changed || !f.Waiting || !f.Open() {
			t.Fatalf("changed waiting item found %+v, want changed, waiting, open", f)
		}

		// Renamed to a review; replicas decide it at once, with a third
		// account configured since.
		it.Key, it.GUID, it.Payload = "letterboxd-review-7", "letterboxd-review-7", []byte(`{"title":"a review"}`)
		due := clk.Now().Add(5 * time.Minute)
		var wg sync.WaitGroup
		var opened atomic.Int32
		for range 4 {
			r := reopen(t, s, Options{Now: clk.Now})
			wg.Go(func() {
				rec, err := r.Record(ctx, Batch{FeedURL: mainFeed, Items: []NewItem{it}, Accounts: threeAccounts,
					Plan: func(Sight, []Found) []Decision { return []Decision{{Plan: Plan{State: Pending, NotBefore: due}}} }})
				if err != nil {
					t.Errorf("Record: %v", err)
					return
				}
				if rec.Found[0].Open() && rec.Decisions[0].State == Pending {
					opened.Add(1)
				}
			})
		}
		wg.Wait()
		if opened.Load() != 1 {
			t.Errorf("%d replicas opened the deliveries, want 1", opened.Load())
		}
		ds, err := s.Deliveries(ctx, DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 3 {
			t.Fatalf("%d deliveries, want one per account (3)", len(ds))
		}
		for _, d := range ds {
			if d.State != Pending || !d.NextAttempt.Equal(due) || string(d.Item.Payload) != `{"title":"a review"}` || d.Item.Key != it.Key {
				t.Errorf("delivery = %s due %v of %s %s, want pending due %v with the review's content", d.State, d.NextAttempt,
					d.Item.Key, d.Item.Payload, due)
			}
		}
		// Edited later: found changed, no longer waiting, nothing opens.
		it.Payload = []byte(`{"title":"a review, typo fixed"}`)
		if rec := recordAll(t, s, mainFeed, []NewItem{it}, Decision{Plan: Plan{State: Pending}}, nil); rec.Found[0].Open() {
			t.Errorf("an edit of a settled item found open: %+v", rec.Found[0])
		}
		if n := countRows(t, s, "deliveries"); n != 3 {
			t.Errorf("%d deliveries after an edit, want 3", n)
		}
	})
}

// TestRecordRefusesBadDecisions: a planner answering for the wrong number
// of items, or deciding an item both pending and waiting, records nothing.
func TestRecordRefusesBadDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name string
		plan Planner
	}{
		{"too few", func(Sight, []Found) []Decision { return nil }},
		{"pending and waiting", func(_ Sight, f []Found) []Decision {
			return []Decision{{Plan: Plan{State: Pending}, Wait: true}}
		}},
		{"posted", func(_ Sight, f []Found) []Decision { return []Decision{{Plan: Plan{State: Posted}}} }},
	}
	s, err := Open(ctx, filepath.Join(t.TempDir(), "ledger.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range cases {
		if _, err := s.Record(ctx, Batch{FeedURL: mainFeed, Items: numbered(mainFeed, 1), Accounts: threeAccounts, Plan: c.plan}); err == nil {
			t.Errorf("%s: Record accepted it", c.name)
		}
	}
	if n := countRows(t, s, "items"); n != 0 {
		t.Errorf("%d items recorded, want none", n)
	}
}
