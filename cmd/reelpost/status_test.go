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
