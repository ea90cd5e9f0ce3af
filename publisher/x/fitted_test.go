package x_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/review"
)

// TestFittedPostsAreAccepted renders reviews far beyond X's limit, each a
// single sentence that the fitter cuts at a word to within a few characters
// of 280 as the publisher counts,
// and posts them to the fake, which counts on its own (twitter-text's
// rules): a post the publisher miscounts (URLs, emoji, CJK, accents) is
// refused there as X would refuse it.
func TestFittedPostsAreAccepted(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a film that takes its absurd premise seriously and is rewarded for it, ", 8)
	// slack is how far below the limit the fitter may stop: the summary is
	// cut before a word or URL that does not fit, so at most the longest of
	// them (a URL counts 23).
	reviews := []struct {
		name  string
		slack int
		rv    review.Review
	}{
		{"long URLs", 8, review.Review{Title: strings.Repeat("The Extraordinarily Long Tale ", 3),
			Link:       "https://example-films.blog/reviews/2026/11/the-extraordinarily-long-and-winding-tale-of-a-lonely-letter-writer",
			TrailerURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4", Summary: long, Genres: []string{"Drama", "Romance"}}},
		{"emoji", 8, review.Review{Title: "Paddington 2 🐻", Link: "https://example-films.blog/reviews/paddington-2",
			Summary: strings.Repeat("🎬✨ 👨‍👩‍👧‍👦 🇬🇧 1️⃣ ", 40)}},
		{"CJK", 8, review.Review{Title: "千と千尋の神隠し", Link: "https://example-films.blog/レビュー/千と千尋",
			Summary: strings.Repeat("不思議な町に迷い込んだ少女の成長物語、映像は息をのむほど美しい、", 10)}},
		{"accents", 8, review.Review{Title: "Ame\u0301lie", Link: "https://example-films.blog/reviews/amelie",
			Summary: strings.Repeat("une fe\u0301e a\u0300 Zo\u0308e, de\u0301ja\u0300 vu, ", 20)}},
		{"bare domains", 24, review.Review{Title: "Her", Link: "https://example-films.blog/reviews/her",
			Summary: strings.Repeat("compare example.com/her-review and films.example.org/her now, ", 10)}},
	}
	r, err := publisher.NewRenderer(publisher.Templates{})
	if err != nil {
		t.Fatal(err)
	}
	fake := xfake.New(t, creds)
	p := newPublisher(t, fake.URL, creds, 5*time.Second, nil)
	rules, err := p.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range reviews {
		name := c.name
		post, err := r.Render(rules, c.rv, publisher.RenderOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if post.Length < rules.Limit-c.slack {
			t.Fatalf("%s: fitted to %d of %d: not close enough to the limit to tell a miscount", name, post.Length, rules.Limit)
		}
		post.Key = name
		if _, err := p.Publish(context.Background(), post); err != nil {
			t.Errorf("%s: X refused a post the publisher counted %d: %v\n%s", name, post.Length, err, post.Text)
		}
	}
}
