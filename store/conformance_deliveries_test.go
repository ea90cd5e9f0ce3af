package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestRepostsTakeTheNextSeq: each repost of an item to an account is a new
// delivery with the next seq and a key of its own, due now.
func (su *suite) TestRepostsTakeTheNextSeq(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
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
}

func (su *suite) TestUnknownItemsAndDeliveriesAreNotFound(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	it := record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])[0]
	if _, err := s.AddRepost(ctx, it.ID+1000, threeAccounts[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("AddRepost of an unknown item: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Delivery(ctx, 424242); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delivery of an unknown id: err = %v, want ErrNotFound", err)
	}
}

func (su *suite) TestDeliveriesFilter(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 3), threeAccounts[:2])
	ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 2})
	clk.Advance(time.Second)
	if err := s.MarkFailed(ctx, ds[0].ID, "a", "401 unauthorized", NotSent); err != nil {
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
}

// TestConcurrentWritersOnOneDatabaseNeverFail: the daemon records and claims
// while an operator's CLI (another process, another pool) reads and writes
// the same database.
func (su *suite) TestConcurrentWritersOnOneDatabaseNeverFail(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
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
}
