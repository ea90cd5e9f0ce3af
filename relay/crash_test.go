package relay_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// crashAfterPublish makes the post, waits until every account's post is
// made (posted, the WaitGroup), then ends the goroutine that made it before
// it can record anything, the ledger connection gone with it: what a
// process killed between publishing and recording leaves behind.
type crashAfterPublish struct {
	publisher.Publisher
	posted *sync.WaitGroup
	crash  func()
}

func (c crashAfterPublish) Publish(ctx context.Context, p publisher.Post) (publisher.Receipt, error) {
	rc, err := c.Publisher.Publish(ctx, p)
	c.posted.Done()
	c.posted.Wait()
	c.crash()
	runtime.Goexit()
	return rc, err
}

// TestCrashBetweenPostAndRecord: a process claims the deliveries of a new
// review, makes the posts and dies before recording them. Its leases expire;
// another process takes the deliveries over with their outcome unknown and
// finds the posts (Mastodon: the account's statuses; Bluesky: the record
// key) or has the network refuse the repeat (X: duplicate content). Exactly
// one post per account, also on a Mastodon-API server that ignores
// Idempotency-Key (GoToSocial).
func TestCrashBetweenPostAndRecord(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		for _, gts := range []bool{false, true} {
			name := l.name
			if gts {
				name += "/gotosocial"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				fs := newFeedServer(t, reviews(1, 1, base)...)
				e := newEnvWith(t, l, mastodonfake.Options{IgnoreIdempotency: gts}, 5*time.Second, fs)
				ctx := context.Background()
				e.once(e.relay()) // first sight

				deadStore := openStore(t, e.dsn, e.clk.Now)
				var once sync.Once
				crash := func() { once.Do(func() { _ = deadStore.Close() }) }
				var (
					doomed []publisher.Publisher
					posted sync.WaitGroup
				)
				posted.Add(len(e.nets.pubs))
				for _, p := range e.nets.pubs {
					doomed = append(doomed, crashAfterPublish{Publisher: p, posted: &posted, crash: crash})
				}
				fs.add(reviews(2, 1, base)...)
				e.clk.Add(6 * time.Minute)
				dead := e.relay(func(o *relay.Options) { o.Owner = "dead"; o.Store = deadStore; o.Publishers = doomed })
				if err := dead.Once(ctx); err == nil {
					t.Fatal("the dead process's cycle reported no error, though its ledger went away")
				}
				e.wantPosts(1) // the posts exist...
				if s := e.states(); s[store.Posting] != 3 {
					t.Fatalf("ledger after the crash = %v, want 3 deliveries left posting", s) // ...the ledger does not know
				}

				// Before the lease expires, nobody touches them.
				survivor := e.relay(func(o *relay.Options) { o.Owner = "survivor" })
				e.once(survivor)
				if s := e.states(); s[store.Posting] != 3 {
					t.Fatalf("ledger = %v: deliveries taken over while their lease held", s)
				}
				e.clk.Add(relay.DefaultLease + time.Second)
				e.once(survivor)
				e.wantPosts(1)
				if s := e.states(); s[store.Posted] != 3 || s[store.Posting]+s[store.Pending] != 0 {
					t.Fatalf("ledger = %v, want 3 posted", s)
				}
				ds, err := e.st.Deliveries(ctx, store.DeliveryFilter{States: []store.State{store.Posted}})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if !strings.HasPrefix(d.Account, "x:") && d.RemoteURL == "" {
						t.Errorf("%s: recorded without the post's URL: the earlier post was not found", d.Account)
					}
				}
			})
		}
	}
}
