package publisher

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/reelpost/reelpost/publisher/textlen"
	"github.com/reelpost/reelpost/review"
)

// runeRules counts code points, so a test can set a limit by hand.
func runeRules(limit int) Rules {
	return Rules{Network: X, Limit: limit, Count: utf8.RuneCountInString}
}

func mustRenderer(t testing.TB, tm Templates) *Renderer {
	t.Helper()
	r, err := NewRenderer(tm)
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

func TestFitCutsSummaryAtSentenceThenWord(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{X: "{{.Title}}\n{{.Summary}}\n{{.Link}}"})
	rv := review.Review{
		Title: "Her",
		Link:  "https://example-films.blog/reviews/her",
		Summary: "A tender, strange and very funny love story about a lonely man and the voice in his computer that never once condescends. " +
			"It's sweet. It's humorous and thought-provoking.",
	}
	head := "Her\n"
	tail := "\nhttps://example-films.blog/reviews/her"
	first := "A tender, strange and very funny love story about a lonely man and the voice in his computer that never once condescends."
	tests := []struct {
		name    string
		limit   int
		summary string
	}{
		{name: "fits whole", limit: 1000, summary: rv.Summary},
		{name: "two sentences", limit: utf8.RuneCountInString(head + first + " It's sweet." + tail), summary: first + " It's sweet."},
		{name: "one sentence", limit: utf8.RuneCountInString(head+first+tail) + 5, summary: first},
		{name: "cut at a word with an ellipsis", limit: utf8.RuneCountInString(head+first+tail) - 1, summary: "A tender, strange and very funny love story about a lonely man and the voice in his computer that never once…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := r.Render(runeRules(tt.limit), rv, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if want := head + tt.summary + tail; p.Text != want {
				t.Errorf("text\n%q\nwant\n%q", p.Text, want)
			}
			if p.Length > tt.limit {
				t.Errorf("length %d over %d", p.Length, tt.limit)
			}
		})
	}
}

// TestFitDropsPartsInOrder shrinks the limit step by step and checks that
// the optional parts go in the documented order, every post fitting: the
// trimmings before any sentence of the verdict, the verdict's sentences
// from the last, and the summary only after every other optional part.
func TestFitDropsPartsInOrder(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := longReview()
	rv.Title = "Her"
	markers := []struct{ part, marker string }{
		{"hashtags", "#"},
		{"cast", "Cast:"},
		{"see-also", "See it if you liked:"},
		{"runtime", "Running time:"},
		{"fifth sentence", "deserves to be on the list of nominees."},
		{"fourth sentence", "slow towards the end."},
		{"third sentence", "Richard Curtis flick I have seen."},
		{"second sentence", "rewarded for it."},
		{"rating", "Rating:"},
		{"genres", "Genres:"},
		{"director", "directed by"},
		{"summary", "Her could easily"},
	}
	full, err := r.Render(DefaultRules(Mastodon), rv, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seenDrop := map[string]bool{}
	for limit := full.Length; limit > 70; limit-- {
		rules := MastodonRules(limit, 23)
		p, err := r.Render(rules, rv, RenderOptions{})
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if p.Length > limit || rules.Count(p.Text) != p.Length {
			t.Fatalf("limit %d: length %d (count %d)", limit, p.Length, rules.Count(p.Text))
		}
		for i, m := range markers {
			if strings.Contains(p.Text, m.marker) {
				continue
			}
			seenDrop[m.part] = true
			for _, earlier := range markers[:i] {
				if strings.Contains(p.Text, earlier.marker) {
					t.Fatalf("limit %d: %s dropped before %s:\n%s", limit, m.part, earlier.part, p.Text)
				}
			}
		}
		for _, u := range []string{rv.TrailerURL, rv.Link} {
			if !strings.Contains(p.Text, u) {
				t.Fatalf("limit %d: %s missing:\n%s", limit, u, p.Text)
			}
		}
	}
	for _, m := range markers {
		if !seenDrop[m.part] {
			t.Errorf("%s was never dropped", m.part)
		}
	}
}

// TestFitKeepsVerdictBeforeTrimmings: at Mastodon's 400 characters the Her
// review lost "It's sweet, humorous and thought-provoking." while its cast
// list stayed. The verdict is what the post is for: while any trimming
// (hashtags, cast, see-also, running time) is posted, the whole verdict is.
func TestFitKeepsVerdictBeforeTrimmings(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := herReview()
	p, err := r.Render(MastodonRules(400, 23), rv, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, rv.Summary) {
		t.Errorf("at 400 the verdict was shortened:\n%s", p.Text)
	}
	for limit := 500; limit > 150; limit-- {
		p, err := r.Render(MastodonRules(limit, 23), rv, RenderOptions{})
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		for _, trimming := range []string{"#", "Cast:", "See it if you liked:", "Running time:"} {
			if strings.Contains(p.Text, trimming) && !strings.Contains(p.Text, rv.Summary) {
				t.Fatalf("limit %d: %q kept, the verdict shortened:\n%s", limit, trimming, p.Text)
			}
		}
	}
}

func TestFitHashtagsGoLastFirst(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{X: "{{.Title}} {{.Link}} {{.Hashtags}}"})
	rv := herReview()
	base := "Her https://example-films.blog/reviews/her"
	for _, tt := range []struct {
		extra string
		want  string
	}{
		{" #Her #Romance #Drama #ScienceFiction", " #Her #Romance #Drama #ScienceFiction"},
		{" #Her #Romance #Drama #Scienc", " #Her #Romance #Drama"},
		{" #Her", " #Her"},
		{" #He", ""},
	} {
		p, err := r.Render(runeRules(utf8.RuneCountInString(base+tt.extra)), rv, RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Text != base+tt.want {
			t.Errorf("limit for %q: %q, want %q", tt.extra, p.Text, base+tt.want)
		}
	}
}

func TestFitShortensTitleLast(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := longReview()
	rules := DefaultRules(X)
	rules.Limit = 120
	p, err := r.Render(rules, rv, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Text, "Her could") || strings.Contains(p.Text, "Spike") {
		t.Errorf("summary or director kept while the title is cut:\n%s", p.Text)
	}
	if !strings.HasPrefix(p.Text, "The Extraordinarily Long") || !strings.Contains(p.Text, "…") {
		t.Errorf("title not cut with an ellipsis:\n%s", p.Text)
	}
	words := strings.Fields(rv.Title)
	titleLine := strings.TrimSuffix(strings.SplitN(p.Text, "\n", 2)[0], "…")
	if got := strings.Fields(titleLine); len(got) == 0 || got[len(got)-1] != strings.TrimRight(words[len(got)-1], ",") {
		t.Errorf("title cut inside a word: %q", titleLine)
	}
	for _, u := range []string{rv.TrailerURL, rv.Link} {
		if !strings.Contains(p.Text, u) {
			t.Errorf("%s missing:\n%s", u, p.Text)
		}
	}
	if p.Length > 120 {
		t.Errorf("length %d", p.Length)
	}
}

func TestFitTooLongOnlyWhenTheURLsDoNotFit(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{X: "{{.Title}} {{.Summary}} {{.Link}}"})
	rv := herReview()
	if _, err := r.Render(runeRules(len(rv.Link)), rv, RenderOptions{}); err != nil {
		t.Errorf("the URL alone fits, got %v", err)
	}
	_, err := r.Render(runeRules(len(rv.Link)-1), rv, RenderOptions{})
	if !errors.Is(err, ErrTooLong) {
		t.Errorf("err = %v, want ErrTooLong", err)
	}
}

// TestFitKeepsURLsInSummaryWhole: however short the limit, a URL in the
// summary is posted whole or not at all: never cut at a word, nor at the
// "?" of its query, which Unicode's sentence rules take for a sentence's end.
func TestFitKeepsURLsInSummaryWhole(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{X: "{{.Summary}}"})
	tests := []struct{ name, summary, url string }{
		{"path", "Read the long interview with the director at https://example.com/interviews/spike-jonze-on-her-and-loneliness right after you see the film tonight.",
			"https://example.com/interviews/spike-jonze-on-her-and-loneliness"},
		{"query", "Watch the first teaser https://www.youtube.com/watch?v=WzV6mXIOVl4 before the film, it gives away nothing of the plot at all.",
			"https://www.youtube.com/watch?v=WzV6mXIOVl4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rv := review.Review{Summary: tt.summary}
			for limit := utf8.RuneCountInString(rv.Summary); limit > 20; limit-- {
				p, err := r.Render(runeRules(limit), rv, RenderOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(p.Text, "https://") && !strings.Contains(p.Text, tt.url) {
					t.Fatalf("limit %d cut the URL: %q", limit, p.Text)
				}
				if utf8.RuneCountInString(p.Text) > limit {
					t.Fatalf("limit %d: %q", limit, p.Text)
				}
			}
		})
	}
}

func TestFitCutsCJKBetweenCharacters(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{X: "{{.Summary}}"})
	rv := review.Review{Summary: strings.Repeat("映像は息をのむほど美しく音楽も素晴らしい", 10) + "。"}
	p, err := r.Render(runeRules(50), rv, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p.Text, "…") || utf8.RuneCountInString(p.Text) > 50 || utf8.RuneCountInString(p.Text) < 40 {
		t.Errorf("%q", p.Text)
	}
}

func TestFitRespectsMaxBytes(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{})
	rv := emojiCJKReview()
	rv.Summary = strings.Repeat("美しい映像と音楽。", 40)
	rules := DefaultRules(Bluesky)
	rules.MaxBytes = 400
	p, err := r.Render(rules, rv, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Text) > 400 || p.Length > rules.Limit {
		t.Errorf("%d bytes, %d graphemes", len(p.Text), p.Length)
	}
	if !strings.Contains(p.Text, "美しい映像と音楽。") {
		t.Errorf("summary dropped where a sentence fits:\n%s", p.Text)
	}
}

func TestShorten(t *testing.T) {
	t.Parallel()
	s := "It's sweet, humorous and thought-provoking"
	tests := []struct {
		cutAfter, want string
	}{
		{"It's sweet,", "It's sweet…"},
		{"It's sweet, humorous", "It's sweet, humorous…"},
	}
	for _, tt := range tests {
		if got := shorten(s, len(tt.cutAfter)); got != tt.want {
			t.Errorf("shorten after %q = %q, want %q", tt.cutAfter, got, tt.want)
		}
	}
	cuts := wordCuts("see https://example.com/a b #千と千尋 end", 1)
	for _, c := range cuts {
		if c > 4 && c < 25 || c > 28 && c < 41 {
			t.Errorf("cut at %d splits a URL or hashtag", c)
		}
	}
}

func TestCutAtWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short enough", 20, "short enough"},
		{"It's sweet, humorous and thought-provoking.", 20, "It's sweet…"},
		{"It's sweet, humorous and thought-provoking.", 21, "It's sweet, humorous…"},
		{"Unbreakablewordthatgoesonandon", 10, "Unbreakab…"},
		{"千と千尋の神隠し", 5, "千と千尋…"},
	}
	for _, tt := range tests {
		got := cutAtWord(tt.in, tt.max)
		if got != tt.want || textlen.Graphemes(got) > tt.max {
			t.Errorf("cutAtWord(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestTidy(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"a\n\n\n\nb":          "a\n\nb",
		"\n\n a  b  \n":       "a b",
		"a\r\n\r\nb":          "a\n\nb",
		"Ame\u0301lie":        "Amélie",
		"x\n  \n\t\ny":        "x\n\ny",
		"title\n\n\n#Her\n\n": "title\n\n#Her",
	}
	for in, want := range tests {
		if got := tidy(in); got != want {
			t.Errorf("tidy(%q) = %q, want %q", in, got, want)
		}
	}
}

// fuzzReview builds a review from fuzzed parts, with the shapes that break
// fitting: long titles, emoji, CJK, right-to-left text, combining marks and
// URLs with non-ASCII paths.
func fuzzReview(title, summary, genre, path string, n uint8) review.Review {
	reps := int(n%8) + 1
	return review.Review{
		Title:          strings.Repeat(title+" ", reps),
		Summary:        strings.Repeat(summary+" ", reps),
		Link:           "https://example-films.blog/reviews/" + url.PathEscape(path),
		TrailerID:      "WzV6mXIOVl4",
		TrailerURL:     "https://www.youtube.com/watch?v=WzV6mXIOVl4",
		Genres:         []string{genre, "Drama", genre + " " + genre},
		Cast:           []string{title, "Amy Adams"},
		Director:       genre,
		RuntimeMinutes: int(n),
		Rating:         "4/5",
		SeeAlso:        []string{summary},
	}
}

func FuzzFit(f *testing.F) {
	f.Add("Her", "It's sweet, humorous and thought-provoking.", "Science Fiction", "her", uint8(0))
	f.Add("千と千尋の神隠し 🐉", "不思議な町に迷い込んだ少女の成長物語。🎬✨ 傑作だ。", "アニメ", "レビュー/千と千尋", uint8(7))
	f.Add("بين السماء والأرض", "فيلم جميل جدا. أنصح به", "دراما", "مراجعة/فيلم", uint8(3))
	f.Add("Ame\u0301lie Z\u0335\u0321a\u0334lgo", "e\u0301\u0301\u0301 👨‍👩‍👧‍👦🇫🇷 1⃣ see example.com now.", "Comédie", "amélie-(2001)", uint8(5))
	f.Add(strings.Repeat("Long", 90), strings.Repeat("word ", 200), strings.Repeat("g", 40), strings.Repeat("ü/", 50), uint8(255))
	f.Add("#1 http://x.co/a", "@films@example.social https://t.co/abc wow", "#tag", "?q=1#frag", uint8(1))
	r := mustRenderer(f, Templates{})
	f.Fuzz(func(t *testing.T, title, summary, genre, path string, n uint8) {
		rv := fuzzReview(title, summary, genre, path, n)
		for _, network := range Networks {
			rules := DefaultRules(network)
			p, err := r.Render(rules, rv, RenderOptions{Repost: n%2 == 1})
			if err != nil {
				t.Fatalf("%s: %v", network, err)
			}
			checkPost(t, rules, rv, p)
		}
	})
}

func checkPost(t *testing.T, rules Rules, rv review.Review, p Post) {
	t.Helper()
	if !utf8.ValidString(p.Text) {
		t.Fatalf("%s: invalid UTF-8: %q", rules.Network, p.Text)
	}
	if n := rules.Count(p.Text); n > rules.Limit || n != p.Length {
		t.Fatalf("%s: counts %d (Length %d), limit %d:\n%s", rules.Network, n, p.Length, rules.Limit, p.Text)
	}
	if rules.MaxBytes > 0 && len(p.Text) > rules.MaxBytes {
		t.Fatalf("%s: %d bytes", rules.Network, len(p.Text))
	}
	from := 0
	urls := map[string]bool{}
	for _, l := range p.Links {
		i := strings.Index(p.Text[from:], l.Display)
		if i < 0 {
			t.Fatalf("%s: link display %q not in text after offset %d:\n%s", rules.Network, l.Display, from, p.Text)
		}
		from += i + len(l.Display)
		urls[l.URL] = true
		if !rules.ShortLinks && l.Display != l.URL {
			t.Fatalf("%s: display %q differs from URL %q", rules.Network, l.Display, l.URL)
		}
	}
	for _, u := range []string{rv.Link, rv.TrailerURL} {
		u = withoutTracking(u)
		want := safeURL(u)
		if !urls[want] {
			t.Fatalf("%s: URL %q (%q) not among links %v:\n%s", rules.Network, u, want, p.Links, p.Text)
		}
		if !sameURL(u, want) {
			t.Fatalf("%s: %q written as %q leads elsewhere", rules.Network, u, want)
		}
	}
	for _, tag := range p.Tags {
		if !strings.Contains(p.Text, "#"+tag) {
			t.Fatalf("%s: tag %q not in text", rules.Network, tag)
		}
	}
	// The spans a Bluesky facet takes cover exactly the links' and tags' bytes.
	links, tags := LinkSpans(p), TagSpans(p)
	if len(links) != len(p.Links) || len(tags) != len(p.Tags) {
		t.Fatalf("%s: %d link spans for %d links, %d tag spans for %d tags", rules.Network, len(links), len(p.Links), len(tags), len(p.Tags))
	}
	for i, s := range links {
		if p.Text[s.Start:s.End] != p.Links[i].Display {
			t.Fatalf("%s: link span %v is %q, want %q", rules.Network, s, p.Text[s.Start:s.End], p.Links[i].Display)
		}
	}
	for i, s := range tags {
		if p.Text[s.Start:s.End] != "#"+p.Tags[i] {
			t.Fatalf("%s: tag span %v is %q, want #%s", rules.Network, s, p.Text[s.Start:s.End], p.Tags[i])
		}
	}
}

// sameURL reports whether two spellings of a URL lead to the same place.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	qa, _ := url.QueryUnescape(ua.RawQuery)
	qb, _ := url.QueryUnescape(ub.RawQuery)
	return ua.Scheme == ub.Scheme && ua.Path == ub.Path && qa == qb && ua.Fragment == ub.Fragment
}

func BenchmarkRender(b *testing.B) {
	r := mustRenderer(b, Templates{})
	for _, c := range []struct {
		name   string
		review review.Review
	}{{"her", herReview()}, {"long", longReview()}} {
		for _, n := range Networks {
			rules := DefaultRules(n)
			b.Run(fmt.Sprintf("%s/%s", n, c.name), func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := cpuTime(b)
				for b.Loop() {
					if _, err := r.Render(rules, c.review, RenderOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				// The machine is shared: CPU time per post says more than
				// wall time when other processes compete for the cores.
				b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
