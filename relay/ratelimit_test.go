package relay_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// statusPosts counts the status creations the Mastodon fake received,
// refused ones included.
func statusPosts(e *env) int {
	n := 0
	for _, rq := range e.nets.m.Requests() {
		if rq.Method == http.MethodPost && rq.Path == "/api/v1/statuses" {
			n++
		}
	}
	return n
}

// TestRateLimitOneProbeAtTheReset: five reviews waiting for one account
// that the network rate-limits. The 429 stops the account: the rest of the
// batch is not sent. At the reset exactly one request reaches the network
// (refused again here, so the window moves on), and only once a probe is
// posted do the others follow, in order. No wait spends an attempt.
func TestRateLimitOneProbeAtTheReset(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			fs := newFeedServer(t, reviews(0, 1, time.Now().Add(-24*time.Hour))...)
			e := newEnv(t, l, fs)
			masto := mastodonOf(t, e)
			r := e.relay(func(o *relay.Options) {
				o.Publishers = []publisher.Publisher{masto}
				o.MaxPostsPerPoll = 10
			})
			e.once(r) // the feed's first sight: its review is skipped
			// The instance's rules are read once and kept: the faults below
			// meet status creations.
			if _, err := masto.Rules(ctx); err != nil {
				t.Fatal(err)
			}
			fs.add(reviews(1, 5, e.clk.Now().Add(-6*time.Hour))...)
			reset := e.clk.Now().Add(15 * time.Minute)
			e.nets.m.SetRateLimitReset(reset)
			e.nets.m.FailNext(mastodonfake.Fault429, 1)
			e.clk.Add(6 * time.Minute)
			e.once(r)
			if n := statusPosts(e); n != 1 {
				t.Fatalf("%d status requests after a 429, want 1: the rest of the account's batch must wait", n)
			}
			wantWaiting := func(when string) {
				t.Helper()
				ds, err := e.st.Deliveries(ctx, store.DeliveryFilter{States: []store.State{store.Pending, store.Posting, store.Posted, store.Failed}})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if d.State != store.Pending || d.Attempts != 0 {
						t.Fatalf("%s: delivery %d %s on attempt %d, want pending with no attempt spent", when, d.ID, d.State, d.Attempts)
					}
				}
				if len(ds) != 5 {
					t.Fatalf("%s: %d deliveries, want 5", when, len(ds))
				}
			}
			wantWaiting("after the 429")

			e.clk.Add(reset.Sub(e.clk.Now()) - time.Second)
			e.once(r)
			if n := statusPosts(e); n != 1 {
				t.Fatalf("%d status requests a second before the reset, want still 1", n)
			}

			// The reset, jitter included: one probe, refused again.
			reset2 := reset.Add(15 * time.Minute)
			e.nets.m.SetRateLimitReset(reset2)
			e.nets.m.FailNext(mastodonfake.Fault429, 1)
			e.clk.Add(time.Second + 5*time.Second)
			e.once(r)
			if n := statusPosts(e); n != 2 {
				t.Fatalf("%d status requests after the reset, want 2: exactly one probe at the reset", n)
			}
			wantWaiting("after the refused probe")

			// The second reset: the probe is posted, then the rest follow.
			e.clk.Add(reset2.Sub(e.clk.Now()) + 5*time.Second)
			e.once(r)
			sts := e.nets.m.Statuses()
			if len(sts) != 5 || statusPosts(e) != 7 {
				t.Fatalf("%d statuses from %d requests, want 5 from 7", len(sts), statusPosts(e))
			}
			for i, st := range sts {
				if want := fmt.Sprintf("Film Number %d", i+1); !strings.Contains(st.Text, want) {
					t.Errorf("status %d is %q, want %s: the account's reviews out of order", i, st.Text, want)
				}
			}
			ds, err := e.st.Deliveries(ctx, store.DeliveryFilter{States: []store.State{store.Pending, store.Posting, store.Posted, store.Failed}})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.State != store.Posted || d.Attempts != 1 {
					t.Errorf("delivery %d %s on attempt %d, want posted on its first attempt", d.ID, d.State, d.Attempts)
				}
			}
		})
	}
}
