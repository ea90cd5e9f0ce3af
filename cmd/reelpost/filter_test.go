package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFeedExcludeLeavesAReviewUnposted: a review FEED_EXCLUDE matches is
// recorded as not posted, and preview and status say why.
func TestFeedExcludeLeavesAReviewUnposted(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.env["FEED_EXCLUDE"] = `(?i)number 3\b`
	w.mustRun("once")
	w.feed.add(testReviews(2, 2)...)

	out := w.mustRun("preview")
	if !strings.Contains(out, "== Film Number 3  [not posted: excluded by FEED_EXCLUDE]") ||
		!strings.Contains(out, "== Film Number 2  [review: ") {
		t.Errorf("preview does not show the exclusion:\n%s", out)
	}

	w.mustRun("once")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts = %v, want review 2 alone on every account", got)
	}
	for _, s := range w.m.Statuses() {
		if strings.Contains(s.Text, "Number 3") {
			t.Errorf("the excluded review was posted: %q", s.Text)
		}
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range rep.NotPosted {
		if it.Key == "review-3" {
			found = it.Why == "excluded" && it.Reason == "excluded by FEED_EXCLUDE"
		}
	}
	if !found {
		t.Errorf("status does not say review-3 was excluded by FEED_EXCLUDE: %+v", rep.NotPosted)
	}
}
