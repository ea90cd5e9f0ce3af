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
	long := strings.Repeat("Long ", 100) + "Title"
	tests := []struct {
		name  string
		d     TemplateData
		rules Rules
		lang  string
		want  string
	}{
		{"film and year", TemplateData{Film: "Weapons", Year: 2025}, DefaultRules(Mastodon), "en", "Spoilers: Weapons (2025)"},
		{"film alone", TemplateData{Film: "Oppenheimer"}, DefaultRules(Mastodon), "", "Spoilers: Oppenheimer"},
		{"no film", TemplateData{}, DefaultRules(Mastodon), "en", "Spoilers"},
		// 500/3 = 166: "Spoilers: " (10), " (2025)" (7) and "…" leave 148
		// for the film, and the last whole word within them ends at 144.
		{"long film, Mastodon", TemplateData{Film: long, Year: 2025}, DefaultRules(Mastodon), "en",
			"Spoilers: " + strings.TrimSpace(strings.Repeat("Long ", 29)) + "… (2025)"},
		{"long film, GoToSocial", TemplateData{Film: long}, GoToSocialRules(500), "en",
			"Spoilers: " + strings.TrimSpace(strings.Repeat("Long ", 31)) + "…"},
		{"one long word is cut between letters", TemplateData{Film: strings.Repeat("A", 300)}, GoToSocialRules(60), "en",
			"Spoilers: " + strings.Repeat("A", 9) + "…"},
		{"no room for the film", TemplateData{Film: "Weapons", Year: 2025}, MastodonRules(45, 23), "en", "Spoilers"},
		{"French", TemplateData{Film: "Weapons", Year: 2025}, DefaultRules(Mastodon), "fr", "Attention, spoilers\u00a0: Weapons (2025)"},
		{"Canadian French", TemplateData{Film: "Weapons"}, DefaultRules(Mastodon), "fr-CA", "Attention, spoilers\u00a0: Weapons"},
		{"Japanese", TemplateData{Film: "千と千尋の神隠し", Year: 2001}, DefaultRules(Mastodon), "ja", "ネタバレ注意：千と千尋の神隠し (2001)"},
		// The translated words count: "Attention, spoilers : " (22) and
		// "…" leave 143 of 166 for the film, 28 whole words (139).
		{"long film, GoToSocial, French", TemplateData{Film: long}, GoToSocialRules(500), "fr",
			"Attention, spoilers\u00a0: " + strings.TrimSpace(strings.Repeat("Long ", 28)) + "…"},
		{"no film, German", TemplateData{}, DefaultRules(Mastodon), "de-AT", "Spoiler"},
		{"a language without its words", TemplateData{Film: "Weapons", Year: 2025}, DefaultRules(Mastodon), "tr", "Spoilers: Weapons (2025)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := spoilerText(tt.d, tt.rules, tt.lang)
			if got != tt.want {
				t.Errorf("spoilerText(%q, %d, %q) = %q, want %q", tt.d.Film, tt.d.Year, tt.lang, got, tt.want)
			}
			if n := tt.rules.Count(got); n > tt.rules.Limit/3 && got != spoilerWarningFor(tt.lang).word {
				t.Errorf("warning counts %d, over a third of %d", n, tt.rules.Limit)
			}
		})
	}
}

// TestSpoilerWarningLanguages: the warning follows the post's language,
// a regional tag included, and is English for a language reelpost has no
// words for and for a tag it cannot read.
func TestSpoilerWarningLanguages(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{
		"en": "Spoilers", "en-GB": "Spoilers", "fr": "Attention, spoilers", "fr-CA": "Attention, spoilers",
		"de": "Spoiler", "de-CH": "Spoiler", "es": "Alerta de spóiler", "es-419": "Alerta de spóiler", "it": "Attenzione, spoiler",
		"pt": "Alerta de spoiler", "pt-BR": "Alerta de spoiler", "pt-PT": "Alerta de spoiler", "nl": "Spoileralert",
		"sv": "Spoilervarning", "da": "Spoileradvarsel", "nb": "Spoilervarsel", "no": "Spoilervarsel", "nn": "Spoilervarsel",
		"fi": "Juonipaljastuksia", "pl": "Uwaga, spoilery", "ja": "ネタバレ注意", "ko": "스포일러 주의",
		"zh": "剧透警告", "zh-CN": "剧透警告", "zh-Hans": "剧透警告", "zh-TW": "劇透警告", "zh-HK": "劇透警告",
		"zh-Hant": "劇透警告", "zh-Hant-CN": "劇透警告", "zh-SG": "剧透警告", "nb-NO": "Spoilervarsel", "nn-NO": "Spoilervarsel",
		// Only the same base language: CLDR pairs these with Spanish,
		// French, German and Dutch, whose readers they need not be.
		"eu": "Spoilers", "gl": "Spoilers", "oc": "Spoilers", "lb": "Spoilers", "af": "Spoilers",
		"zh-Latn": "Spoilers",
		// Languages without words of their own, and tags that are none.
		"tr": "Spoilers", "ro": "Spoilers", "ca": "Spoilers", "yue": "Spoilers", "": "Spoilers", "und": "Spoilers",
		"xx": "Spoilers", "français": "Spoilers",
	} {
		if got := spoilerWarningFor(lang).word; got != want {
			t.Errorf("warning for %q = %q, want %q", lang, got, want)
		}
	}
	// Each language's words are reachable by its own tag: none is
	// shadowed by another entry.
	for i, w := range spoilerWarnings {
		if got := spoilerWarningFor(w.tag.String()); got.word != w.word {
			t.Errorf("entry %d (%s) is reached as %q", i, w.tag, got.word)
		}
	}
}

// TestRenderSpoilersOfALongFilmTitle: a review with spoilers of a film whose
// name is longer than the limit is posted all the same behind a shortened
// warning, on Mastodon and GoToSocial, as the same review without spoilers is.
func TestRenderSpoilersOfALongFilmTitle(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := weaponsSpoilers()
	rv.FilmTitle = strings.Repeat("Long ", 100) + "Title" // 505 characters
	for _, rules := range []Rules{DefaultRules(Mastodon), GoToSocialRules(500), PleromaRules(500)} {
		p, err := r.Render(rules, rv, RenderOptions{})
		if err != nil {
			t.Fatalf("%s: %v", rules.Network, err)
		}
		if !strings.HasPrefix(p.SpoilerText, "Spoilers: Long Long") || !strings.HasSuffix(p.SpoilerText, "… (2025)") {
			t.Errorf("SpoilerText %q, want the film's name shortened", p.SpoilerText)
		}
		if !strings.Contains(p.Text, rv.Link) || !strings.Contains(p.Text, "WpnsTrlr001") {
			t.Errorf("the review or trailer link is missing:\n%s", p.Text)
		}
		if got := rules.Count(p.Text) + rules.Count(p.SpoilerText); got != p.Length || got > rules.Limit {
			t.Errorf("text and warning count %d, Length %d, limit %d", got, p.Length, rules.Limit)
		}
	}
}
