package publisher

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reelpost/reelpost/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// herReview is the review of "Her" as reelpost extracts it from
// ../shared/fixtures/reviews/her.txt, built by hand so the test needs no
// fixtures.
func herReview() review.Review {
	return review.Review{
		Key:            "https://example-films.blog/reviews/her",
		Link:           "https://example-films.blog/reviews/her",
		Title:          "Her",
		Author:         "Mikey Clarke",
		TrailerID:      "WzV6mXIOVl4",
		TrailerURL:     "https://www.youtube.com/watch?v=WzV6mXIOVl4",
		Genres:         []string{"Romance", "Drama", "Science Fiction"},
		Cast:           []string{"Joaquin Phoenix", "Amy Adams", "Rooney Mara", "Scarlett Johansson"},
		Director:       "Spike Jonze",
		Writer:         "Spike Jonze",
		SeeAlso:        []string{"Robot and Frank", "Stranger than Fiction"},
		RuntimeMinutes: 126,
		Summary: "Her could easily have been a gimmicky or odd film, but is anything but. " +
			"It's sweet, humorous and thought-provoking.",
		IsReview: true,
	}
}

// longReview has a title and summary far beyond every network's limit.
func longReview() review.Review {
	rv := herReview()
	rv.Title = "The Extraordinarily Long and Winding Tale of a Lonely Letter Writer Who Falls for the Voice in His Computer, Told in Several Parts"
	rv.Link = "https://example-films.blog/reviews/2026/11/the-extraordinarily-long-and-winding-tale"
	rv.Summary = "Her could easily have been a gimmicky or odd film, but is anything but. " +
		"It's sweet, humorous and thought-provoking, a film that takes its absurd premise entirely seriously and is rewarded for it. " +
		"This movie may be more out there than your traditional rom-com, but the love felt more real than in any Richard Curtis flick I have seen. " +
		"At two hours it is longer than it needs to be, and it feels particularly slow towards the end. " +
		"It will not win the Best Picture Oscar, but it most definitely deserves to be on the list of nominees."
	rv.Genres = []string{"Romance", "Drama", "Science Fiction", "Comedy", "Tragicomedy"}
	rv.Rating = "4/5"
	return rv
}

// emojiCJKReview mixes Japanese, emoji and a non-ASCII URL path.
func emojiCJKReview() review.Review {
	return review.Review{
		Link:           "https://example-films.blog/レビュー/千と千尋",
		Title:          "千と千尋の神隠し 🐉",
		TrailerID:      "ByXuk9QqQkk",
		TrailerURL:     "https://www.youtube.com/watch?v=ByXuk9QqQkk",
		Genres:         []string{"アニメ", "Fantasy"},
		Director:       "宮崎駿",
		RuntimeMinutes: 125,
		Summary:        "不思議な町に迷い込んだ少女の成長物語。映像は息をのむほど美しく、音楽も素晴らしい。🎬✨ 何度見ても新しい発見がある傑作だ。",
		Image:          "https://example-films.blog/images/spirited-away.jpg",
	}
}

type goldenCase struct {
	name   string
	review review.Review
	opts   RenderOptions
}

var goldenCases = []goldenCase{
	{name: "her", review: herReview(), opts: RenderOptions{Lang: "en"}},
	{name: "long", review: longReview(), opts: RenderOptions{Lang: "en"}},
	{name: "emoji-cjk", review: emojiCJKReview(), opts: RenderOptions{Lang: "ja"}},
	{name: "repost", review: herReview(), opts: RenderOptions{Repost: true, Lang: "en"}},
}

// describe writes a post as a golden file shows it: the text, then what
// goes with it.
func describe(p Post) string {
	var b strings.Builder
	b.WriteString(p.Text)
	fmt.Fprintf(&b, "\n-----\nlength: %d/%d\nlang: %s\n", p.Length, p.Limit, p.Lang)
	for _, l := range p.Links {
		fmt.Fprintf(&b, "link: %s -> %s\n", l.Display, l.URL)
	}
	for _, t := range p.Tags {
		fmt.Fprintf(&b, "tag: %s\n", t)
	}
	if p.Card != nil {
		fmt.Fprintf(&b, "card: %s | %s | %s\ncard description: %s\n", p.Card.URL, p.Card.Title, p.Card.ImageURL, p.Card.Description)
	}
	return b.String()
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	for _, c := range goldenCases {
		for _, n := range Networks {
			t.Run(c.name+"-"+string(n), func(t *testing.T) {
				t.Parallel()
				rules := DefaultRules(n)
				p, err := r.Render(rules, c.review, c.opts)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				if got := rules.Count(p.Text); got > rules.Limit || got != p.Length {
					t.Errorf("%s counts %d (Post.Length %d), limit %d", n, got, p.Length, rules.Limit)
				}
				path := filepath.Join("testdata", "golden", c.name+"-"+string(n)+".txt")
				got := describe(p)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("post differs from %s (go test -update refreshes it)\n--- got\n%s\n--- want\n%s", path, got, want)
				}
			})
		}
	}
}

func TestRenderHerCarriesWhatAGoodPostNeeds(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Networks {
		t.Run(string(n), func(t *testing.T) {
			t.Parallel()
			p, err := r.Render(DefaultRules(n), herReview(), RenderOptions{Lang: "en"})
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Her", "Spike Jonze", "sweet, humorous and thought-provoking", "#ScienceFiction"} {
				if !strings.Contains(p.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, p.Text)
				}
			}
			urls := map[string]bool{}
			for _, l := range p.Links {
				urls[l.URL] = true
				if !strings.Contains(p.Text, l.Display) {
					t.Errorf("link display %q not in text", l.Display)
				}
			}
			for _, u := range []string{"https://www.youtube.com/watch?v=WzV6mXIOVl4", "https://example-films.blog/reviews/her"} {
				if !urls[u] {
					t.Errorf("links %v lack %s", p.Links, u)
				}
			}
			if p.Lang != "en" || p.Limit != DefaultRules(n).Limit {
				t.Errorf("lang %q limit %d", p.Lang, p.Limit)
			}
			if wantTags := []string{"Her", "Romance", "Drama", "ScienceFiction"}; strings.Join(p.Tags, " ") != strings.Join(wantTags, " ") {
				t.Errorf("tags %v, want %v", p.Tags, wantTags)
			}
			if (p.Card != nil) != (n == Bluesky) {
				t.Errorf("card %+v on %s", p.Card, n)
			}
		})
	}
}

func TestRenderShortLinksOnBluesky(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Render(DefaultRules(Bluesky), herReview(), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{
		{Display: "youtu.be/WzV6mXIOVl4", URL: "https://www.youtube.com/watch?v=WzV6mXIOVl4"},
		{Display: "example-films.blog/reviews/her", URL: "https://example-films.blog/reviews/her"},
	}
	if fmt.Sprint(p.Links) != fmt.Sprint(want) {
		t.Fatalf("links %v, want %v", p.Links, want)
	}
	if strings.Contains(p.Text, "https://") {
		t.Errorf("Bluesky text shows a full URL:\n%s", p.Text)
	}
}

func TestRenderCard(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	withImage := herReview()
	withImage.Image = "https://example-films.blog/her.jpg"
	noTrailerID := herReview()
	noTrailerID.TrailerID = ""
	noLink := herReview()
	noLink.Link = ""
	nothing := herReview()
	nothing.Link, nothing.TrailerID, nothing.TrailerURL = "", "", ""
	tests := []struct {
		name     string
		review   review.Review
		wantURL  string
		wantImg  string
		wantNone bool
	}{
		{name: "trailer thumbnail without an image", review: herReview(), wantURL: "https://example-films.blog/reviews/her", wantImg: "https://i.ytimg.com/vi/WzV6mXIOVl4/hqdefault.jpg"},
		{name: "the review's image first", review: withImage, wantURL: "https://example-films.blog/reviews/her", wantImg: "https://example-films.blog/her.jpg"},
		{name: "thumbnail from the trailer URL", review: noTrailerID, wantURL: "https://example-films.blog/reviews/her", wantImg: "https://i.ytimg.com/vi/WzV6mXIOVl4/hqdefault.jpg"},
		{name: "trailer page without a review link", review: noLink, wantURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4", wantImg: "https://i.ytimg.com/vi/WzV6mXIOVl4/hqdefault.jpg"},
		{name: "no card without any link", review: nothing, wantNone: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := r.Render(DefaultRules(Bluesky), tt.review, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNone {
				if p.Card != nil {
					t.Fatalf("card %+v, want none", p.Card)
				}
				return
			}
			if p.Card == nil {
				t.Fatal("no card")
			}
			if p.Card.URL != tt.wantURL || p.Card.ImageURL != tt.wantImg || p.Card.Title != "Her" || !strings.HasPrefix(p.Card.Description, "Her could easily") {
				t.Errorf("card %+v", *p.Card)
			}
		})
	}
}

func TestNewRendererTemplateErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		templates   Templates
		wantVar     string
		wantEmpty   bool
		wantTooLong bool
	}{
		{name: "parse error", templates: Templates{X: "{{.Title"}, wantVar: "X_TEMPLATE"},
		{name: "unknown field", templates: Templates{Mastodon: "{{.Nope}}"}, wantVar: "MASTODON_TEMPLATE"},
		{name: "bad call", templates: Templates{Bluesky: `{{index .Cast 7}}`}, wantVar: "BLUESKY_TEMPLATE"},
		{name: "default template", templates: Templates{Default: "{{.Title | nosuchfunc}}"}, wantVar: "POST_TEMPLATE"},
		{name: "repost template", templates: Templates{Repost: "{{.Review.Title}}"}, wantVar: "REPOST_TEMPLATE"},
		{name: "renders nothing", templates: Templates{X: "{{if false}}x{{end}}"}, wantVar: "X_TEMPLATE", wantEmpty: true},
		{name: "fails only for reposts", templates: Templates{Mastodon: "{{.Title}}{{if .Repost}}{{.Nope}}{{end}}"}, wantVar: "MASTODON_TEMPLATE"},
		{name: "own words exceed the limit", templates: Templates{Bluesky: strings.Repeat("word ", 61) + "{{.Title}}"}, wantVar: "BLUESKY_TEMPLATE", wantTooLong: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewRenderer(tt.templates)
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TemplateError", err)
			}
			if te.Var != tt.wantVar || !strings.HasPrefix(err.Error(), tt.wantVar+": ") {
				t.Errorf("err %q names %q, want %q", err, te.Var, tt.wantVar)
			}
			if errors.Is(err, ErrEmptyPost) != tt.wantEmpty {
				t.Errorf("errors.Is(err, ErrEmptyPost) = %v", !tt.wantEmpty)
			}
			if errors.Is(err, ErrTooLong) != tt.wantTooLong {
				t.Errorf("errors.Is(err, ErrTooLong) = %v (%v)", !tt.wantTooLong, err)
			}
		})
	}
}

func TestRenderTemplateChoice(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{
		Default: "POST {{.Title}} {{.Link}}",
		X:       "X {{.Title}} {{.Link}}",
		Repost:  "AGAIN {{.Title}} {{.Link}}",
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		network Network
		repost  bool
		want    string
	}{
		{X, false, "X Her https://example-films.blog/reviews/her"},
		{Mastodon, false, "POST Her https://example-films.blog/reviews/her"},
		{Bluesky, false, "POST Her example-films.blog/reviews/her"},
		{X, true, "AGAIN Her https://example-films.blog/reviews/her"},
		{Mastodon, true, "AGAIN Her https://example-films.blog/reviews/her"},
	}
	for _, tt := range tests {
		p, err := r.Render(DefaultRules(tt.network), herReview(), RenderOptions{Repost: tt.repost})
		if err != nil {
			t.Fatal(err)
		}
		if p.Text != tt.want {
			t.Errorf("%s repost=%v: %q, want %q", tt.network, tt.repost, p.Text, tt.want)
		}
	}
}

// TestRenderTemplateLanguage checks that a user's template may use all of
// text/template (functions, pipelines, range, variables, nested templates),
// and that what they write is what is posted.
func TestRenderTemplateLanguage(t *testing.T) {
	t.Parallel()
	const link = "https://example-films.blog/reviews/her"
	tests := []struct{ name, text, want string }{
		{"range", `{{.Title}}{{range .Tags}} #{{.}}{{end}} {{.Link}}`, "Her #Her #Romance #Drama #ScienceFiction " + link},
		{"function", `{{.Title}}: {{join .Genres " / "}} {{.Link}}`, "Her: Romance / Drama / Science Fiction " + link},
		{"pipeline", `{{.Title | printf "%s!"}} {{.RuntimeMinutes}} min {{.Link}}`, "Her! 126 min " + link},
		{"variable", `{{$t := .Title}}{{with .Director}}{{$t}} by {{.}}{{end}} {{$.Link}}`, "Her by Spike Jonze " + link},
		{"nested template", `{{define "t"}}[{{.Title}}]{{end}}{{template "t" .}} {{.Link}}`, "[Her] " + link},
		{"else chain", `{{if .Rating}}{{.Rating}}{{else if .Cast}}with {{index .Cast 0}}{{end}} {{.Link}}`, "with Joaquin Phoenix " + link},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustRenderer(t, Templates{Default: tt.text})
			p, err := r.Render(DefaultRules(Mastodon), herReview(), RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Text != tt.want {
				t.Errorf("text %q, want %q", p.Text, tt.want)
			}
		})
	}
}

func TestRenderRepostDiffersFromOriginal(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Networks {
		orig, err1 := r.Render(DefaultRules(n), herReview(), RenderOptions{})
		again, err2 := r.Render(DefaultRules(n), herReview(), RenderOptions{Repost: true})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !strings.HasPrefix(again.Text, "From the archive: ") || orig.Text == again.Text {
			t.Errorf("%s repost %q does not say it is a repost", n, again.Text)
		}
	}
}

func TestRenderCleansFields(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{Default: "{{.Title}}|{{.Summary}}|{{.Link}}"})
	if err != nil {
		t.Fatal(err)
	}
	rv := review.Review{
		Title:   "Am\u0065\u0301lie\n\x00 (2001)",
		Summary: "Bad \xff byte.",
		Link:    "https://例え.jp/パス?q=日本 語",
	}
	p, err := r.Render(DefaultRules(Mastodon), rv, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "Amélie (2001)|Bad \uFFFD byte.|https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9?q=%E6%97%A5%E6%9C%AC%20%E8%AA%9E"
	if p.Text != want {
		t.Errorf("text %q\nwant %q", p.Text, want)
	}
	if !utf8.ValidString(p.Text) || len(p.Links) != 1 || p.Links[0].URL != want[strings.LastIndexByte(want, '|')+1:] {
		t.Errorf("links %v", p.Links)
	}
}

func TestRenderRejectsBadRules(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(Rules{Network: "myspace", Limit: 100, Count: utf8.RuneCountInString}, herReview(), RenderOptions{}); err == nil {
		t.Error("unknown network rendered")
	}
	if _, err := r.Render(Rules{Network: X, Limit: 280}, herReview(), RenderOptions{}); err == nil {
		t.Error("rules without Count rendered")
	}
}

func TestFormatRuntime(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]string{0: "", 45: "45m", 60: "1h", 126: "2h 6m"} {
		if got := formatRuntime(in); got != want {
			t.Errorf("formatRuntime(%d) = %q, want %q", in, got, want)
		}
	}
}

// liveMention finds what X (twitter-text: an at sign, not after a name
// character, then a name character) or Mastodon (Account::MENTION_RE:
// the same with '@' only) would link as a mention.
var liveMention = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])[@＠]+[A-Za-z0-9_]`)

// mentionReview has would-be mentions and bidi controls in every kind of
// field the feed fills.
func mentionReview() review.Review {
	return review.Review{
		Title:    "@Gargron@mastodon.social picks Her",
		Link:     "https://example-films.blog/reviews/her",
		Summary:  "As @elonmusk (RT@jack, ＠fullwidth) said, it is \u202Egreat\u202C. Write to me@example.com or see https://mastodon.social/@Gargron now.",
		Director: "\u2067Spike Jonze\u2069",
		Cast:     []string{"@JoaquinPhoenix", "Amy Adams"},
		Genres:   []string{"Romance"},
	}
}

// TestRenderNeutralisesFeedMentions: text from the feed never mentions
// anyone on X or Mastodon, yet reads the same; e-mail addresses and URLs
// holding an '@' stay whole; bidi controls from the feed are gone; the
// posts still fit.
func TestRenderNeutralisesFeedMentions(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	for _, n := range Networks {
		rules := DefaultRules(n)
		p, err := r.Render(rules, mentionReview(), RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// A link is a link on every network, whatever it holds.
		text := p.Text
		for _, l := range p.Links {
			text = strings.Replace(text, l.Display, "<link>", 1)
		}
		if m := liveMention.FindString(text); m != "" {
			t.Errorf("%s: %q would mention someone:\n%s", n, m, p.Text)
		}
		read := strings.ReplaceAll(p.Text, "\u2060", "")
		wants := []string{"@Gargron@mastodon.social picks Her", "As @elonmusk (RT@jack, ＠fullwidth) said, it is great.",
			"Spike Jonze", "me@example.com"}
		if n == Mastodon {
			wants = append(wants, "Cast: @JoaquinPhoenix, Amy Adams")
		}
		for _, want := range wants {
			if !strings.Contains(read, want) {
				t.Errorf("%s: %q does not read as the feed wrote it:\n%s", n, want, p.Text)
			}
		}
		if !strings.Contains(p.Text, "me@example.com") {
			t.Errorf("%s: the e-mail address was changed:\n%s", n, p.Text)
		}
		if n != Bluesky && !strings.Contains(p.Text, "https://mastodon.social/@Gargron") {
			t.Errorf("%s: the URL holding an '@' was changed:\n%s", n, p.Text)
		}
		if strings.ContainsFunc(p.Text, isBidiControl) {
			t.Errorf("%s: a bidi control is left: %q", n, p.Text)
		}
		if got := rules.Count(p.Text); got != p.Length || got > rules.Limit {
			t.Errorf("%s: counts %d, Length %d, limit %d", n, got, p.Length, rules.Limit)
		}
	}
}

// TestRenderPostMentions: POST_MENTIONS=true keeps the feed's mentions
// live; the operator's own template text is never touched either way.
func TestRenderPostMentions(t *testing.T) {
	t.Parallel()
	tmpl := Templates{Default: "By @films: {{.Title}} {{.Summary}} {{.Link}}"}
	rv := review.Review{Title: "Her", Summary: "Thanks @elonmusk.", Link: "https://example-films.blog/reviews/her"}
	tests := []struct {
		name string
		keep bool
		want string
	}{
		{"neutralised", false, "By @films: Her Thanks @\u2060elonmusk. https://example-films.blog/reviews/her"},
		{"POST_MENTIONS=true", true, "By @films: Her Thanks @elonmusk. https://example-films.blog/reviews/her"},
	}
	for _, tt := range tests {
		r := mustRenderer(t, tmpl)
		r.PostMentions = tt.keep
		for _, n := range []Network{X, Mastodon} {
			p, err := r.Render(DefaultRules(n), rv, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Text != tt.want {
				t.Errorf("%s on %s: %q, want %q", tt.name, n, p.Text, tt.want)
			}
		}
	}
}

func TestNeutralise(t *testing.T) {
	t.Parallel()
	const wj = "\u2060"
	tests := []struct{ in, want string }{
		{"@elonmusk", "@" + wj + "elonmusk"},
		{"(@a_1)", "(@" + wj + "a_1)"},
		{"@Gargron@mastodon.social", "@" + wj + "Gargron@mastodon.social"},
		{"me@example.com", "me@example.com"},
		{"café@name", "café@" + wj + "name"},
		{"RT@jack RT:@jill xRT@no", "RT@" + wj + "jack RT:@" + wj + "jill xRT@no"},
		{"@@two ＠wide", "@@" + wj + "two ＠" + wj + "wide"},
		{"see https://mastodon.social/@Gargron", "see https://mastodon.social/@Gargron"},
		// Mastodon takes these for mentions, URL or not.
		{"example.com/cast-@Gargron", "example.com/cast-@" + wj + "Gargron"},
		{"https://example.com/a,@Gargron", "https://example.com/a,@" + wj + "Gargron"},
		{"https://example.com/?u=@c", "https://example.com/?u=@" + wj + "c"},
		{"https://example.com/x/@a,@b", "https://example.com/x/@a,@" + wj + "b"},
		{"https://example.com/café@name", "https://example.com/café@name"},
		{"@ alone, at end @", "@ alone, at end @"},
		{"no at sign", "no at sign"},
	}
	for _, tt := range tests {
		if got := neutralise(tt.in); got != tt.want {
			t.Errorf("neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := strings.ReplaceAll(neutralise(tt.in), wj, ""); got != tt.in {
			t.Errorf("neutralise(%q) reads %q", tt.in, got)
		}
	}
}

// TestRenderRemovesTrackingFromLinks: the review link a feed gives with
// ?utm_source=rss&utm_medium=rss (WordPress's feeds add them) is posted
// without them, in the text, the links and the card, on every network.
func TestRenderRemovesTrackingFromLinks(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := herReview()
	rv.Link = "https://example-films.blog/reviews/her?utm_source=rss&utm_medium=rss"
	rv.TrailerURL = "https://www.youtube.com/watch?v=WzV6mXIOVl4&si=shared&utm_campaign=x"
	for _, n := range Networks {
		p, err := r.Render(DefaultRules(n), rv, RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		urls := []string{}
		for _, l := range p.Links {
			urls = append(urls, l.URL)
		}
		if p.Card != nil {
			urls = append(urls, p.Card.URL)
		}
		for _, s := range append(urls, p.Text) {
			if strings.Contains(s, "utm_") || strings.Contains(s, "si=") {
				t.Errorf("%s: tracking parameters posted in %q", n, s)
			}
		}
		if !slices.Contains(urls, "https://example-films.blog/reviews/her") || !slices.Contains(urls, "https://www.youtube.com/watch?v=WzV6mXIOVl4") {
			t.Errorf("%s: links %v, want the review's and the trailer's without tracking", n, urls)
		}
	}
}
