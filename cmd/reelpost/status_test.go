package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestStatusShowsFeedsPostsAndFailures(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.env["X_ACCESS_TOKEN_SECRET"] = "wrong" // X answers 401: failed with X's reason
	w.mustRun("once")
	w.feed.add(testReviews(2, 1)...)
	_, _, _ = w.run("once")

	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Feeds) != 1 || rep.Feeds[0].URL != w.feed.URL() || rep.Feeds[0].LastSuccess.IsZero() {
		t.Fatalf("feeds = %+v, want the feed with its last success", rep.Feeds)
	}
	byAccount := map[string]accountStatus{}
	for _, a := range rep.Accounts {
		byAccount[a.Account] = a
	}
	x := byAccount["x:987654321"]
	if len(x.Failed) != 1 || x.Failed[0].Title != "Film Number 2" || x.Failed[0].LastError == "" {
		t.Fatalf("x account status = %+v, want the failed delivery with its reason", x)
	}
	b := byAccount["bluesky:@films.test"]
	if len(b.Recent) != 1 || !strings.HasPrefix(b.Recent[0].PostURL, "https://") || b.Counts["posted"] != 1 || b.Counts["skipped"] != 1 {
		t.Fatalf("bluesky account status = %+v, want one recent post with its URL", b)
	}

	// The feed breaks: status says so.
	w.feed.fail(http.StatusNotFound)
	_, _, _ = w.run("once")
	text := w.mustRun("status")
	for _, want := range []string{w.feed.URL(), "1 consecutive error(s)", "404", `failed  "Film Number 2"`, "x:987654321: 0 posted"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
}

// TestStatusSaysWhyNotPosted: status answers "why wasn't it posted?" for
// every item that was not: history at the feed's first sight, an item that
// is not a review, a failed post (with its key, link and feed), and marks
// a repost as one.
func TestStatusSaysWhyNotPosted(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once") // review-1: history
	news := testReviews(2, 2)
	news[1].Category, news[1].Title = "News", "Festival line-up announced"
	w.feed.add(news...)
	w.env["X_ACCESS_TOKEN_SECRET"] = "wrong"
	_, _, _ = w.run("once") // review-2 fails on X; review-3 is no review
	w.env["X_ACCESS_TOKEN_SECRET"] = "ts"
	w.mustRun("repost", "--account", "mastodon", "review-2")

	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	why := map[string]notPostedStatus{}
	for _, it := range rep.NotPosted {
		why[it.Key] = it
	}
	if it := why["review-1"]; it.Why != "skipped" || !strings.Contains(it.Reason, "first saw it") || it.FeedURL != w.feed.URL() ||
		it.Link != "https://blog.example/reviews/film-1/" {
		t.Errorf("review-1 (history) = %+v", it)
	}
	if it := why["review-3"]; it.Why != "not_a_review" || !strings.Contains(it.Reason, "not a review") || it.FeedURL != w.feed.URL() {
		t.Errorf("review-3 (news) = %+v", it)
	}
	if _, listed := why["review-2"]; listed || len(rep.NotPosted) != 2 {
		t.Errorf("not posted = %+v, want review-1 and review-3 only", rep.NotPosted)
	}
	var failed, reposts []deliveryStatus
	for _, a := range rep.Accounts {
		failed = append(failed, a.Failed...)
		for _, d := range a.Recent {
			if d.Repost > 0 {
				reposts = append(reposts, d)
			}
		}
	}
	if len(failed) != 1 || failed[0].Key != "review-2" || failed[0].FeedURL != w.feed.URL() ||
		failed[0].Link != "https://blog.example/reviews/film-2/" || !strings.Contains(failed[0].LastError, "HTTP 401") {
		t.Errorf("failed = %+v, want review-2 on X with its key, link, feed and reason", failed)
	}
	if len(reposts) != 1 || reposts[0].Key != "review-2" {
		t.Errorf("reposts = %+v, want the Mastodon repost of review-2", reposts)
	}

	text := w.mustRun("status")
	for _, want := range []string{
		`failed  "Film Number 2"  after 1 attempt(s): HTTP 401`,
		"key review-2, link https://blog.example/reviews/film-2/, feed " + w.feed.URL(),
		`"Film Number 2" (repost 1)`,
		"not posted (most recent first):",
		`"Festival line-up announced": not a review`,
		`"Film Number 1": in the feed when reelpost first saw it`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
}

// TestStatusTellsDryRunFromHistory: a review skipped because DRY_RUN was
// set is told apart from the history a first sight skips.
func TestStatusTellsDryRunFromHistory(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	w.env["DRY_RUN"] = "true"
	w.feed.add(testReviews(2, 1)...)
	w.mustRun("once")
	delete(w.env, "DRY_RUN")
	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	why := map[string]string{}
	for _, it := range rep.NotPosted {
		why[it.Key] = it.Reason
	}
	if !strings.HasPrefix(why["review-1"], "in the feed when reelpost first saw it: history") || strings.Contains(why["review-1"], "dry run") {
		t.Errorf("review-1's reason = %q, want history at first sight", why["review-1"])
	}
	if !strings.HasPrefix(why["review-2"], "seen in dry run") {
		t.Errorf("review-2's reason = %q, want dry run", why["review-2"])
	}
}
