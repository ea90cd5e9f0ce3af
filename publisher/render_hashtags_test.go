package publisher

import (
	"strings"
	"testing"
)

// TestOperatorHashtags: POST_HASHTAGS and a feed's own follow the film's
// tag on every network, once each whatever their case, and outlast the
// genres' when a post is shortened.
func TestOperatorHashtags(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	rv := herReview()
	own := []string{"FilmReview", "romance", "Letterboxd"}
	for _, n := range []Network{X, Mastodon, Bluesky} {
		p, err := r.Render(DefaultRules(n), rv, RenderOptions{Hashtags: own})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Text, "#Her #FilmReview #romance #Letterboxd") || strings.Contains(p.Text, "#Romance") {
			t.Errorf("%s: hashtags line of\n%s\nwant #Her #FilmReview #romance #Letterboxd, then the other genres", n, p.Text)
		}
	}
	// Short of room, the genres' tags go before the operator's.
	full, err := r.Render(DefaultRules(Mastodon), rv, RenderOptions{Hashtags: own})
	if err != nil {
		t.Fatal(err)
	}
	for limit := full.Length; limit > 0; limit-- {
		p, err := r.Render(MastodonRules(limit, 23), rv, RenderOptions{Hashtags: own})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Text, "#Letterboxd") {
			if strings.Contains(p.Text, "#Drama") {
				t.Fatalf("at %d characters a genre's tag outlasted the operator's:\n%s", limit, p.Text)
			}
			break
		}
	}
}
