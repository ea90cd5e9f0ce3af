package main

import (
	"strings"
	"testing"
)

// TestRetrySendsFailedDeliveriesOnceFixed: a revoked X token fails a
// review's X post; once the token is replaced, retry posts it with the
// normal template (not the repost text), and only there.
func TestRetrySendsFailedDeliveriesOnceFixed(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	w.feed.add(testReviews(2, 2)...)
	w.env["X_ACCESS_TOKEN_SECRET"] = "wrong"
	_, _, _ = w.run("once")
	if got := w.posts(); got != [3]int{0, 2, 2} {
		t.Fatalf("posts with a wrong X secret = %v, want X failed", got)
	}

	// Still broken: the retry fails again, says so, and exits 1.
	out, _, err := w.run("retry", "review-2")
	if exitCodeOf(err) != exitFailure || !strings.Contains(out, "x:987654321: FAILED: HTTP 401") ||
		strings.Count(out, "x:987654321") != 1 || !strings.Contains(out, "regenerate") {
		t.Fatalf("retry with the secret still wrong = %v:\n%s", err, out)
	}

	w.env["X_ACCESS_TOKEN_SECRET"] = "ts"
	out = w.mustRun("retry", "review-2")
	if !strings.Contains(out, "x:987654321: posted http") {
		t.Fatalf("retry output:\n%s", out)
	}
	xp := w.x.Posts()
	if len(xp) != 1 || !strings.Contains(xp[0].Text, "Film Number 2") || strings.Contains(strings.ToLower(xp[0].Text), "repost") {
		t.Fatalf("X posts after the retry = %+v, want review 2 with the normal template", xp)
	}
	if got := w.posts(); got != [3]int{1, 2, 2} {
		t.Fatalf("posts after retrying one item = %v: the other accounts must not post again", got)
	}

	// --failed takes the rest; then there is nothing left to retry.
	w.mustRun("retry", "--failed", "--account", "X")
	if got := w.posts(); got != [3]int{2, 2, 2} {
		t.Fatalf("posts after retry --failed = %v", got)
	}
	if xp := w.x.Posts(); !strings.Contains(xp[1].Text, "Film Number 3") {
		t.Fatalf("X's second post after retry --failed = %q, want review 3 (the one still failed)", xp[1].Text)
	}
	if out := w.mustRun("retry", "--failed"); !strings.Contains(out, "nothing to retry") {
		t.Errorf("retry with nothing failed:\n%s", out)
	}
	if got := w.posts(); got != [3]int{2, 2, 2} {
		t.Fatalf("a retry with nothing failed posted: %v", got)
	}
}

func TestRetryRefusals(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"retry"}, exitUsage, "ITEM"},
		{[]string{"retry", "review-1", "--failed"}, exitUsage, "not both"},
		{[]string{"retry", "never-seen"}, exitFailure, "not in the ledger"},
		{[]string{"retry", "--failed", "--account", "x:1"}, exitUsage, "no such account configured"},
	} {
		_, _, err := w.run(c.args...)
		if exitCodeOf(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("reelpost %s = %v, want exit %d saying %q", strings.Join(c.args, " "), err, c.code, c.want)
		}
	}
}
