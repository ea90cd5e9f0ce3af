package relay_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
)

// TestQuietOnlyWhileIdle: the hook where reelpost run gives memory back is
// called while the daemon has nothing to do, again while that lasts, never
// while a post is in flight, and again once the post is done.
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
		o.Quiet = func(int) {
			if gate.inside.Load() {
				violated.Store(true)
			}
			calls.Add(1)
		}
	})
	ctx := runInBackground(t, r)
	released := false
	t.Cleanup(func() { // before the run stops: a post held at the gate would hold the stop
		if !released {
			close(gate.release)
		}
	})

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

// TestQuietCallsCountTheSpell: while the daemon polls and finds nothing
// new, the hook is called every QuietAfter and told how many calls the
// quiet spell has had (reelpost run gives memory back at the first, and
// again only where that pays); after a post, the count starts again at 1.
func TestQuietCallsCountTheSpell(t *testing.T) {
	t.Parallel()
	const quietAfter = 50 * time.Millisecond
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	e.st = openStore(t, e.dsn, time.Now)
	type call struct {
		at time.Time
		n  int
	}
	var (
		mu    sync.Mutex
		calls []call
	)
	got := func() []call {
		mu.Lock()
		defer mu.Unlock()
		return append([]call(nil), calls...)
	}
	r := e.relay(func(o *relay.Options) {
		o.PollInterval, o.Now = 200*time.Millisecond, time.Now
		o.QuietAfter = quietAfter
		o.Quiet = func(n int) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, call{time.Now(), n})
		}
	})
	ctx := runInBackground(t, r)

	// The feed's first sight is work: the spell to judge starts after it.
	waitFor(t, 10*time.Second, "the first poll", func() bool { return r.Ready(ctx).Ready })
	const spell = 5
	waitFor(t, 30*time.Second, "the fifth quiet call of a spell", func() bool {
		cs := got()
		return len(cs) > 0 && cs[len(cs)-1].n >= spell
	})
	cs := got()
	first := len(cs) - 1
	for first > 0 && cs[first].n > 1 {
		first--
	}
	cs = cs[first:]
	for i, c := range cs {
		if c.n != i+1 {
			t.Fatalf("quiet calls of one spell numbered %v, want 1, 2, 3...", cs)
		}
		// The timer may fire late, never early; a millisecond for the time
		// between the relay's clock reading and the hook's.
		if gap := c.at.Sub(cs[max(i-1, 0)].at); i > 0 && gap < quietAfter-time.Millisecond {
			t.Fatalf("quiet call %d came %s after call %d, want a QuietAfter (%s) at least", c.n, gap, c.n-1, quietAfter)
		}
	}

	posted := time.Now()
	fs.add(reviews(2, 1, base)...)
	waitFor(t, 10*time.Second, "the new review's posts", func() bool { return e.nets.counts() == [3]int{1, 1, 1} })
	waitFor(t, 10*time.Second, "the first quiet call of a new spell after the posts", func() bool {
		cs := got()
		return cs[len(cs)-1].at.After(posted) && cs[len(cs)-1].n == 1
	})
}
