package relay_test

import (
	"testing"
	"time"

	"github.com/reelpost/reelpost/relay"
)

// TestReplicasItemsPostedWithoutAPollOfOurs: the delivery loop looks for
// due deliveries when a poll ends, and on a timer of its own when polls come
// further apart: a review that another replica recorded (it polled first)
// is posted by this daemon before this daemon polls again.
func TestReplicasItemsPostedWithoutAPollOfOurs(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	e.st = openStore(t, e.dsn, time.Now)
	// Polls 8 s apart (7.2 at the least, with jitter); the delivery loop's
	// own look comes every 2 s and a half at most.
	ours := e.relay(func(o *relay.Options) { o.PollInterval, o.Now = 8*time.Second, time.Now })
	ctx := runInBackground(t, ours)
	waitFor(t, 10*time.Second, "the first poll", func() bool { return ours.Ready(ctx).Ready })
	if n := fs.Hits(); n != 1 {
		t.Fatalf("%d polls at the start, want 1", n)
	}

	// The replica polls (and does not deliver): the review's deliveries are
	// due in the ledger.
	fs.add(reviews(2, 1, base)...)
	replica := e.relay(func(o *relay.Options) { o.Owner, o.Now = "replica", time.Now })
	if err := replica.PollFeed(ctx, fs.URL()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the review's posts", func() bool { return e.nets.counts() == [3]int{1, 1, 1} })
	if n := fs.Hits(); n != 2 {
		t.Fatalf("the feed was fetched %d times when the posts were made, want 2 (our first poll, the replica's)", n)
	}
	e.wantPosts(1)
}
