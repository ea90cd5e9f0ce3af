package review

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/feed"
)

const (
	herTrailerID  = "WzV6mXIOVl4"
	herTrailerURL = "https://www.youtube.com/watch?v=WzV6mXIOVl4"
	herVerdict    = "It's sweet, humorous and thought-provoking"
	herFeedURL    = "https://blog.example.com/feed/"
)

// parseFixture parses a file of testdata/reviews with the package's Parse.
func parseFixture(t *testing.T, name, contentType string) *gofeed.Feed {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "reviews", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Parse(herFeedURL, body, contentType)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return f
}

// checkHer asserts what a post for the "Her" review needs, whatever form
// the feed gave it in.
func checkHer(t *testing.T, r Review) {
	t.Helper()
	if r.Title != "Her" {
		t.Errorf("Title = %q, want Her", r.Title)
	}
	if r.TrailerID != herTrailerID || r.TrailerURL != herTrailerURL {
		t.Errorf("trailer = %q %q, want %s %s", r.TrailerID, r.TrailerURL, herTrailerID, herTrailerURL)
	}
	if want := []string{"Romance", "Drama", "Science Fiction"}; !slices.Equal(r.Genres, want) {
		t.Errorf("Genres = %q, want %q", r.Genres, want)
	}
	if want := []string{"Joaquin Phoenix", "Amy Adams", "Rooney Mara", "Scarlett Johansson"}; !slices.Equal(r.Cast, want) {
		t.Errorf("Cast = %q, want %q", r.Cast, want)
	}
	if r.Director != "Spike Jonze" || r.Writer != "Spike Jonze" {
		t.Errorf("Director, Writer = %q, %q, want Spike Jonze for both (Writer/Director)", r.Director, r.Writer)
	}
	if r.RuntimeMinutes != 126 {
		t.Errorf("RuntimeMinutes = %d, want 126 (2hrs 6mins)", r.RuntimeMinutes)
	}
	if want := []string{"Robot and Frank", "Stranger than Fiction"}; !slices.Equal(r.SeeAlso, want) {
		t.Errorf("SeeAlso = %q, want %q", r.SeeAlso, want)
	}
	if !strings.Contains(r.Summary, herVerdict) {
		t.Errorf("Summary = %q, want it to carry %q", r.Summary, herVerdict)
	}
	if strings.HasPrefix(r.Summary, "Technology has changed") {
		t.Errorf("Summary = %q starts with the opening, not the verdict", r.Summary)
	}
	checkSummaryShape(t, r)
	for _, bad := range []string{"Recent Posts", "See All", "See this film", "For show times", "youtube id", "Genres:", "Running Time"} {
		if strings.Contains(r.Summary, bad) || strings.Contains(r.Text, bad) {
			t.Errorf("%q left in Summary or Text:\n%s", bad, r.Text)
		}
	}
	if !strings.HasPrefix(r.Text, "Technology has changed the way we communicate") ||
		!strings.Contains(r.Text, "deserves to be on the list of nominees.") {
		t.Errorf("Text is not the whole review:\n%s", r.Text)
	}
	if !r.IsReview || r.ReviewReason == "" {
		t.Errorf("IsReview = %v (%q), want a review with a reason", r.IsReview, r.ReviewReason)
	}
	if r.Author != "Mikey Clarke" {
		t.Errorf("Author = %q, want Mikey Clarke (trimmed)", r.Author)
	}
	if want := time.Date(2014, 2, 14, 9, 30, 0, 0, time.UTC); !r.Published.Equal(want) {
		t.Errorf("Published = %v, want %v", r.Published, want)
	}
	if r.Key == "" || r.FeedURL != herFeedURL {
		t.Errorf("Key %q, FeedURL %q: want a key and the feed's URL", r.Key, r.FeedURL)
	}
}

// checkSummaryShape asserts that a summary is whole sentences of the text
// (nothing cut), at most 3 of them and 280 characters.
func checkSummaryShape(t *testing.T, r Review) {
	t.Helper()
	if len(r.Summary) > maxSummaryChars {
		t.Errorf("Summary has %d bytes, want at most %d: %q", len(r.Summary), maxSummaryChars, r.Summary)
	}
	if n := len(splitSentences(r.Summary)); n > maxSummarySentences {
		t.Errorf("Summary has %d sentences, want at most %d: %q", n, maxSummarySentences, r.Summary)
	}
	if r.Summary != "" && !strings.ContainsAny(r.Summary[len(r.Summary)-1:], ".!?\"')") {
		t.Errorf("Summary %q does not end a sentence", r.Summary)
	}
}

func TestExtractHerInEveryForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, contentType string
		wantKey, wantLink       string
		wantImage               string
		wantCategories          []string
	}{
		{
			name: "RSS 2.0 content:encoded CDATA, shortcode with typographic quotes", file: "her_rss2_shortcode.xml",
			wantKey:        "https://blog.example.com/?p=101",
			wantLink:       "https://Blog.Example.com/2014/02/her-review/?utm_source=rss&utm_medium=rss",
			wantCategories: []string{"Film Reviews", "Romance"},
		},
		{
			name: "RSS 2.0 escaped description, expanded iframe, relative image after a tracking pixel", file: "her_rss2_iframe.xml",
			wantKey:   "https://blog.example.com/2014/02/her-review/",
			wantLink:  "https://blog.example.com/2014/02/her-review/",
			wantImage: "https://blog.example.com/wp-content/uploads/2014/02/her-poster.jpg",
		},
		{
			name: "RSS 2.0 without GUID, relative link, plain youtu.be link", file: "her_rss2_link_noguid_relative.xml",
			wantKey:  "https://blog.example.com/2014/02/her-review",
			wantLink: "http://Blog.Example.com/2014/02/her-review/#more-101",
		},
		{
			name: "Atom with xml:base and a lazy youtube-nocookie iframe", file: "her_atom.xml",
			wantKey:        "tag:blog.example.com,2014:post-101",
			wantLink:       "https://blog.example.com/2014/02/her-review/",
			wantCategories: []string{"Film Reviews"},
		},
		{
			name: "JSON Feed with a WordPress block comment", file: "her_jsonfeed.json", contentType: "application/feed+json",
			wantKey:        "101",
			wantLink:       "https://blog.example.com/2014/02/her-review/",
			wantImage:      "https://blog.example.com/wp-content/uploads/2014/02/her-poster.jpg",
			wantCategories: []string{"Film Reviews"},
		},
		{
			name: "RSS 1.0 with an [embed] shortcode", file: "her_rss1.rdf",
			wantKey:        "https://blog.example.com/2014/02/her-review",
			wantLink:       "https://blog.example.com/2014/02/her-review/",
			wantCategories: []string{"Film Reviews"},
		},
		{
			name: "windows-1252 bytes with a [youtube=URL] shortcode", file: "her_windows1252.xml",
			wantKey:        "101 at https://blog.example.com",
			wantLink:       "https://blog.example.com/2014/02/her-review/",
			wantCategories: []string{"Film Reviews"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := parseFixture(t, tt.file, tt.contentType)
			got := NewExtractor(ExtractOptions{}).Extract(t.Context(), herFeedURL, f)
			if len(got) != 1 {
				t.Fatalf("got %d reviews, want 1", len(got))
			}
			r := got[0]
			checkHer(t, r)
			if r.Key != tt.wantKey {
				t.Errorf("Key = %q, want %q", r.Key, tt.wantKey)
			}
			if r.Link != tt.wantLink {
				t.Errorf("Link = %q, want %q", r.Link, tt.wantLink)
			}
			if want := "https://blog.example.com/2014/02/her-review"; r.NormLink != want {
				t.Errorf("NormLink = %q, want %q", r.NormLink, want)
			}
			if r.Image != tt.wantImage {
				t.Errorf("Image = %q, want %q", r.Image, tt.wantImage)
			}
			if !slices.Equal(r.Categories, tt.wantCategories) {
				t.Errorf("Categories = %q, want %q", r.Categories, tt.wantCategories)
			}
			// FromItem, the network-free part, agrees with Extract.
			if fi := FromItem(herFeedURL, f, f.Items[0]); fi.TrailerID != r.TrailerID || fi.Summary != r.Summary || fi.Key != r.Key {
				t.Errorf("FromItem differs from Extract: %+v", fi)
			}
		})
	}
}

func TestExtractEmptyFeed(t *testing.T) {
	t.Parallel()
	f := parseFixture(t, "empty.xml", "")
	if got := NewExtractor(ExtractOptions{}).Extract(t.Context(), herFeedURL, f); len(got) != 0 {
		t.Errorf("empty feed gave %d reviews", len(got))
	}
	if got := NewExtractor(ExtractOptions{}).Extract(t.Context(), herFeedURL, nil); got != nil {
		t.Errorf("nil feed gave %v", got)
	}
}

// herItemXML is the her_rss2_shortcode item with its own GUID, link and date.
func herItemXML(t *testing.T, n int, date time.Time) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "reviews", "her_rss2_shortcode.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	item := s[strings.Index(s, "<item>") : strings.Index(s, "</item>")+len("</item>")]
	item = strings.Replace(item, "?p=101", fmt.Sprintf("?p=%d", n), 1)
	item = strings.Replace(item, "her-review/", fmt.Sprintf("her-review-%d/", n), 1)
	item = strings.Replace(item, "<title>Her</title>", fmt.Sprintf("<title>Her, part %d</title>", n), 1)
	return strings.Replace(item, "Fri, 14 Feb 2014 09:30:00 +0000", date.Format(time.RFC1123Z), 1)
}

func TestExtractLargeFeedOldestFirst(t *testing.T) {
	t.Parallel()
	const n = 250 // ~0.8 MB: the Her review 250 times, newest first as feeds list
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Big</title><link>https://blog.example.com/</link>`)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := n; i > 0; i-- {
		b.WriteString(herItemXML(t, i, start.Add(time.Duration(i)*time.Hour)))
	}
	b.WriteString(`</channel></rss>`)
	f, err := feed.Parse(herFeedURL, b.Bytes(), "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	got := NewExtractor(ExtractOptions{}).Extract(t.Context(), herFeedURL, f)
	if len(got) != n {
		t.Fatalf("got %d reviews from %d distinct items", len(got), n)
	}
	for i, r := range got {
		if want := fmt.Sprintf("https://blog.example.com/?p=%d", i+1); r.Key != want {
			t.Fatalf("review %d has key %q, want %q (oldest first)", i, r.Key, want)
		}
		if r.TrailerID != herTrailerID || !strings.Contains(r.Summary, herVerdict) {
			t.Fatalf("review %d lost its trailer or verdict: %q %q", i, r.TrailerID, r.Summary)
		}
	}
}

func TestExtractMergesWixLanguageCopies(t *testing.T) {
	t.Parallel()
	f := parseFixture(t, "her_wix_multilang.xml", "")
	if len(f.Items) != 3 {
		t.Fatalf("fixture has %d items, want 3", len(f.Items))
	}
	got := NewExtractor(ExtractOptions{}).Extract(t.Context(), herFeedURL, f)
	if len(got) != 1 {
		t.Fatalf("got %d reviews, want the 3 language copies as 1", len(got))
	}
	r := got[0]
	// The oldest copy is kept whatever the feed order, so the key is stable.
	if r.Key != "6093eda8ae0eed0015aba122" {
		t.Errorf("Key = %q, want the oldest copy's GUID", r.Key)
	}
	want := []string{"https://www.showcase-blog.com/post/her-review-3?lang=ar", "https://www.showcase-blog.com/post/her-review-2?lang=es"}
	if !slices.Equal(r.Duplicates, want) {
		t.Errorf("Duplicates = %q, want %q", r.Duplicates, want)
	}
	if r.TrailerID != herTrailerID {
		t.Errorf("TrailerID = %q", r.TrailerID)
	}
	// Reversed feed order, same answer.
	slices.Reverse(f.Items)
	if again := NewExtractor(ExtractOptions{}).Extract(t.Context(), herFeedURL, f); len(again) != 1 || again[0].Key != r.Key {
		t.Errorf("reversed feed gave %d reviews, key %q", len(again), again[0].Key)
	}
}

func TestFromItemKeys(t *testing.T) {
	t.Parallel()
	date := time.Date(2014, 2, 14, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		item gofeed.Item
		want string
	}{
		{"GUID", gofeed.Item{GUID: " abc ", Link: "https://x.example/a"}, "abc"},
		{"normalised link without GUID", gofeed.Item{Link: "HTTP://X.example/a/?utm_source=rss&fbclid=1#c"}, "https://x.example/a"},
		{"hash of title and date", gofeed.Item{Title: "Her", PublishedParsed: &date}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := FromItem("", &gofeed.Feed{}, &tt.item).Key
			if tt.name == "hash of title and date" {
				// The hash is stable and depends on title and date only.
				again := FromItem("", &gofeed.Feed{}, &gofeed.Item{Title: "Her", PublishedParsed: &date, Description: "changed"}).Key
				other := FromItem("", &gofeed.Feed{}, &gofeed.Item{Title: "Her", Published: "yesterday"}).Key
				if !strings.HasPrefix(got, "sha256:") || len(got) != len("sha256:")+64 || got != again || got == other {
					t.Errorf("keys %q, %q, %q: want one stable sha256 of title and date", got, again, other)
				}
				return
			}
			if got != tt.want {
				t.Errorf("Key = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFromItemSummary(t *testing.T) {
	t.Parallel()
	body := parseFixture(t, "her_rss2_shortcode.xml", "").Items[0].Content
	tests := []struct {
		name        string
		desc        string
		want        string
		wantExcerpt bool
	}{
		{"written excerpt is the summary", "<p>Spike Jonze's Her is a love story for the smartphone age. Sweet, funny and sad.</p>",
			"Spike Jonze's Her is a love story for the smartphone age. Sweet, funny and sad.", true},
		{"excerpt cut with [...] is not", "<p>Technology has changed the way we communicate, connect and live. A film about a man [&#8230;]</p>", herVerdict, false},
		{"excerpt ending in ... is not", "Technology has changed the way we communicate, connect and live. A film about...", herVerdict, false},
		{"excerpt that is the body's opening is not", "<p>Technology has changed the way we communicate, connect and live.</p>", herVerdict, false},
		{"WordPress footer alone is not", `<p>The post <a href="https://x">Her</a> appeared first on <a href="https://y">Blog</a>.</p>`, herVerdict, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := FromItem(herFeedURL, &gofeed.Feed{}, &gofeed.Item{Title: "Her", Content: body, Description: tt.desc})
			if tt.wantExcerpt && r.Summary != tt.want {
				t.Errorf("Summary = %q, want the excerpt %q", r.Summary, tt.want)
			}
			if !tt.wantExcerpt && !strings.Contains(r.Summary, tt.want) {
				t.Errorf("Summary = %q, want the verdict %q", r.Summary, tt.want)
			}
			checkSummaryShape(t, r)
		})
	}
}

func TestSummaryNeverCutsSentences(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("This sentence is rather long and goes on about nothing in particular at all. ", 6)
	tests := []struct{ name, body string }{
		{"only long sentences", "<p>" + strings.Repeat("word ", 90) + "end.</p>"},
		{"many short judgements", "<p>" + strings.Repeat("It is a brilliant film. ", 10) + "</p>"},
		{"plain prose", "<p>" + long + "</p>"},
		{"abbreviations", "<p>Mr. Jonze and Dr. Who walk in. The film is brilliant and worth seeing, e.g. on a big screen. I loved it.</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := FromItem("", &gofeed.Feed{}, &gofeed.Item{Title: "X", Content: tt.body})
			checkSummaryShape(t, r)
			if r.Summary != "" && !strings.Contains(r.Text, r.Summary) {
				t.Errorf("Summary %q is not a run of whole sentences of the text %q", r.Summary, r.Text)
			}
		})
	}
}

func TestFromItemIsValidUTF8(t *testing.T) {
	t.Parallel()
	r := FromItem("https://x.example/\xff", &gofeed.Feed{Link: "\xfe"}, &gofeed.Item{
		Title: "Bad \xff title", GUID: "g\xc3", Content: "<p>Genres: Dr\xffama</p><p>It is a brilliant \x92film\x92.</p>",
		Categories: []string{"Film\xff"}, Authors: []*gofeed.Person{{Name: "A\xff"}},
	})
	for name, s := range map[string]string{"Title": r.Title, "GUID": r.GUID, "Key": r.Key, "Text": r.Text, "Summary": r.Summary,
		"Author": r.Author, "FeedURL": r.FeedURL, "Category": strings.Join(r.Categories, ","), "Genres": strings.Join(r.Genres, ",")} {
		if !utf8.ValidString(s) {
			t.Errorf("%s = %q is not valid UTF-8", name, s)
		}
	}
}

// TestPlainTextNormalisesTypography: C1 controls (windows-1252 punctuation
// that reached the text through an ISO-8859-1 conversion) read as the same
// characters the real ones are, and quotes become ASCII.
func TestPlainTextNormalisesTypography(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"C1 single quotes", "Don\u0092t \u0091look\u0092", "Don't 'look'"},
		{"C1 double quotes and dash", "\u0093Up\u0094 \u0096 2021\u0085", "\"Up\" – 2021…"},
		{"C1 low quotes as their real selves", "\u0084Lola\u0093 \u0082rennt\u0091", "\"Lola\" 'rennt'"},
		{"real low quotes", "„Lola“ ‚rennt‘", "\"Lola\" 'rennt'"},
		{"C1 left undefined by windows-1252 is dropped", "a\u0081b\u008dc", "abc"},
		{"white space and invisibles", " a\u00a0\u200bb\t\nc ", "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := plainText(tt.in); got != tt.want {
				t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
