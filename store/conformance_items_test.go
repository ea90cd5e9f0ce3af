package store

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func (su *suite) TestANewItemGetsOneDeliveryPerAccount(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
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
}

// TestRecordDedupes: a review seen again, under another GUID, link or feed,
// is the item already recorded, with no new deliveries.
func (su *suite) TestRecordDedupes(t *testing.T) {
	ctx := t.Context()
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
			s := su.open(t, Options{})
			first := record(t, s, tc.first.FeedURL, []NewItem{tc.first}, threeAccounts)
			if len(first) != 1 {
				t.Fatalf("first record created %d items, want 1", len(first))
			}
			known, err := s.known(ctx, tc.second.FeedURL, []NewItem{tc.second})
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
			if known, err := s.known(ctx, tc.second.FeedURL, []NewItem{tc.second}); err != nil || !known[0] {
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
}

// TestRecordInOneBatch: a batch is recorded whole, each item in its own
// state, a duplicate in it once.
func (su *suite) TestRecordInOneBatch(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
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
}

func (su *suite) TestRecordRefusesAPostedItemOrOneWithoutAKey(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	bad := review(mainFeed, "bad", "bad", "")
	bad.State = Posted
	if _, err := s.RecordItems(ctx, mainFeed, []NewItem{bad}, threeAccounts); err == nil {
		t.Error("RecordItems accepted an item in state posted")
	}
	if _, err := s.RecordItems(ctx, mainFeed, []NewItem{review(mainFeed, "", "", "")}, threeAccounts); err == nil {
		t.Error("RecordItems accepted an item without a key")
	}
}

func (su *suite) TestConcurrentRecordsByFourReplicasMakeOneItemAndOneSetOfDeliveries(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
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
}

func (su *suite) TestFindItemByEachName(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
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
}
