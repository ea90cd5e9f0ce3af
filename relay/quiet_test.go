package relay_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
)

// TestQuietOnlyWhileIdle: the hook where reelpost run gives memory back is
// called while the daemon has nothing to do, again and again at its pace,
// never while a post is in flight, and again once the post is done.
func TestQuietOnlyWhileIdle(t *testing.T) {
	t.Parallel()
	const quietAfter = 100 * time.Millisecond
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	e.st = openStore(t, e.dsn, time.Now)
	gate := holdFirst(mastodonOf(t, e))
	var (
		calls    atomic.Int32
		violated atomic.Bool
	)
	r := e.relay(func(o *relay.Options) {
		o.PollInterval, o.Now = time.Second, time.Now
		o.Publishers = []publisher.Publisher{gate}
		o.QuietAfter = quietAfter
		o.Quiet = func() {
			if gate.inside.Load() {
				violated.Store(true)
			}
			calls.Add(1)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	released := false
	defer func() {
		if !released {
			close(gate.release)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	waitFor(t, 10*time.Second, "the first poll", func() bool { return r.Ready(ctx).Ready })
	waitFor(t, 10*time.Second, "two quiet calls while idle", func() bool { return calls.Load() >= 2 })

	fs.add(reviews(2, 1, base)...)
	select {
	case <-gate.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the new review was not published")
	}
	// Several quiet periods pass with the post in flight.
	before := calls.Load()
	time.Sleep(5 * quietAfter)
	if n := calls.Load(); n != before || violated.Load() {
		t.Fatalf("Quiet called while a post was in flight (%d calls before, %d after)", before, n)
	}
	close(gate.release)
	released = true
	waitFor(t, 10*time.Second, "the post", func() bool { return e.nets.counts()[1] == 1 })
	after := calls.Load()
	waitFor(t, 10*time.Second, "a quiet call after the post", func() bool { return calls.Load() > after })
	if violated.Load() {
		t.Fatal("Quiet was called while a post was in flight")
	}
}
