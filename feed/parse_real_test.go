package feed

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/internal/testutil"
)

// parseRealFeedsDir is ../shared/fixtures/feeds-real; tests over it skip
// when it is absent (and fail in CI, see testutil.SharedDir).
func parseRealFeedsDir(t *testing.T) string {
	t.Helper()
	return testutil.SharedDir(t, "fixtures", "feeds-real")
}

// parseRealFeedsNoItems are corpus files whose document has no item at all
// (small regression fixtures about the channel or the encoding).
var parseRealFeedsNoItems = []string{
	"en07_utf16le_bom.xml", "en12_windows-1252_euro.xml", "en13_utf8_bom.xml",
	"iv05_bare_ampersand_then_entities.xml", "iv10_undeclared_namespace.xml",
	"iv11_html_entities_legacy_prefix.xml",
}

// parseRealFeedsRejected are the corpus files Parse must refuse: cut off
// inside an item.
var parseRealFeedsRejected = []string{"iv07_incomplete_cdata.xml"}

// TestParseRealFeeds parses every feed of the corpus: nothing panics, each
// gives items or a *ParseError naming it, and all text is valid UTF-8.
func TestParseRealFeeds(t *testing.T) {
	t.Parallel()
	dir := parseRealFeedsDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "README.md" || name == "MANIFEST.json" {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(name, body, "")
			if slices.Contains(parseRealFeedsRejected, name) {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.URL != name {
					t.Fatalf("Parse = %v, want a *ParseError naming %s", err, name)
				}
				return
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error of type %T, want *ParseError: %v", err, err)
				}
				t.Fatalf("Parse: %v", err)
			}
			if len(f.Items) == 0 && !slices.Contains(parseRealFeedsNoItems, name) {
				t.Errorf("no items")
			}
			for i, it := range f.Items {
				for field, s := range map[string]string{"title": it.Title, "description": it.Description, "content": it.Content} {
					if !utf8.ValidString(s) {
						t.Errorf("item %d %s is not valid UTF-8", i, field)
					}
				}
			}
		})
	}
	if n < 50 {
		t.Errorf("only %d feeds in %s: corpus incomplete?", n, dir)
	}
}

// TestParseRealFeedEncodings checks, for each odd encoding in the corpus, a
// title or phrase whose non-ASCII characters only come out right when the
// encoding was understood. Expected strings were read from the raw bytes
// (xxd, and Python's codecs for the named encoding).
func TestParseRealFeedEncodings(t *testing.T) {
	t.Parallel()
	dir := parseRealFeedsDir(t)
	tests := []struct {
		file     string
		feedType string
		title    string // an item title, exactly
		text     string // a phrase in some item's description or content
		notText  string // mojibake that must not appear
	}{
		{
			file: "en01_iso8859-1_feedcreator.xml", feedType: "rss",
			title: "Machine Learning: Von KI erstelltes Porträt für 432.500 US.Dollar versteigert",
		},
		{file: "en02_windows-1251.xml", feedType: "rss", title: "Цитата #17703"},
		{
			// Declares iso-8859-1; byte 0x97 is windows-1252's em dash.
			file: "en04_declared_latin1_but_cp1252_bytes.xml", feedType: "rss",
			title: "AGI Break Room", text: "water cooler—a lean", notText: "\u0097",
		},
		{
			// Declares iso-8859-1 but is UTF-8, replacement characters
			// included: they must stay U+FFFD, not become "ï¿½".
			file: "en05_declared_latin1_but_utf8_replacement_chars.xml", feedType: "rss",
			title: "Is Artificial Intelligence Intelligent?", text: "Jeff Elman\uFFFDs 1990", notText: "ï¿½",
		},
		{
			file: "en06_declared_utf16_actually_utf8.xml", feedType: "rss",
			title: "So you want to parse a PDF?", text: "Piscina Corporación Deportiva", notText: "Ã³",
		},
		{
			// The document is an empty <rss/>: what matters is that the
			// UTF-16LE bytes are read at all (gofeed alone cannot).
			file: "en07_utf16le_bom.xml", feedType: "rss",
		},
		{
			file: "en08_no_decl_latin1_bytes.xml", feedType: "rss",
			title: "La criminalité liée surtout à... l'ennui ?",
		},
		{file: "en09_gb2312_dvbbs.rss", feedType: "rss", title: "建国35周年纪念，华表，和平鸽"},
		{
			file: "en10_iso8859-1_jn_feedburner.rss", feedType: "rss",
			title: "Mãe de utente é a nova presidente da Raríssimas",
		},
		{
			// U+0092 smuggled through UTF-8 is windows-1252's ’.
			file: "en11_win1252_c1_controls_demoronize.xml", feedType: "rss",
			text: "don’t", notText: "\u0092",
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tc.file, body, "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if f.FeedType != tc.feedType {
				t.Errorf("feed type %q, want %q", f.FeedType, tc.feedType)
			}
			if tc.title != "" && !slices.ContainsFunc(f.Items, func(it *gofeed.Item) bool { return it.Title == tc.title }) {
				t.Errorf("no item titled %q; first titles: %q", tc.title, parseRealFeedTitles(f, 3))
			}
			var all strings.Builder
			for _, it := range f.Items {
				all.WriteString(it.Title + "\n" + it.Description + "\n" + it.Content + "\n")
			}
			if tc.text != "" && !strings.Contains(all.String(), tc.text) {
				t.Errorf("no item contains %q", tc.text)
			}
			if tc.notText != "" && strings.Contains(all.String(), tc.notText) {
				t.Errorf("items contain mis-decoded %q", tc.notText)
			}
		})
	}
}

// TestParseRealFeedsTruncated: the corpus's three truncated documents. Two
// stop after their last item and are repaired (see Parse); the third stops
// inside an item and is refused.
func TestParseRealFeedsTruncated(t *testing.T) {
	t.Parallel()
	dir := parseRealFeedsDir(t)
	tests := []struct {
		file   string
		titles []string // nil: a *ParseError is wanted
		links  []string
	}{
		{
			// Ends with "</rss" without ">". The &amp; in the link must
			// come out as a plain &.
			file:   "iv04_corrupted_ampersands_in_link.xml",
			titles: []string{""}, links: []string{"http://link/get?a=1&b=2"},
		},
		{file: "iv07_incomplete_cdata.xml"},
		{
			// Stops after </channel>, without </rss>.
			file:   "dt01_invalid_date_format.xml",
			titles: []string{"Item 0 with an invalid date", "Item 1 with all valid dates"},
			links:  []string{"http://example.com/item0", "http://example.com/item1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tc.file, body, "")
			if tc.titles == nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.URL != tc.file {
					t.Fatalf("Parse = %v, want a *ParseError naming %s", err, tc.file)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(f.Items) != len(tc.titles) {
				t.Fatalf("%d items, want %d", len(f.Items), len(tc.titles))
			}
			for i, it := range f.Items {
				if it.Title != tc.titles[i] || it.Link != tc.links[i] {
					t.Errorf("item %d = %q %q, want %q %q", i, it.Title, it.Link, tc.titles[i], tc.links[i])
				}
			}
		})
	}
}

// TestParseRealJSONFeeds: gofeed before v1.4.2 could not detect these JSON
// Feeds at all.
func TestParseRealJSONFeeds(t *testing.T) {
	t.Parallel()
	dir := parseRealFeedsDir(t)
	tests := []struct {
		file  string
		items int
		title string
	}{
		{file: "js01_jsonfeed_1.1_elastic.json", items: 3, title: "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark"},
		{file: "js02_jsonfeed_3960_nocookie_srcdoc_trailer.json", items: 20, title: "Lecker, lecker"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tc.file, body, "application/feed+json")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if f.FeedType != "json" || len(f.Items) != tc.items {
				t.Fatalf("got %s feed with %d items, want json with %d", f.FeedType, len(f.Items), tc.items)
			}
			if f.Items[0].Title != tc.title {
				t.Errorf("first title %q, want %q", f.Items[0].Title, tc.title)
			}
		})
	}
}

func parseRealFeedTitles(f *gofeed.Feed, n int) []string {
	var out []string
	for _, it := range f.Items[:min(n, len(f.Items))] {
		out = append(out, it.Title)
	}
	return out
}
