package main

import (
	"strings"
	"testing"
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
		{"unknown item", []string{"repost", "https://blog.example/reviews/never-written/"}, exitFailure, "neither in the ledger nor in any feed"},
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
