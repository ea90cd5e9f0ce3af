package mastodon_test

import (
	"context"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/publisher"
	feedreview "github.com/reelpost/reelpost/review"
)

// TestFittedPostsAreAccepted renders reviews far beyond the server's limit,
// each a single sentence that the fitter cuts at a word to within a few
// characters of it as the publisher counts, and posts them to the fake,
// which counts on its own (Mastodon's StatusLengthValidator, GoToSocial's
// code points): a post the publisher miscounts (URLs at the server's
// reservation, grapheme clusters) is refused there as the server would
// refuse it.
func TestFittedPostsAreAccepted(t *testing.T) {
	t.Parallel()
	reviews := map[string]feedreview.Review{
		"long URLs": {Title: strings.Repeat("The Extraordinarily Long Tale ", 3),
			Link:       "https://example-films.blog/reviews/2026/11/the-extraordinarily-long-and-winding-tale-of-a-lonely-letter-writer",
			TrailerURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4", Genres: []string{"Drama", "Romance"},
			Summary: strings.Repeat("a film that takes its absurd premise seriously and is rewarded for it, ", 12)},
		"emoji": {Title: "Paddington 2 🐻", Link: "https://example-films.blog/reviews/paddington-2",
			Summary: strings.Repeat("🎬✨ 👨‍👩‍👧‍👦 🇬🇧 1️⃣ ", 80)},
		"CJK": {Title: "千と千尋の神隠し", Link: "https://example-films.blog/レビュー/千と千尋",
			Summary: strings.Repeat("不思議な町に迷い込んだ少女の成長物語、映像は息をのむほど美しい、", 20)},
		"combining marks": {Title: "Z\u0335\u0321a\u0334lgo", Link: "https://example-films.blog/reviews/zalgo",
			Summary: strings.Repeat("Z\u0335\u0321a\u0334l\u0336g\u0337o\u0338 te\u0301xt, ", 60)},
	}
	for _, server := range []struct {
		o mastodonfake.Options
		// slack is how far below the limit a cut may end: a word of
		// "Z̵̡a̴l̶g̷o̸" is 5 graphemes but 11 code points.
		slack int
	}{
		{mastodonfake.Options{AccessToken: token, Username: "films", MaxCharacters: 500, URLLength: 23}, 8},
		{mastodonfake.Options{AccessToken: token, Username: "films", MaxCharacters: 300, URLLength: 40}, 8},
		// GoToSocial announces 25 per URL and counts links in full.
		{mastodonfake.Options{AccessToken: token, Username: "films", MaxCharacters: 500, Flavour: mastodonfake.FlavourGoToSocial}, 16},
	} {
		o := server.o
		fake := mastodonfake.New(t, o)
		p := newPublisher(t, fake.URL, pubOpts{})
		rules, err := p.Rules(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r, err := publisher.NewRenderer(publisher.Templates{})
		if err != nil {
			t.Fatal(err)
		}
		for name, rv := range reviews {
			post, err := r.Render(rules, rv, publisher.RenderOptions{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if post.Length < rules.Limit-server.slack {
				t.Fatalf("%s: fitted to %d of %d: not close enough to the limit to tell a miscount", name, post.Length, rules.Limit)
			}
			post.Key = name
			if _, err := p.Publish(context.Background(), post); err != nil {
				t.Errorf("%s, limit %d: the server refused a post the publisher counted %d: %v\n%s", name, rules.Limit, post.Length, err, post.Text)
			}
		}
	}
}

// TestSpoilersInThePostsLanguage: a review with spoilers posted in French
// (or Japanese) goes behind the warning in that language, and, fitted to
// within a few characters of the limit with the translated warning
// counted, is accepted by a server that counts the warning with the text
// (Mastodon; GoToSocial's code points); a language reelpost has no words
// for gets the English warning.
func TestSpoilersInThePostsLanguage(t *testing.T) {
	t.Parallel()
	rv := feedreview.Review{Title: "Weapons (2025)", FilmTitle: "Weapons", Year: 2025, Spoilers: true,
		Link: "https://example-films.blog/critiques/weapons", TrailerURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4",
		// One sentence: cut at a word, within a few characters of the limit.
		Summary: strings.Repeat("la tante cache les enfants disparus dans la cave et la fin la brûle vive, ", 12), IsReview: true}
	for _, tc := range []struct {
		lang, warning string
	}{
		{"fr", "Attention, spoilers\u00a0: Weapons (2025)"},
		{"fr-CA", "Attention, spoilers\u00a0: Weapons (2025)"},
		{"ja", "ネタバレ注意：Weapons (2025)"},
		{"tr", "Spoilers: Weapons (2025)"},
	} {
		for _, o := range []mastodonfake.Options{
			{AccessToken: token, Username: "films", MaxCharacters: 500, URLLength: 23},
			{AccessToken: token, Username: "films", MaxCharacters: 500, Flavour: mastodonfake.FlavourGoToSocial},
		} {
			fake := mastodonfake.New(t, o)
			p := newPublisher(t, fake.URL, pubOpts{language: tc.lang})
			rules, err := p.Rules(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			r, err := publisher.NewRenderer(publisher.Templates{})
			if err != nil {
				t.Fatal(err)
			}
			post, err := r.Render(rules, rv, publisher.RenderOptions{Lang: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			if post.SpoilerText != tc.warning {
				t.Errorf("%s: warning %q, want %q", tc.lang, post.SpoilerText, tc.warning)
			}
			if post.Length < rules.Limit-16 {
				t.Fatalf("%s: fitted to %d of %d: not close enough to the limit to tell a miscount", tc.lang, post.Length, rules.Limit)
			}
			post.Key = "weapons-" + tc.lang
			if _, err := p.Publish(context.Background(), post); err != nil {
				t.Fatalf("%s, %s: the server refused a post the publisher counted %d: %v", tc.lang, o.Flavour, post.Length, err)
			}
			sts := fake.Statuses()
			if len(sts) != 1 || sts[0].SpoilerText != tc.warning || sts[0].Language != tc.lang {
				t.Errorf("%s: statuses %+v, want one behind %q in %s", tc.lang, sts, tc.warning, tc.lang)
			}
		}
	}
}
