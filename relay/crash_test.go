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
// it can record anything, after its process either died (crash closes its
// ledger, and with it the lease lock) or hung (crash blocks until the test
// lets it go): what a process killed, or stuck, between publishing and
// recording leaves behind.
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
// review under a lease of an hour, makes the posts and dies before recording
// them. Another process takes the deliveries over without waiting for the
// lease (the dead process's lease lock is free; store.DeadOwnerGrace after it
// finds it so, for posts still landing), with their outcome unknown, and finds the posts (Mastodon: the account's statuses; Bluesky:
// the record key) or has the network refuse the repeat (X: duplicate
// content). A process that hangs instead keeps its deliveries until its
// lease expires, and then they go the same way. Exactly one post per
// account either way, also on a Mastodon-API server that ignores
// Idempotency-Key (GoToSocial).
func TestCrashBetweenPostAndRecord(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		for _, how := range []string{"died", "hung"} {
			for _, gts := range []bool{false, true} {
				name := l.name + "/" + how
				if gts {
					name += "/gotosocial"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					testCrashBetweenPostAndRecord(t, l, how, gts)
				})
			}
		}
	}
}

func testCrashBetweenPostAndRecord(t *testing.T, l ledger, how string, gts bool) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnvWith(t, l, mastodonfake.Options{IgnoreIdempotency: gts}, 5*time.Second, fs)
	ctx := context.Background()
	e.once(e.relay()) // first sight

	deadStore := openStore(t, e.dsn, e.clk.Now)
	hang := make(chan struct{})
	var once sync.Once
	crash := func() { once.Do(func() { _ = deadStore.Close() }) }
	if how == "hung" {
		crash = func() { <-hang }
	}
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
	const lease = time.Hour
	dead := e.relay(func(o *relay.Options) {
		o.Owner, o.Store, o.Publishers, o.Lease = "dead", deadStore, doomed, lease
	})
	deadDone := make(chan error, 1)
	go func() { deadDone <- dead.Once(ctx) }()
	if how == "died" {
		if err := <-deadDone; err == nil {
			t.Fatal("the dead process's cycle reported no error, though its ledger went away")
		}
	} else {
		posted.Wait()
		t.Cleanup(func() {
			close(hang)
			<-deadDone
		})
	}
	e.wantPosts(1) // the posts exist...
	if s := e.states(); s[store.Posting] != 3 {
		t.Fatalf("ledger after the crash = %v, want 3 deliveries left posting", s) // ...the ledger does not know
	}

	survivor := e.relay(func(o *relay.Options) { o.Owner = "survivor"; o.Lease = lease })
	if how == "hung" {
		// Alive, if stuck: nobody touches its deliveries before the lease
		// expires.
		e.once(survivor)
		if s := e.states(); s[store.Posting] != 3 {
			t.Fatalf("ledger = %v: deliveries taken over from a live process while its lease held", s)
		}
		e.clk.Add(lease + time.Second)
	} else {
		// Found dead: taken over after the grace, not after the lease.
		e.once(survivor)
		if s := e.states(); s[store.Posting] != 3 {
			t.Fatalf("ledger = %v: deliveries taken over within the grace", s)
		}
		e.clk.Add(store.DeadOwnerGrace)
	}
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
		if d.LeaseOwner != "survivor" {
			t.Errorf("%s: recorded by %q, want survivor", d.Account, d.LeaseOwner)
		}
		if !strings.HasPrefix(d.Account, "x:") && d.RemoteURL == "" {
			t.Errorf("%s: recorded without the post's URL: the earlier post was not found", d.Account)
		}
	}
}
