package relay_test

import (
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
)

// gotosocialEnv is a world whose Mastodon account is on GoToSocial, which
// ignores Idempotency-Key: only the look for an earlier post (Find) keeps a
// lost answer from making a second status. Its feed has been seen once.
func gotosocialEnv(t *testing.T) (*env, *feedServer) {
	t.Helper()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnvWith(t, sqliteLedger, mastodonfake.Options{Flavour: mastodonfake.FlavourGoToSocial, MaxCharacters: 500},
		5*time.Second, fs)
	return e, fs
}

// TestGoToSocialLostAnswerPostsOnce: GoToSocial makes the status, and the
// kept-alive connection breaks before its answer. Neither Go's transport nor
// the next attempt may post it again.
func TestGoToSocialLostAnswerPostsOnce(t *testing.T) {
	t.Parallel()
	e, fs := gotosocialEnv(t)
	r := e.relay()
	e.once(r) // first sight: the instance is read, the connection kept alive
	fs.add(reviews(2, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))[0])
	e.nets.m.FailNext(mastodonfake.FaultAfterCommit, 1)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	for range 3 {
		e.clk.Add(2 * time.Hour)
		e.once(r)
	}
	if sts := e.nets.m.Statuses(); len(sts) != 1 {
		t.Fatalf("GoToSocial holds %d statuses of the review, want 1; deliveries %v", len(sts), e.states())
	}
	if got := e.states(); got["posted"] != 3 {
		t.Errorf("deliveries %v, want the review posted on all 3 accounts", got)
	}
}
