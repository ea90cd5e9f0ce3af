package relay_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// TestRetryAfterLostLastAnswerPostsOnce: the last attempt allowed
// (MAX_ATTEMPTS) makes the status, and its answer is lost, so the delivery
// fails. Hours later the operator runs reelpost retry, long after
// Mastodon forgot the idempotency key: the next attempt must find the
// status rather than post the review a second time.
func TestRetryAfterLostLastAnswerPostsOnce(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			fs := newFeedServer(t, reviews(1, 1, base)...)
			e := newEnv(t, l, fs)
			r := e.relay(func(o *relay.Options) { o.MaxAttempts = 1 })
			e.once(r) // first sight
			fs.add(reviews(2, 1, base)...)
			e.nets.m.FailNext(mastodonfake.FaultAfterCommit, 1) // the status is made, its answer lost
			e.clk.Add(6 * time.Minute)
			_ = r.Once(ctx) // reports the failure
			ds, err := e.st.Deliveries(ctx, store.DeliveryFilter{States: []store.State{store.Failed}})
			if err != nil || len(ds) != 1 {
				t.Fatalf("failed deliveries %d, %v; want 1 (mastodon)", len(ds), err)
			}
			if !ds[0].Unknown {
				t.Errorf("failed delivery (%s) not recorded as possibly posted", ds[0].LastError)
			}
			if n := len(e.nets.m.Statuses()); n != 1 {
				t.Fatalf("Mastodon holds %d statuses after the lost answer, want 1", n)
			}

			e.clk.Add(2 * time.Hour) // past Mastodon's idempotency hour
			if _, err := e.st.Retry(ctx, ds[0].ID); err != nil {
				t.Fatal(err)
			}
			e.once(r)
			sts := e.nets.m.Statuses()
			n := 0
			for _, s := range sts {
				if strings.Contains(s.Text, "Film Number 2") {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("Mastodon shows review 2 %d times, want 1", n)
			}
			d, err := e.st.Delivery(ctx, ds[0].ID)
			if err != nil || d.State != store.Posted || d.RemoteID != sts[0].ID {
				t.Fatalf("delivery after retry: %s as %q (%v); want posted as status %s", d.State, d.RemoteID, err, sts[0].ID)
			}
		})
	}
}
