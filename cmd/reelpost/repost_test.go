package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

func TestRepostPostsAgainWithNewText(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	w.feed.add(testReviews(2, 1)...)
	w.mustRun("once")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts before the repost = %v", got)
	}

	out := w.mustRun("repost", "https://blog.example/reviews/film-2/")
	if got := w.posts(); got != [3]int{2, 2, 2} {
		t.Fatalf("posts after the repost = %v, want a second post on every account", got)
	}
	for _, acct := range []string{"x:987654321", "mastodon:", "bluesky:@films.test"} {
		if !strings.Contains(out, acct) || !strings.Contains(out, "reposted http") {
			t.Errorf("repost output lacks %s and its post URL:\n%s", acct, out)
		}
	}
	// X refuses identical text: the repost template makes it differ.
	xp := w.x.Posts()
	if xp[0].Text == xp[1].Text || !strings.Contains(xp[1].Text, "Film Number 2") {
		t.Errorf("X repost text = %q, want the review again in a text other than the first post's %q", xp[1].Text, xp[0].Text)
	}
	// A new idempotency key: Mastodon made a new status, not the old one again.
	ms := w.m.Statuses()
	if ms[0].IdempotencyKey == ms[1].IdempotencyKey {
		t.Errorf("the repost reused the first post's Idempotency-Key %q", ms[0].IdempotencyKey)
	}

	// By GUID, to one network only.
	w.mustRun("repost", "--account", "mastodon", "review-2")
	if got := w.posts(); got != [3]int{2, 3, 2} {
		t.Fatalf("posts after a Mastodon-only repost = %v, want [2 3 2]", got)
	}
	status := w.mustRun("status")
	if !strings.Contains(status, "3 posted") {
		t.Errorf("status does not count the reposts:\n%s", status)
	}
}

func TestRepostOfAnItemOnlyInTheFeed(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 2)...)
	// Never polled: the review is found in the feed, recorded, and posted.
	w.mustRun("repost", "review-1")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts = %v, want one per account", got)
	}
	// The daemon's first sight then records the rest as skipped, and does
	// not post review-1 a second time.
	w.mustRun("once")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts after the first cycle = %v, want unchanged", got)
	}
}

func TestRepostRefusals(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown item", []string{"repost", "https://blog.example/reviews/never-written/"}, exitFailure, "neither in the ledger nor in any configured feed"},
		{"unknown account", []string{"repost", "review-1", "--account", "x:1"}, exitUsage, "no such account configured"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := w.run(c.args...)
			if exitCodeOf(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("reelpost %s = %v, want exit %d saying %q", strings.Join(c.args, " "), err, c.code, c.want)
			}
		})
	}
	if got := w.posts(); got != [3]int{} {
		t.Fatalf("a refused repost posted %v", got)
	}
}

func TestRepostDryRun(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	out := w.mustRun("repost", "--dry-run", "review-1")
	if got := w.posts(); got != [3]int{} {
		t.Fatalf("repost --dry-run posted %v", got)
	}
	if !strings.Contains(out, "Film Number 1") || !strings.Contains(out, "nothing posted") {
		t.Fatalf("repost --dry-run output:\n%s", out)
	}
	status := w.mustRun("status", "--json")
	if strings.Contains(status, `"repost"`) {
		t.Fatalf("repost --dry-run recorded a delivery:\n%s", status)
	}
}

// recordPending records review k of the test feed in the ledger, pending
// and due now on every account that has posted: what a daemon (another
// process) records in the moment before it delivers.
func (w *cliWorld) recordPending(k int) {
	w.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, w.env["DATABASE_URL"], store.Options{})
	if err != nil {
		w.t.Fatal(err)
	}
	defer st.Close()
	accounts, err := st.Accounts(ctx)
	if err != nil || len(accounts) != 3 {
		w.t.Fatalf("ledger accounts = %v, %v; want the three configured", accounts, err)
	}
	ti := testReviews(k, 1)[0]
	rv := review.Review{Key: ti.GUID, GUID: ti.GUID, Link: ti.Link, NormLink: feed.NormalizeLink(ti.Link), FeedURL: w.feed.URL(),
		Title: ti.Title, Published: ti.Published, IsReview: true}
	payload, err := review.Encode(rv)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := st.RecordItems(ctx, w.feed.URL(), []store.NewItem{{FeedURL: w.feed.URL(), Key: rv.Key, GUID: rv.GUID,
		NormLink: rv.NormLink, Title: rv.Title, Published: rv.Published, Payload: payload, State: store.Pending}}, accounts); err != nil {
		w.t.Fatal(err)
	}
}

// statesOf lists the states of the deliveries of the item named ref, and
// fails the test if any was attempted.
func (w *cliWorld) statesOf(ref string) []store.State {
	w.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, w.env["DATABASE_URL"], store.Options{})
	if err != nil {
		w.t.Fatal(err)
	}
	defer st.Close()
	it, ok, err := st.FindItem(ctx, ref)
	if err != nil || !ok {
		w.t.Fatalf("FindItem(%s) = %v, %v", ref, ok, err)
	}
	ds, err := st.Deliveries(ctx, store.DeliveryFilter{ItemID: it.ID})
	if err != nil {
		w.t.Fatal(err)
	}
	var states []store.State
	for _, d := range ds {
		if d.Attempts != 0 {
			w.t.Errorf("delivery %d of %s to %s was attempted %d times", d.ID, ref, d.Account, d.Attempts)
		}
		states = append(states, d.State)
	}
	return states
}

func TestRepostPostsOnlyTheRepost(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once") // first sight: review-1 recorded, skipped
	// The daemon has just recorded review-2, due now, and not yet posted it.
	w.recordPending(2)

	w.mustRun("repost", "review-1")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts after the repost = %v, want [1 1 1]: the repost only", got)
	}
	for i, p := range w.x.Posts() {
		if !strings.Contains(p.Text, "Film Number 1") {
			t.Errorf("X post %d = %q, want only review 1 (the repost), not review 2", i, p.Text)
		}
	}
	if got := w.statesOf("review-2"); len(got) != 3 || got[0] != store.Pending || got[1] != store.Pending || got[2] != store.Pending {
		t.Fatalf("review-2's deliveries = %v, want three pending, never attempted: left to the daemon", got)
	}
	// The daemon then posts it, once per account.
	w.mustRun("once")
	if got := w.posts(); got != [3]int{2, 2, 2} {
		t.Fatalf("posts after the daemon's cycle = %v, want [2 2 2]", got)
	}
}

func TestRepostNormalisesTheLink(t *testing.T) {
	t.Parallel()
	// The feed's link ends in a slash; the operator pastes it from a
	// newsletter: http, no slash, tracking parameters.
	const ref = "http://blog.example/reviews/film-1?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11"
	for _, tc := range []struct {
		name   string
		polled bool // in the ledger (the feed then down), else only in the feed
	}{
		{"item in the ledger", true},
		{"item only in the feed", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newCLIWorld(t, testReviews(1, 2)...)
			if tc.polled {
				w.mustRun("once") // first sight: both recorded, skipped
				w.feed.fail(http.StatusInternalServerError)
			}
			w.mustRun("repost", ref)
			if got := w.posts(); got != [3]int{1, 1, 1} {
				t.Fatalf("posts after repost %s = %v, want one per account", ref, got)
			}
			if text := w.m.Statuses()[0].Text; !strings.Contains(text, "Film Number 1") {
				t.Errorf("the repost's status = %q, want review 1", text)
			}
		})
	}
}
