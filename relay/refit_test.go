package relay_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/store"
)

// TestRefusedForLengthIsRefitted is the recorded defect: GoToSocial
// announces 25 characters per URL but counts links in full, and a review
// fitted by the announced rule (here Mastodon's defaults, as the instance
// could not be asked at that moment) was refused with a 400 and failed for
// good. The relay fits it again by the strictest count and sends it once
// more: the review is posted, once, within the server's own count.
func TestRefusedForLengthIsRefitted(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnvWith(t, sqliteLedger, mastodonfake.Options{Flavour: mastodonfake.FlavourGoToSocial, MaxCharacters: 500},
		5*time.Second, fs)
	r := e.relay()
	e.once(r) // first sight

	long := reviews(2, 1, base)[0]
	long.Title = "Her: The Lonely Letter Writer (Director's Cut)"
	// 380 code points of link: 23 by Mastodon's rule, in full on GoToSocial.
	long.Link = "http://films.example.com/reviews/2026/01/her-the-lonely-letter-writer-" + strings.Repeat("x", 380-71) + "/"
	fs.add(long)
	e.nets.m.FailNext(mastodonfake.Fault500, 1) // the instance's limits cannot be read this time
	e.clk.Add(6 * time.Minute)
	e.once(r)

	sts := e.nets.m.Statuses()
	if len(sts) != 1 {
		t.Fatalf("GoToSocial holds %d statuses, want 1", len(sts))
	}
	if n := utf8.RuneCountInString(sts[0].Text); n > 500 || !strings.Contains(sts[0].Text, long.Link) {
		t.Errorf("status of %d code points, want at most 500 with the review's link:\n%s", n, sts[0].Text)
	}
	posts := 0
	for _, req := range e.nets.m.Requests() {
		if req.Path == "/api/v1/statuses" {
			posts++
		}
	}
	if posts != 2 {
		t.Errorf("%d POST /api/v1/statuses, want 2: the refused one, then the refit", posts)
	}
	if got := e.states(); got[store.Failed] != 0 || got[store.Posted] != 3 {
		t.Errorf("deliveries %v, want the review posted on all three networks, none failed", got)
	}
}
