package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/store"
)

// letterboxdFixture is a Letterboxd member feed: 9 reviews, watches and
// lists; its "later" form adds a review.
func letterboxdFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "review", "letterboxd", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRoutesEachFeedToItsOwnAccount: a blog and a Letterboxd feed in one
// daemon, each posting to its own account, the Letterboxd one with its own
// template and hashtag, both with POST_HASHTAGS; an account no feed names
// gets nothing.
func TestRoutesEachFeedToItsOwnAccount(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 2)...)
	lb := filepath.Join(t.TempDir(), "letterboxd.xml")
	if err := os.WriteFile(lb, letterboxdFixture(t, "member-feed.xml"), 0o600); err != nil {
		t.Fatal(err)
	}
	delete(w.env, "FEED_URLS")
	delete(w.env, "FEED_CATEGORIES") // Letterboxd's own fields say what a review is
	for k, v := range map[string]string{
		"FEED_2_URL": w.feed.URL(), "FEED_2_TO": "X",
		"FEED_3_URL": lb, "FEED_3_TO": "MASTODON", "FEED_3_HASHTAGS": "#Letterboxd",
		"FEED_3_TEMPLATE": "{{.Film}}{{with .Year}} ({{.}}){{end}}{{with .Stars}} {{.}}{{end}} on Letterboxd\n{{.Link}}\n{{.Hashtags}}",
		"POST_HASHTAGS":   "#FilmReview",
		"BACKFILL":        "1",
	} {
		w.env[k] = v
	}

	w.mustRun("once")
	xp, mp := w.x.Posts(), w.m.Statuses()
	if len(xp) != 1 || len(mp) != 1 || len(w.b.Posts()) != 0 {
		t.Fatalf("posts = %v, want the blog's newest review on X, Letterboxd's on Mastodon, nothing on Bluesky", w.posts())
	}
	if !strings.Contains(xp[0].Text, "Film Number 2") || !strings.Contains(xp[0].Text, "#FilmReview") ||
		strings.Contains(xp[0].Text, "Letterboxd") {
		t.Errorf("the blog's X post = %q, want review 2 with #FilmReview and nothing of Letterboxd's", xp[0].Text)
	}
	if !strings.HasPrefix(mp[0].Text, "Weapons (2025) ★★★★½ on Letterboxd\n") ||
		!strings.Contains(mp[0].Text, "#FilmReview") || !strings.Contains(mp[0].Text, "#Letterboxd") {
		t.Errorf("the Letterboxd post = %q, want its own template with #FilmReview and #Letterboxd", mp[0].Text)
	}

	// Later: each feed's new review goes to its account alone.
	w.feed.add(testReviews(3, 1)...)
	if err := os.WriteFile(lb, letterboxdFixture(t, "member-feed-later.xml"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A file counts as changed by its modification time, in whole seconds.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(lb, later, later); err != nil {
		t.Fatal(err)
	}
	w.mustRun("once")
	xp, mp = w.x.Posts(), w.m.Statuses()
	if len(xp) != 2 || !strings.Contains(xp[1].Text, "Film Number 3") || len(w.b.Posts()) != 0 {
		t.Fatalf("X posts = %d, Bluesky %d after the blog's new review; want 2 and 0", len(xp), len(w.b.Posts()))
	}
	var anatomy bool
	for _, s := range mp[1:] {
		anatomy = anatomy || strings.HasPrefix(s.Text, "Anatomy of a Fall (2023) ★★★★ on Letterboxd")
		if strings.Contains(s.Text, "Film Number") {
			t.Errorf("a blog review reached Mastodon: %q", s.Text)
		}
	}
	if !anatomy {
		t.Errorf("Mastodon posts after Letterboxd's new review: %+v", mp)
	}

	// The ledger holds no delivery of a feed's item for another feed's
	// account: deliveries are made per feed, for its accounts only.
	st, err := store.Open(context.Background(), w.env["DATABASE_URL"], store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := st.Deliveries(context.Background(), store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		toX := strings.HasPrefix(d.Account, "x:")
		if fromBlog := d.Item.FeedURL == w.feed.URL(); fromBlog != toX || strings.HasPrefix(d.Account, "bluesky:") {
			t.Errorf("delivery of %s (feed %s) to %s", d.Item.Key, d.Item.FeedURL, d.Account)
		}
	}
}

// TestARoutedReviewReadsAsTheFeedThatBroughtIt: a blog's feed goes to X and
// Mastodon with its own template and #FilmBlog, its reviews category to
// Bluesky with another and #Reviews. A review appears in the blog's feed,
// then in the category: Bluesky posts it as the category says, though the
// blog's feed recorded it; status names the category as the feed of
// Bluesky's post; a repost to Bluesky, dry run or not, keeps #Reviews, and
// the dry run shows Mastodon's with #FilmBlog.
func TestARoutedReviewReadsAsTheFeedThatBroughtIt(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	category := newTestFeed(t, testReviews(1, 1)...)
	delete(w.env, "FEED_URLS")
	for k, v := range map[string]string{
		"FEED_2_URL": w.feed.URL(), "FEED_2_TO": "X,MASTODON", "FEED_2_HASHTAGS": "#FilmBlog",
		"FEED_2_TEMPLATE": "From the blog: {{.Title}} {{.Hashtags}}",
		"FEED_3_URL":      category.URL(), "FEED_3_TO": "BLUESKY", "FEED_3_HASHTAGS": "#Reviews",
		"FEED_3_TEMPLATE": "New review: {{.Title}} {{.Hashtags}}",
		"POST_HASHTAGS":   "#FilmReview",
	} {
		w.env[k] = v
	}
	w.mustRun("once") // first sight of both: review 1 is history
	w.feed.add(testReviews(2, 1)...)
	w.mustRun("once") // the blog's feed records review 2
	category.add(testReviews(2, 1)...)
	w.mustRun("once")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts = %v, want review 2 once on each account", got)
	}
	reads := func(who, text, start, want, other string) {
		t.Helper()
		if !strings.HasPrefix(text, start) || !strings.Contains(text, want) || strings.Contains(text, other) {
			t.Errorf("%s: %q, want it to begin %q and carry %s, not %s", who, text, start, want, other)
		}
	}
	reads("Mastodon", w.m.Statuses()[0].Text, "From the blog: Film Number 2", "#FilmBlog", "#Reviews")
	reads("Bluesky", w.b.Posts()[0].Text, "New review: Film Number 2", "#Reviews", "#FilmBlog")

	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Accounts {
		if strings.HasPrefix(a.Account, "bluesky:") && (len(a.Recent) != 1 || a.Recent[0].FeedURL != category.URL()) {
			t.Errorf("status of %s: %+v, want its post of feed %s", a.Account, a.Recent, category.URL())
		}
	}

	out := w.mustRun("repost", "--dry-run", "review-2")
	sections := map[string]string{}
	for _, sec := range strings.Split(out, "\n--- ")[1:] {
		acct, text, _ := strings.Cut(sec, "\n")
		sections[strings.Fields(acct)[0]] = text
	}
	for acct, text := range sections {
		switch {
		case strings.HasPrefix(acct, "bluesky:"):
			reads("Bluesky's repost, dry run", text, "", "#Reviews", "#FilmBlog")
		case strings.HasPrefix(acct, "mastodon:"):
			reads("Mastodon's repost, dry run", text, "", "#FilmBlog", "#Reviews")
		}
	}
	if len(sections) != 3 {
		t.Errorf("repost --dry-run shows %d accounts, want 3:\n%s", len(sections), out)
	}

	w.mustRun("repost", "--account", "bluesky", "review-2")
	bp := w.b.Posts()
	if len(bp) != 2 {
		t.Fatalf("Bluesky holds %d posts after the repost, want 2", len(bp))
	}
	reads("Bluesky's repost", bp[1].Text, "", "#Reviews", "#FilmBlog")
	if !strings.Contains(bp[1].Text, "Film Number 2") {
		t.Errorf("Bluesky's repost %q is not review 2", bp[1].Text)
	}
}
