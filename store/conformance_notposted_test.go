package store

import (
	"testing"
	"time"
)

// TestNotPostedListsWhatNeverReachedAnAccount: status's "why was it not
// posted?" lists the items whose deliveries were all skipped, or that got
// none (no account then), newest first; an item pending, posted or failed
// anywhere is not among them.
func (su *suite) TestNotPostedListsWhatNeverReachedAnAccount(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	items := numbered(mainFeed, 5)
	items[0].State = Skipped // history
	items[2].State = Skipped // not a review
	record(t, s, mainFeed, items[:3], threeAccounts[:2])
	clk.Advance(time.Minute)
	record(t, s, mainFeed, items[3:4], nil) // recorded with no account configured
	clk.Advance(time.Minute)
	record(t, s, mainFeed, items[4:], threeAccounts[:1])
	// items[1] fails on one account: a failure, not a decision not to post.
	for _, d := range claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute, Limit: 10}) {
		if d.Item.Key == items[1].Key {
			if err := s.MarkFailed(ctx, d.ID, "a", "401"); err != nil {
				t.Fatal(err)
			}
		}
	}

	got, err := s.NotPosted(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		key        string
		deliveries int
	}
	want := []row{{items[3].Key, 0}, {items[2].Key, 2}, {items[0].Key, 2}}
	if len(got) != len(want) {
		t.Fatalf("NotPosted = %d items %+v, want %+v", len(got), got, want)
	}
	for i, w := range want {
		if got[i].Key != w.key || got[i].Deliveries != w.deliveries || got[i].FeedURL != mainFeed {
			t.Errorf("NotPosted[%d] = %s with %d deliveries, want %s with %d", i, got[i].Key, got[i].Deliveries, w.key, w.deliveries)
		}
	}
	if got, err := s.NotPosted(ctx, 1); err != nil || len(got) != 1 || got[0].Key != items[3].Key {
		t.Errorf("NotPosted(1) = %+v, %v; want the newest only", got, err)
	}
}
