package publisher

import (
	"testing"
	"time"

	"github.com/reelpost/reelpost/review"
)

// TestReviewLinkHoldingAnotherURL: a review link with a second "https://"
// in it (after a parenthesis) is one link, shown shortened on Bluesky and
// leading to the whole URL; it once crashed the renderer.
func TestReviewLinkHoldingAnotherURL(t *testing.T) {
	for _, link := range []string{"https://a.com/x(https://b.com", "https://a.com/x)https://b.com/y"} {
		text, links := placeLinks("Review: "+link, []string{link}, true)
		if len(links) != 1 || links[0].URL != link {
			t.Errorf("placeLinks(%q) = %q, %+v; want one link to the whole URL", link, text, links)
		}
		r, err := NewRenderer(Templates{})
		if err != nil {
			t.Fatal(err)
		}
		rv := review.Review{Key: "k", Title: "Her", Link: link, Summary: "Sweet, humorous and thought-provoking.",
			Published: time.Now(), IsReview: true}
		p, err := r.Render(DefaultRules(Bluesky), rv, RenderOptions{})
		if err != nil {
			t.Fatalf("Render with link %q: %v", link, err)
		}
		found := false
		for _, l := range p.Links {
			found = found || l.URL == link
		}
		if !found {
			t.Errorf("Render with link %q: links %+v lack the review's URL", link, p.Links)
		}
	}
}
