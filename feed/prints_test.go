package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// printsRSS is a feed with traps for a scan: an item's CDATA and a comment
// holding what looks like markup, a '>' in an attribute value.
var printsRSS = printsDoc(printsItems...)

var printsItems = []string{
	`<item><title>Heat review</title><guid>p1</guid><content:encoded><![CDATA[<p>Not the end: </item></channel></p>]]></content:encoded></item>`,
	`<item><title a=">">Her review</title><guid>p2</guid><!-- <item> in a comment --></item>`,
	`<item><title>Moon review</title><guid>p3</guid></item>`,
}

func printsDoc(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Films in Focus</title>
<link>https://films.example/</link>
<lastBuildDate>Sun, 06 Dec 2026 21:00:00 +0000</lastBuildDate>
` + strings.Join(items, "\n") + `
</channel>
</rss>
`
}

func mustPrints(t *testing.T, doc, contentType string) Prints {
	t.Helper()
	ps, ok := ItemPrints([]byte(doc), contentType)
	if !ok {
		t.Fatalf("ItemPrints refused %.60q", doc)
	}
	return ps
}

// What a poll relies on: a document whose items are all in the last one
// seen is covered by its prints (the channel's date, the layout between
// items, their order and removals aside), and any other change is not.
func TestItemPrintsCover(t *testing.T) {
	t.Parallel()
	const ct = "application/rss+xml; charset=utf-8"
	base := mustPrints(t, printsRSS, ct)
	if len(base.Items) != 3 {
		t.Fatalf("found %d items, want 3 (an item in CDATA or a comment is none)", len(base.Items))
	}
	it := printsItems
	tests := []struct {
		name   string
		doc    string
		ct     string
		covers bool
	}{
		{"the same bytes", printsRSS, ct, true},
		{"a new lastBuildDate", strings.Replace(printsRSS, "21:00:00", "21:00:07", 1), ct, true},
		{"an item gone", printsDoc(it[0], it[2]), ct, true},
		{"items in another order", printsDoc(it[2], it[0], it[1]), ct, true},
		{"a new item", printsDoc(it[0], it[1], it[2], `<item><guid>p4</guid></item>`), ct, false},
		{"an item edited", strings.Replace(printsRSS, "Moon review", "Moon (2009) review", 1), ct, false},
		{"the channel's link changed", strings.Replace(printsRSS, "https://films.example/", "https://films.example/blog/", 1), ct, false},
		{"a date that is not plain text", strings.Replace(printsRSS, "Sun, 06", "Sun,&#32;06", 1), ct, false},
		{"another charset", printsRSS, "application/rss+xml; charset=iso-8859-1", false},
		{"text between items", strings.Replace(printsRSS, "</item>\n<item>", "</item>\nstray\n<item>", 1), ct, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cur := mustPrints(t, tc.doc, tc.ct)
			if got := base.Covers(&cur); got != tc.covers {
				t.Errorf("Covers = %v, want %v", got, tc.covers)
			}
		})
	}
}

// Documents the scan does not follow are left to the parser.
func TestItemPrintsRefuse(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"JSON Feed":                 `{"version": "https://jsonfeed.org/version/1.1", "items": []}`,
		"UTF-16":                    "\xFF\xFE<\x00r\x00s\x00s\x00>\x00<\x00/\x00r\x00s\x00s\x00>\x00",
		"an internal DTD subset":    `<!DOCTYPE rss [<!ENTITY x "y">]><rss><channel><item>&x;</item></channel></rss>`,
		"cut short":                 `<rss><channel><item><title>Heat</title>`,
		"an unmatched end tag":      `<rss><channel></item></channel></rss>`,
		"an unclosed CDATA section": `<rss><channel><item><![CDATA[x</item></channel></rss>`,
		"text after the root":       `<rss><channel></channel></rss>trailing`,
		"two roots":                 `<rss></rss><rss></rss>`,
		"empty":                     ``,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, ok := ItemPrints([]byte(doc), "application/xml"); ok {
				t.Errorf("ItemPrints accepted %q", doc)
			}
		})
	}
}

func TestItemPrintsAtomAndRDF(t *testing.T) {
	t.Parallel()
	atom := `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><updated>2026-12-06T21:00:00Z</updated>` +
		`<entry><id>e1</id><updated>2026-12-01T00:00:00Z</updated></entry><entry><id>e2</id></entry></feed>`
	a := mustPrints(t, atom, "")
	b := mustPrints(t, strings.Replace(atom, "2026-12-06T21:00:00Z", "2026-12-06T22:00:00Z", 1), "")
	if len(a.Items) != 2 || !a.Covers(&b) {
		t.Errorf("Atom: %d entries, a new feed date covered = %v; want 2, true", len(a.Items), a.Covers(&b))
	}
	c := mustPrints(t, strings.Replace(atom, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", 1), "")
	if a.Covers(&c) {
		t.Error("Atom: an entry's own date changed, and the prints do not tell")
	}
	rdf := `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
		`<channel rdf:about="x"><title>T</title><dc:date>2026-12-06</dc:date></channel><item rdf:about="i1"><title>I</title></item><item rdf:about="i2"/></rdf:RDF>`
	r := mustPrints(t, rdf, "")
	s := mustPrints(t, strings.Replace(rdf, "2026-12-06", "2026-12-07", 1), "")
	if len(r.Items) != 2 || !r.Covers(&s) {
		t.Errorf("RSS 1.0: %d items, a new channel date covered = %v; want 2, true", len(r.Items), r.Covers(&s))
	}
}

// refSpans finds, with encoding/xml, what ItemPrints's scan finds: the
// outermost item and entry elements, and the plain text of the channel's
// dates. ok is false when encoding/xml finds the document malformed.
func refSpans(doc []byte) (spans []span, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	type open struct {
		name  xml.Name
		start int
	}
	var stack []open
	itemDepth := -1
	pendingDate := -1 // the date element's depth, when its text may follow
	var dateText *span
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return spans, len(stack) == 0
		}
		if err != nil {
			return nil, false
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			pendingDate, dateText = -1, nil
			if itemDepth < 0 && isItemName([]byte(t.Name.Local)) {
				itemDepth = len(stack)
			}
			if itemDepth < 0 && headDates[t.Name.Local] && len(stack) > 0 && headParents[stack[len(stack)-1].name.Local] {
				pendingDate = len(stack) + 1
			}
			stack = append(stack, open{t.Name, off})
		case xml.CharData:
			if pendingDate == len(stack) && dateText == nil {
				raw := doc[off:end]
				if len(raw) > 0 && len(raw) <= maxHeadDate && bytes.IndexAny(raw, "&<") < 0 {
					dateText = &span{start: off, end: end}
					continue
				}
			}
			pendingDate = -1
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != t.Name {
				return nil, false
			}
			if pendingDate == len(stack) && dateText != nil {
				spans = append(spans, *dateText)
			}
			pendingDate, dateText = -1, nil
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if itemDepth == len(stack) {
				spans = append(spans, span{start: top.start, end: end, item: true})
				itemDepth = -1
			}
		default:
			pendingDate, dateText = -1, nil
		}
	}
}

// FuzzItemPrints checks the hand-written scan against encoding/xml: on
// every document both read, they find the same items and dates, byte for
// byte.
func FuzzItemPrints(f *testing.F) {
	f.Add([]byte(printsRSS))
	f.Add([]byte(`<feed><updated>x</updated><entry/><entry a='>'><b/></entry></feed>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE rss><rss><channel><pubDate>d</pubDate><pubDate></pubDate><item><item>in</item></item></channel></rss>`))
	f.Add([]byte(`<rss><channel><lastBuildDate><![CDATA[d]]></lastBuildDate><lastBuildDate>a<!--c-->b</lastBuildDate></channel></rss>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var sc printScan
		if !sc.scan(doc) {
			return
		}
		want, ok := refSpans(doc)
		if !ok {
			return
		}
		if len(sc.spans) != len(want) {
			t.Fatalf("scan found %v, encoding/xml %v", sc.spans, want)
		}
		for i := range want {
			if sc.spans[i] != want[i] {
				t.Fatalf("span %d: scan %v, encoding/xml %v", i, sc.spans[i], want[i])
			}
		}
	})
}

// TestItemPrintsRealFeeds runs the scan over the corpus of real feeds: on
// every XML document that Parse reads, it finds what encoding/xml finds, and
// as many items as gofeed. It must also follow most of them, or it saves
// nothing.
func TestItemPrintsRealFeeds(t *testing.T) {
	t.Parallel()
	dir := parseRealFeedsDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var followed, parsedXML int
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "README.md" || name == "MANIFEST.json" {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(name, body, "")
		if err != nil || f.FeedType == "json" {
			continue
		}
		parsedXML++
		var sc printScan
		if !sc.scan(body) {
			t.Logf("%s: not followed (parsed anyway: its %d items are parsed on every poll)", name, len(f.Items))
			continue
		}
		followed++
		if want, ok := refSpans(body); ok && !slices.Equal(sc.spans, want) {
			t.Errorf("%s: scan found %d spans, encoding/xml %d", name, len(sc.spans), len(want))
		}
		if len(sc.items) != len(f.Items) {
			t.Errorf("%s: scan found %d items, gofeed %d", name, len(sc.items), len(f.Items))
		}
	}
	if parsedXML < 20 {
		t.Fatalf("Parse read only %d of the real feeds as XML: the comparison below would prove nothing", parsedXML)
	}
	if followed < parsedXML*3/4 {
		t.Errorf("the scan follows %d of the %d XML feeds Parse reads, want three in four at least", followed, parsedXML)
	}
}
