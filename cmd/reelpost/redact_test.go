package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/redact"
)

// TestFeedURLCredentialsNeverShown: a feed URL with a user name, password
// and tokens in it is fetched as given, but what reelpost shows (its log at
// debug level over a first sight, a post and a failing poll; preview;
// status, text and JSON) names the feed without them.
func TestFeedURLCredentialsNeverShown(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	secretURL := strings.Replace(w.feed.URL(), "://", "://feedreader:s3cretpass@", 1) +
		"?token=T0KENVALUE&page=1&access_token=ACCESSVALUE"
	w.env["FEED_URLS"] = secretURL
	w.env["LOG_FORMAT"] = "json"
	w.env["LOG_LEVEL"] = "debug"
	var shown strings.Builder
	show := func(args ...string) string {
		out, errs, _ := w.run(args...)
		shown.WriteString(out + errs)
		return out
	}
	show("once") // the first sight
	w.feed.add(testReviews(2, 1)...)
	show("preview")
	show("once") // a post
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts = %v, want one per network: the feed was not read through its URL", got)
	}
	w.feed.fail(http.StatusForbidden)
	show("once") // a failure, logged and recorded
	status := show("status")
	show("status", "--json")
	for _, secret := range []string{"feedreader", "s3cretpass", "T0KENVALUE", "ACCESSVALUE"} {
		if strings.Contains(shown.String(), secret) {
			i := strings.Index(shown.String(), secret)
			t.Errorf("%q shown: ...%s...", secret, shown.String()[max(0, i-200):min(shown.Len(), i+100)])
		}
	}
	if !strings.Contains(status, redact.URL(secretURL)) || !strings.Contains(status, "403") {
		t.Errorf("status does not show the feed, redacted, with its error:\n%s", status)
	}
}
