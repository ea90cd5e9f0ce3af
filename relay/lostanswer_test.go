package relay_test

import (
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/store"
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
	e.wantRecordedAsTheStatus()
}

// wantRecordedAsTheStatus checks that the Mastodon delivery recovered after
// a lost answer points at the one status the server holds: status and
// repost find a post by that id.
func (e *env) wantRecordedAsTheStatus() {
	e.t.Helper()
	sts := e.nets.m.Statuses()
	ds, err := e.st.Deliveries(e.t.Context(), store.DeliveryFilter{States: []store.State{store.Posted}})
	if err != nil {
		e.t.Fatal(err)
	}
	found := 0
	for _, d := range ds {
		if !strings.HasPrefix(d.Account, "mastodon:") {
			continue
		}
		found++
		if d.RemoteID != sts[0].ID {
			e.t.Fatalf("the Mastodon delivery is recorded as status %q, the server holds %q", d.RemoteID, sts[0].ID)
		}
	}
	if found != 1 {
		e.t.Fatalf("%d posted Mastodon deliveries, want 1", found)
	}
}

// TestRefitLostAnswerPostsOnce: GoToSocial refuses the review for its length
// (its limits could not be read, so it was fitted by Mastodon's defaults),
// the relay sends it fitted by the strictest count, with the title cut, and
// that answer is lost. The instance stays unreadable, so the next attempt
// renders the too-long text again: its look for an earlier post must also
// know the strict text it sent, or it posts the review a second time.
func TestRefitLostAnswerPostsOnce(t *testing.T) {
	t.Parallel()
	e, fs := gotosocialEnv(t)
	r := e.relay()
	e.once(r) // first sight

	long := reviews(2, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))[0]
	long.Title = "Her: The Lonely Letter Writer (Director's Cut)"
	// 460 code points of link: 23 by Mastodon's rule; in full on
	// GoToSocial, where the title no longer fits whole beside it.
	long.Link = "http://films.example.com/reviews/2026/01/her-the-lonely-letter-writer-" + strings.Repeat("x", 460-71) + "/"
	fs.add(long)
	e.nets.m.FailNext(mastodonfake.Fault500, 1)         // the instance's limits cannot be read
	e.nets.m.FailNext(mastodonfake.FaultAfterCommit, 1) // the refit is made, its answer lost
	e.clk.Add(6 * time.Minute)
	e.once(r)
	sts := e.nets.m.Statuses()
	if len(sts) != 1 || strings.Contains(sts[0].Text, long.Title) {
		t.Fatalf("after the lost answer GoToSocial holds %d statuses, want the refit with its title cut", len(sts))
	}
	for range 3 {
		e.nets.m.FailNext(mastodonfake.Fault500, 1) // the instance is still unreadable
		e.clk.Add(2 * time.Hour)
		e.once(r)
	}
	if sts := e.nets.m.Statuses(); len(sts) != 1 || strings.Contains(sts[0].Text, long.Title) {
		t.Fatalf("GoToSocial holds %d statuses of the review, want 1: the refit", len(sts))
	}
	if got := e.states(); got["posted"] != 3 {
		t.Errorf("deliveries %v, want the review posted on all 3 accounts", got)
	}
	e.wantRecordedAsTheStatus()
}
