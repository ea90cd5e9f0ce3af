package review

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// FuzzFromItem feeds arbitrary HTML bodies (as content and as description)
// to the extraction: it never panics, every string is valid UTF-8, a
// trailer is 11 characters of [A-Za-z0-9_-] with its canonical URL, and the
// summary keeps to its limits.
func FuzzFromItem(f *testing.F) {
	for _, name := range []string{"her_rss2_shortcode.xml", "her_atom.xml", "her_wix_page.html"} {
		b, err := os.ReadFile(filepath.Join("testdata", "reviews", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "Her")
	}
	f.Add(`[youtube id=”WzV6mXIOVl4″]`, "x")
	f.Add(`<iframe data-lazy-src="//www.youtube-nocookie.com/embed/WzV6mXIOVl4?a=1&#038;b=2"></iframe>`, "")
	f.Add("<p>Genres: A & B\nCast: C, D</p><p>Rating: ★★★½</p>", "\xff\xfe")
	f.Add("<div><div><div><p>It's brilliant. I loved it... [&#8230;]", "Review")
	f.Add("\x92\x93\x00<p>Running Time: 99999 hours</p>", "")
	f.Fuzz(func(t *testing.T, body, title string) {
		for _, it := range []*gofeed.Item{
			{Title: title, Content: body, Description: "<p>" + title + "</p>", Link: "/x"},
			{Title: title, Description: body, GUID: title},
		} {
			r := FromItem("https://blog.example.com/feed/", &gofeed.Feed{Link: "https://blog.example.com/"}, it)
			strs := []string{r.Key, r.GUID, r.Link, r.NormLink, r.Title, r.Author, r.Image, r.TrailerID, r.TrailerURL,
				r.Director, r.Writer, r.Rating, r.Summary, r.Text, r.ReviewReason, r.FilmTitle, r.Stars, r.IMDbID}
			for _, l := range [][]string{r.Categories, r.Genres, r.Cast, r.SeeAlso} {
				strs = append(strs, l...)
			}
			for _, s := range strs {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 %q", s)
				}
			}
			if r.TrailerID != "" && (!validYouTubeID(r.TrailerID) || r.TrailerURL != "https://www.youtube.com/watch?v="+r.TrailerID) {
				t.Fatalf("trailer %q %q", r.TrailerID, r.TrailerURL)
			}
			if r.TrailerID == "" && r.TrailerURL != "" {
				t.Fatalf("trailer URL %q without an id", r.TrailerURL)
			}
			if len(r.Summary) > maxSummaryChars {
				t.Fatalf("summary of %d bytes: %q", len(r.Summary), r.Summary)
			}
			if r.Key == "" {
				t.Fatal("no key")
			}
		}
	})
}
