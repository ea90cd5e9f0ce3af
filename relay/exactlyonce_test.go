package relay_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// wantEachStatusOnce fails the test if a status was made twice.
func wantEachStatusOnce(t *testing.T, e *env) {
	t.Helper()
	seen := map[string]int{}
	for _, s := range e.nets.m.Statuses() {
		if seen[s.Text]++; seen[s.Text] == 2 {
			t.Errorf("posted twice: %q", s.Text)
		}
	}
}

// TestReleaseByAnotherProcessPostsNothingTwice: a process releasing its
// leases (a CLI repost run under the daemon's INSTANCE_ID, before names got
// a per-process suffix; or any release after a failed record) while a post
// of that owner is in flight must not hand the delivery out as never tried.
// The server ignores Idempotency-Key (GoToSocial), so only the ledger
// prevents a second post.
func TestReleaseByAnotherProcessPostsNothingTwice(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnvWith(t, sqliteLedger, mastodonfake.Options{IgnoreIdempotency: true}, 5*time.Second, fs)
	ctx := context.Background()
	m := mastodonOf(t, e)
	as := func(p publisher.Publisher) func(*relay.Options) {
		return func(o *relay.Options) { o.Publishers, o.Owner = []publisher.Publisher{p}, "svc" }
	}
	e.once(e.relay(as(m))) // first sight
	fs.add(reviews(2, 1, base)...)
	e.clk.Add(6 * time.Minute)

	held := holdFirst(m)
	done := make(chan error, 1)
	go func() { done <- e.relay(as(held)).Once(ctx) }()
	<-held.started

	it, ok, err := e.st.FindItem(ctx, "post-1")
	if err != nil || !ok {
		t.Fatalf("find item post-1: %v %v", ok, err)
	}
	d, err := e.st.AddRepost(ctx, it.ID, m.ID())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.relay(as(m)).DeliverIDs(ctx, []int64{d.ID}); err != nil {
		t.Fatalf("repost: %v", err)
	}
	close(held.release)
	<-done
	e.once(e.relay(as(m)))
	wantEachStatusOnce(t, e)
	if n := len(e.nets.m.Statuses()); n != 2 {
		t.Errorf("%d statuses, want 2: the new review once and the repost", n)
	}
}

// TestQueuedDeliveryWhoseLeaseExpiredIsLeftToItsNewOwner: one process
// claims two posts for an account and makes them one after the other; the
// first is slow, the second's lease expires meanwhile and another replica
// takes it over and posts it. The first process must not then post it again
// from its stale claim.
func TestQueuedDeliveryWhoseLeaseExpiredIsLeftToItsNewOwner(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnvWith(t, sqliteLedger, mastodonfake.Options{IgnoreIdempotency: true}, 5*time.Second, fs)
	ctx := context.Background()
	m := mastodonOf(t, e)
	as := func(owner string, p publisher.Publisher) func(*relay.Options) {
		return func(o *relay.Options) { o.Publishers, o.Owner = []publisher.Publisher{p}, owner }
	}
	e.once(e.relay(as("A", m))) // first sight
	fs.add(reviews(2, 2, base)...)
	e.clk.Add(6 * time.Minute)

	held := holdFirst(m)
	done := make(chan error, 1)
	go func() { done <- e.relay(as("A", held)).Once(ctx) }()
	<-held.started
	// The test's clock jumps past the lease; A keeps only the delivery it is
	// posting (by hand: its renewal ticker runs on real time).
	e.clk.Add(relay.DefaultLease + time.Second)
	ds, err := e.st.Deliveries(ctx, store.DeliveryFilter{States: []store.State{store.Posting}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Item.Key == "post-2" {
			if err := e.st.Extend(ctx, d.ID, "A", relay.DefaultLease); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.relay(as("B", m)).Once(ctx); err != nil {
		t.Logf("B: %v", err)
	}
	close(held.release)
	<-done
	wantEachStatusOnce(t, e)
	if n := len(e.nets.m.Statuses()); n != 2 {
		t.Errorf("%d statuses, want 2: each new review once", n)
	}
}

// panicking is a publisher with a bug.
type panicking struct{ publisher.Publisher }

func (panicking) Publish(context.Context, publisher.Post) (publisher.Receipt, error) {
	panic("a bug met by one review")
}

// TestPanicFailsOneDeliveryNotTheDaemon: a bug met by one review (in
// rendering, in a client) fails that delivery with the reason, and the
// daemon goes on.
func TestPanicFailsOneDeliveryNotTheDaemon(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	m := mastodonOf(t, e)
	with := func(p publisher.Publisher) func(*relay.Options) {
		return func(o *relay.Options) { o.Publishers = []publisher.Publisher{p} }
	}
	e.once(e.relay(with(m))) // first sight
	fs.add(reviews(2, 1, base)...)
	err := e.relay(with(panicking{m})).Once(context.Background())
	var ce *relay.CycleError
	if !errors.As(err, &ce) || len(ce.Deliveries) != 1 || !strings.Contains(ce.Deliveries[0].Reason, "internal error: a bug met by one review") {
		t.Fatalf("Once = %v, want the delivery failed with the internal error", err)
	}
	if s := e.states(); s[store.Failed] != 1 || s[store.Posting] != 0 {
		t.Fatalf("ledger = %v, want the delivery failed, no lease left", s)
	}
}

// TestSecondIdenticalRepostOnXFails: X refuses a second repost with the same
// text as a duplicate; that repost made nothing, and the ledger says so
// instead of recording a post that is not there.
func TestSecondIdenticalRepostOnXFails(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	ctx := context.Background()
	var xp publisher.Publisher
	for _, p := range e.nets.pubs {
		if p.Network() == publisher.X {
			xp = p
		}
	}
	only := func(o *relay.Options) { o.Publishers = []publisher.Publisher{xp} }
	e.once(e.relay(only))
	it, ok, err := e.st.FindItem(ctx, "post-1")
	if err != nil || !ok {
		t.Fatalf("find item post-1: %v %v", ok, err)
	}
	var errs [2]error
	for i := range errs {
		d, err := e.st.AddRepost(ctx, it.ID, xp.ID())
		if err != nil {
			t.Fatal(err)
		}
		errs[i] = e.relay(only).DeliverIDs(ctx, []int64{d.ID})
	}
	if errs[0] != nil {
		t.Fatalf("first repost: %v", errs[0])
	}
	var ce *relay.CycleError
	if !errors.As(errs[1], &ce) || len(ce.Deliveries) != 1 || !strings.Contains(ce.Deliveries[0].Reason, "duplicate") {
		t.Fatalf("second identical repost = %v, want it failed as a duplicate", errs[1])
	}
	if n := len(e.nets.x.Posts()); n != 1 {
		t.Errorf("X holds %d posts, want the one repost", n)
	}
}

// TestEmptyFirstSight: a feed that lists nothing at its first poll (a CMS
// serving an empty stub for a while, a blog not yet started) has not been
// seen yet. When it comes back with its history, the history is not posted;
// a review published after it was last seen empty is (a new blog's first).
func TestEmptyFirstSight(t *testing.T) {
	t.Parallel()
	t.Run("history comes back", func(t *testing.T) {
		t.Parallel()
		fs := newFeedServer(t)
		e := newEnv(t, sqliteLedger, fs)
		e.once(e.relay())
		fs.set(reviews(1, 6, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))...)
		e.clk.Add(6 * time.Minute)
		e.once(e.relay())
		e.clk.Add(time.Hour)
		e.once(e.relay())
		if c := e.nets.counts(); c != [3]int{} {
			t.Fatalf("posts = %v: the feed's history was posted", c)
		}
		fs.add(reviews(7, 1, e.clk.Now())...)
		e.clk.Add(6 * time.Minute)
		e.once(e.relay())
		e.wantPosts(1)
	})
	t.Run("a new blog's first review", func(t *testing.T) {
		t.Parallel()
		fs := newFeedServer(t)
		e := newEnv(t, sqliteLedger, fs)
		e.once(e.relay())
		e.clk.Add(2 * time.Hour)
		e.once(e.relay())
		fs.set(reviews(1, 1, e.clk.Now())...)
		e.clk.Add(6 * time.Minute)
		e.once(e.relay())
		e.wantPosts(1)
	})
}

// TestRateLimitSpendsNoAttempt: a network asking again and again to wait
// (X's daily cap with a backlog, say) delays a post but never fails it,
// however small MAX_ATTEMPTS is.
func TestRateLimitSpendsNoAttempt(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay(func(o *relay.Options) { o.MaxAttempts = 2 })
	e.once(r)
	fs.add(reviews(2, 1, base)...)
	e.nets.x.FailNext(xfake.Fault429, 5)
	e.nets.m.FailNext(mastodonfake.Fault429, 5)
	e.nets.b.FailNext(blueskyfake.Fault429, 5)
	e.clk.Add(6 * time.Minute)
	for i := 0; i < 10 && e.states()[store.Posted] < 3; i++ {
		if err := r.Once(context.Background()); err != nil {
			t.Fatalf("cycle %d: %v (a rate limit failed a delivery)", i, err)
		}
		e.clk.Add(2 * time.Hour) // past the announced reset
	}
	e.wantPosts(1)
	if s := e.states(); s[store.Posted] != 3 || s[store.Failed] != 0 {
		t.Fatalf("ledger = %v, want 3 posted", s)
	}
}
