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
	// The last is decided by a planner that says why it is skipped, as
	// the relay does.
	if _, err := s.Record(ctx, Batch{FeedURL: mainFeed, Items: items[4:], Accounts: threeAccounts[:1],
		Plan: func(_ Sight, found []Found) []Decision {
			return []Decision{{Plan: Plan{State: Skipped, Reason: "seen in dry run"}}}
		}}); err != nil {
		t.Fatal(err)
	}
	// items[1] fails on one account: a failure, not a decision not to post.
	// (items[4] is skipped, so the claims take items[1] only.)
	for _, d := range claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute, Limit: 10}) {
		if d.Item.Key == items[1].Key {
			if err := s.MarkFailed(ctx, d.ID, "a", "401", NotSent); err != nil {
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
		reason     string
	}
	want := []row{{items[4].Key, 1, "seen in dry run"}, {items[3].Key, 0, ""}, {items[2].Key, 2, ""}, {items[0].Key, 2, ""}}
	if len(got) != len(want) {
		t.Fatalf("NotPosted = %d items %+v, want %+v", len(got), got, want)
	}
	for i, w := range want {
		if got[i].Key != w.key || got[i].Deliveries != w.deliveries || got[i].Reason != w.reason || got[i].FeedURL != mainFeed {
			t.Errorf("NotPosted[%d] = %s with %d deliveries, reason %q; want %s with %d, %q",
				i, got[i].Key, got[i].Deliveries, got[i].Reason, w.key, w.deliveries, w.reason)
		}
	}
	if got, err := s.NotPosted(ctx, 1); err != nil || len(got) != 1 || got[0].Key != items[4].Key {
		t.Errorf("NotPosted(1) = %+v, %v; want the newest only", got, err)
	}
}
