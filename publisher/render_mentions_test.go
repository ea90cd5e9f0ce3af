package publisher

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/publisher/textlen"
	"github.com/reelpost/reelpost/review"
)

// mastodonMentionRE is Mastodon's Account::MENTION_RE as ProcessMentionsService
// runs it over the whole status text, URLs and all. Go's regexp has no
// look-behind, so the character before the '@' is matched instead of looked
// at. Of the two rules servers run today it is the wider one, 3.x and 4.0's
// (?<=^|[^\/[:word:]])@(([a-z0-9_]+)...)/i (later ones also refuse "=@"):
// anything it finds would notify someone on some server.
var mastodonMentionRE = regexp.MustCompile(`(?i)(?:^|[^/\p{L}\p{M}\p{Nd}\p{Pc}])@[a-z0-9_]`)

// xMentionRE is twitter-text's mention (Regex.java VALID_MENTION_OR_LIST:
// the preceding characters of VALID_MENTION_PRECEDING_CHARS, then [@＠] and
// a name character). X links it unless a URL it links overlaps it.
var xMentionRE = regexp.MustCompile(`(?i)(?:^|[^a-z0-9_!#$%&*@＠]|(?:^|[^a-z0-9_+~.-])rt:?)([@＠])[a-z0-9_]`)

// liveMentions returns what in text would mention someone on Mastodon or X.
func liveMentions(text string) []string {
	out := mastodonMentionRE.FindAllString(text, -1)
	urls := textlen.URLSpans(text)
	for _, m := range xMentionRE.FindAllStringSubmatchIndex(text, -1) {
		at := m[2]
		if !slices.ContainsFunc(urls, func(s textlen.Span) bool { return s.Start <= at && at < s.End }) {
			out = append(out, "X:"+text[m[0]:m[1]])
		}
	}
	return out
}

// hostileReview hides would-be mentions where the feed controls the text:
// in URLs of the summary, in the title, in the review's and the trailer's
// own links.
func hostileReview() review.Review {
	return review.Review{
		Title:     "Crash-@jack: a review",
		FilmTitle: "Crash-@jack", Year: 2004, Director: "=@Gargron",
		Summary: "Credits at example.com/cast-@Gargron and https://example.com/a,@Gargron too. " +
			"See https://example.com/x/@a,@b, (https://example.com/?u=@c), https://-@evil.social/ and x.@d or é@e.",
		Link:       "https://user:@example-films.blog/reviews/a,@Gargron?ref=-@b#c-@d",
		TrailerURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4&from=,@t",
		Genres:     []string{"Drama"},
	}
}

// TestRenderLeavesNoLiveMentionOnAnyNetwork: whatever the feed puts in a
// summary, a title or the links, no network's text mentions anyone, as
// Mastodon's rule (over the whole text) or X's (outside the URLs X links)
// reads it; the review's and the trailer's links still lead to the same
// pages and are linked whole.
func TestRenderLeavesNoLiveMentionOnAnyNetwork(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := hostileReview()
	for _, rules := range []Rules{DefaultRules(X), DefaultRules(Mastodon), GoToSocialRules(5000), DefaultRules(Bluesky)} {
		t.Run(string(rules.Network), func(t *testing.T) {
			t.Parallel()
			p, err := r.Render(rules, rv, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if m := liveMentions(p.Text); m != nil {
				t.Errorf("live mentions %q in\n%s", m, p.Text)
			}
			if got := rules.Count(p.Text); got != p.Length || got > rules.Limit {
				t.Errorf("counts %d, Length %d, limit %d", got, p.Length, rules.Limit)
			}
			for _, want := range []string{rv.Link, rv.TrailerURL} {
				if posted := samePage(t, p.Links, want); posted != "" && !rules.ShortLinks {
					linkedWhole(t, p.Text, posted)
				}
			}
		})
	}
}

// samePage returns the one of links that leads where want does (same host,
// path, query and fragment once decoded), failing if none does.
func samePage(t *testing.T, links []Link, want string) string {
	t.Helper()
	w, err := url.Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		u, err := url.Parse(l.URL)
		if err != nil {
			continue
		}
		if u.Scheme == w.Scheme && u.Host == w.Host && u.Path == w.Path && u.Fragment == w.Fragment &&
			u.Query().Encode() == w.Query().Encode() {
			if u.User != nil {
				t.Errorf("link %q posts user information", l.URL)
			}
			return l.URL
		}
	}
	t.Errorf("no link leads to %s: %v", want, links)
	return ""
}

// linkedWhole fails unless X's URL recogniser (which Mastodon's formatter
// shares) finds link whole in text: a link cut short leads elsewhere.
func linkedWhole(t *testing.T, text, link string) {
	t.Helper()
	i := strings.Index(text, link)
	if i < 0 || !slices.Contains(textlen.URLSpans(text), textlen.Span{Start: i, End: i + len(link)}) {
		t.Errorf("link %q is not recognised whole in\n%s", link, text)
	}
}

// TestRenderKeepsOrdinaryURLsWithAtSigns: the URLs people do post with an
// '@' in them, a profile page or a YouTube channel, are posted as written,
// linked whole and counted as links, in the text and as the review's link.
func TestRenderKeepsOrdinaryURLsWithAtSigns(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	const profile, channel = "https://mastodon.social/@Gargron", "https://www.youtube.com/@A24"
	rv := herReview()
	rv.Summary = "Spike Jonze talks about it at " + channel + " and " + profile + " answers."
	rv.Link = "https://example-films.blog/@critic/her"
	for _, n := range []Network{X, Mastodon} {
		p, err := r.Render(DefaultRules(n), rv, RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{profile, channel, rv.Link} {
			if !strings.Contains(p.Text, want) {
				t.Errorf("%s: %q was changed:\n%s", n, want, p.Text)
			}
		}
		if m := liveMentions(p.Text); m != nil {
			t.Errorf("%s: live mentions %q", n, m)
		}
		for _, u := range []string{profile, channel, rv.Link} {
			linkedWhole(t, p.Text, u)
		}
		plain := p.Text
		for _, u := range []string{profile, channel, rv.Link} {
			plain = strings.Replace(plain, u, "https://x.co", 1)
		}
		// Each URL counts as one reserved length, whatever it holds.
		if got, want := DefaultRules(n).Count(p.Text), DefaultRules(n).Count(plain); got != want {
			t.Errorf("%s: counts %d, as plain links %d", n, got, want)
		}
	}
}

func TestMentionFreeURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"profile", "https://mastodon.social/@Gargron", "https://mastodon.social/@Gargron"},
		{"no at sign", "https://example.com/her", "https://example.com/her"},
		{"after a comma", "https://example.com/a,@Gargron", "https://example.com/a,%40Gargron"},
		{"after a hyphen", "https://example.com/cast-@Gargron", "https://example.com/cast-%40Gargron"},
		{"in the query, after =", "https://example.com/?u=@c", "https://example.com/?u=%40c"},
		{"in the fragment", "https://example.com/#-@d", "https://example.com/#-%40d"},
		{"after a word", "https://example.com/me@example.org", "https://example.com/me@example.org"},
		{"no name after", "https://example.com/a,@", "https://example.com/a,@"},
		{"userinfo that mentions", "https://user:@evil.social/r", "https://evil.social/r"},
		{"userinfo after a word", "https://user@example.com/r", "https://user@example.com/r"},
		{"profile then mention", "https://example.com/@a,@b", "https://example.com/@a,%40b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := mentionFreeURL(tt.in); got != tt.want {
				t.Errorf("mentionFreeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
