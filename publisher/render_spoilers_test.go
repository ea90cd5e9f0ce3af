package publisher

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/review"
)

// weaponsSpoilers is a Letterboxd review marked as containing spoilers.
func weaponsSpoilers() review.Review {
	return review.Review{Key: "letterboxd-review-1", Title: "Weapons (2025)", FilmTitle: "Weapons", Year: 2025,
		Stars: "★★★★½", Rating: "4.5/5", Spoilers: true, Director: "Zach Cregger",
		Link:      "https://letterboxd.com/reelpost_fixture/film/weapons-2025/",
		TrailerID: "WpnsTrlr001", TrailerURL: "https://www.youtube.com/watch?v=WpnsTrlr001", TrailerSource: review.TrailerFromTMDB,
		Image:   "https://a.ltrbxd.com/resized/film-poster/weapons.jpg",
		Summary: "The missing children are all in the aunt's basement, and the ending burns her.", IsReview: true}
}

const spoilerWords = "aunt's basement"

// TestRenderSpoilers: a review with spoilers goes behind a content warning
// on Mastodon, text and all; on X and Bluesky, which have none, its words
// stay out (the card's description too) while the film, rating, trailer and
// link go.
func TestRenderSpoilers(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Networks {
		t.Run(string(n), func(t *testing.T) {
			t.Parallel()
			p, err := r.Render(DefaultRules(n), weaponsSpoilers(), RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Weapons (2025)", "WpnsTrlr001"} {
				if !strings.Contains(p.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, p.Text)
				}
			}
			linked := false
			for _, l := range p.Links {
				linked = linked || l.URL == weaponsSpoilers().Link
			}
			if !linked {
				t.Errorf("links %v lack the review", p.Links)
			}
			if !strings.Contains(p.Text, "★★★★½") {
				t.Errorf("text lacks the rating:\n%s", p.Text)
			}
			if n == Mastodon {
				if p.SpoilerText != "Spoilers: Weapons (2025)" {
					t.Errorf("SpoilerText = %q, want %q", p.SpoilerText, "Spoilers: Weapons (2025)")
				}
				if !strings.Contains(p.Text, spoilerWords) {
					t.Errorf("behind the warning the review's text is missing:\n%s", p.Text)
				}
				return
			}
			if p.SpoilerText != "" {
				t.Errorf("SpoilerText %q on %s, which has no content warnings", p.SpoilerText, n)
			}
			if strings.Contains(p.Text, spoilerWords) {
				t.Errorf("%s post shows the review's spoilers:\n%s", n, p.Text)
			}
			if p.Card != nil && strings.Contains(p.Card.Description, spoilerWords) {
				t.Errorf("%s card shows the review's spoilers: %q", n, p.Card.Description)
			}
		})
	}
}

// TestRenderWithoutSpoilersHasNoWarning: an ordinary review gets no content
// warning and keeps its words everywhere.
func TestRenderWithoutSpoilersHasNoWarning(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	rv := weaponsSpoilers()
	rv.Spoilers = false
	for _, n := range Networks {
		p, err := r.Render(DefaultRules(n), rv, RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.SpoilerText != "" || !strings.Contains(p.Text, spoilerWords) {
			t.Errorf("%s: SpoilerText %q, text:\n%s", n, p.SpoilerText, p.Text)
		}
	}
}

// TestRenderSpoilerTextCountsOnMastodon: Mastodon and GoToSocial count the
// warning and the text together against the limit, so the text is fitted
// to what the warning leaves and Length reports both.
func TestRenderSpoilerTextCountsOnMastodon(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	rv := weaponsSpoilers()
	rv.Summary = strings.Repeat("The ending recasts everything that came before it. ", 12)
	for _, rules := range []Rules{MastodonRules(500, 23), PleromaRules(500), GoToSocialRules(500)} {
		p, err := r.Render(rules, rv, RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		text, warning := rules.Count(p.Text), rules.Count(p.SpoilerText)
		if warning == 0 || text+warning > rules.Limit {
			t.Errorf("text %d + warning %d = %d, over the limit %d", text, warning, text+warning, rules.Limit)
		}
		if p.Length != text+warning {
			t.Errorf("Length %d, want text %d + warning %d", p.Length, text, warning)
		}
		if text+warning < rules.Limit-60 {
			t.Errorf("text %d + warning %d leaves %d of %d unused: the summary was cut more than the warning needs",
				text, warning, rules.Limit-text-warning, rules.Limit)
		}
	}
}

func TestSpoilerTextNamesTheFilm(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    TemplateData
		want string
	}{
		{TemplateData{Film: "Weapons", Year: 2025}, "Spoilers: Weapons (2025)"},
		{TemplateData{Film: "Oppenheimer"}, "Spoilers: Oppenheimer"},
		{TemplateData{}, "Spoilers"},
	} {
		if got := spoilerText(tt.d); got != tt.want {
			t.Errorf("spoilerText(%q, %d) = %q, want %q", tt.d.Film, tt.d.Year, got, tt.want)
		}
	}
}
