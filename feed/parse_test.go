package feed

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        string
		contentType string
		feedType    string
		titles      []string // item titles, in order
		description string   // first item's description, when set
	}{
		{
			name: "rss 2.0",
			body: `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Films</title><link>https://films.example/</link>
<item><title>Her (2013)</title><link>https://films.example/her/</link><guid>her-2013</guid>
<description><![CDATA[<p>It's sweet, humorous and thought-provoking.</p>]]></description></item>
<item><title>Heat (1995)</title><link>https://films.example/heat/</link></item>
</channel></rss>`,
			contentType: "application/rss+xml; charset=utf-8",
			feedType:    "rss", titles: []string{"Her (2013)", "Heat (1995)"},
			description: "<p>It's sweet, humorous and thought-provoking.</p>",
		},
		{
			name: "rss 1.0",
			body: `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://films.example/"><title>Films</title><link>https://films.example/</link></channel>
<item rdf:about="https://films.example/her/"><title>Her (2013)</title><link>https://films.example/her/</link></item>
</rdf:RDF>`,
			feedType: "rss", titles: []string{"Her (2013)"},
		},
		{
			name: "rss 0.91",
			body: `<rss version="0.91"><channel><title>Films</title>
<item><title>Her (2013)</title><link>https://films.example/her/</link></item></channel></rss>`,
			feedType: "rss", titles: []string{"Her (2013)"},
		},
		{
			name: "atom",
			body: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Films</title><id>urn:films</id>
<entry><title>Her (2013)</title><id>urn:her</id><link href="https://films.example/her/"/>
<summary>Sweet and humorous.</summary></entry></feed>`,
			contentType: "application/atom+xml",
			feedType:    "atom", titles: []string{"Her (2013)"}, description: "Sweet and humorous.",
		},
		{
			name: "json feed 1.1",
			body: `{"version":"https://jsonfeed.org/version/1.1","title":"Films",
"items":[{"id":"her","url":"https://films.example/her/","title":"Her (2013)","summary":"Sweet."}]}`,
			contentType: "application/feed+json",
			feedType:    "json", titles: []string{"Her (2013)"}, description: "Sweet.",
		},
		{
			name:     "empty feed: a channel without items",
			body:     `<rss version="2.0"><channel><title>Films</title></channel></rss>`,
			feedType: "rss", titles: nil,
		},
		{
			name:     "c0 control character removed",
			body:     "<rss version=\"2.0\"><channel><item><title>Her\x08 (2013)\x01</title></item></channel></rss>",
			feedType: "rss", titles: []string{"Her (2013)"},
		},
		{
			name:     "c1 controls mapped to windows-1252 (demoronize)",
			body:     "<rss version=\"2.0\"><channel><item><title>Don\u0092t Look Up \u0096 2021</title><description>\u0093Hmm\u0094\u0085</description></item></channel></rss>",
			feedType: "rss", titles: []string{"Don’t Look Up – 2021"}, description: "“Hmm”…",
		},
		{
			name:     "c1 controls undefined in windows-1252 dropped",
			body:     "<rss version=\"2.0\"><channel><item><title>Her\u0081\u008d (2013)</title></item></channel></rss>",
			feedType: "rss", titles: []string{"Her (2013)"},
		},
		{
			name: "missing </rss> after the last item is repaired",
			body: `<rss version="2.0"><channel><title>Films</title>
<item><title>Her (2013)</title></item><item><title>Heat (1995)</title></item>
</channel>`,
			feedType: "rss", titles: []string{"Her (2013)", "Heat (1995)"},
		},
		{
			name:     "end tag cut short after the last item is repaired",
			body:     `<rss version="2.0"><channel><item><title>Her (2013)</title></item></channel></rss`,
			feedType: "rss", titles: []string{"Her (2013)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("https://films.example/feed", []byte(tc.body), tc.contentType)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if f.FeedType != tc.feedType {
				t.Errorf("feed type = %q, want %q", f.FeedType, tc.feedType)
			}
			var got []string
			for _, it := range f.Items {
				got = append(got, it.Title)
			}
			if strings.Join(got, "|") != strings.Join(tc.titles, "|") || len(got) != len(tc.titles) {
				t.Errorf("item titles = %q, want %q", got, tc.titles)
			}
			if tc.description != "" && len(f.Items) > 0 && f.Items[0].Description != tc.description {
				t.Errorf("description = %q, want %q", f.Items[0].Description, tc.description)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const url = "https://films.example/feed.xml"
	tests := []struct {
		name        string
		body        string
		contentType string
		is          error // a specific cause, when there is one
	}{
		{name: "empty body", body: "", is: errParseEmptyBody},
		{name: "white space only", body: " \r\n\t ", is: errParseEmptyBody},
		{name: "only control characters", body: "\x00\x00\x00", is: errParseEmptyBody},
		{
			name: "html page instead of a feed",
			body: `<!DOCTYPE html><html lang="en"><head><title>Films</title></head><body><p>Welcome</p></body></html>`,
			is:   errParseHTMLPage, contentType: "text/html; charset=utf-8",
		},
		{
			name: "html without doctype",
			body: "\n<HTML><head><title>404 Not Found</title></head></HTML>", is: errParseHTMLPage,
		},
		{
			name: "xhtml page with an xml declaration",
			body: `<?xml version="1.0" encoding="utf-8"?><!-- cms --><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`,
			is:   errParseHTMLPage,
		},
		{name: "plain text", body: "Service temporarily unavailable", is: gofeed.ErrFeedTypeNotDetected},
		{name: "invalid xml: broken attribute", body: `<rss version="2.0"><channel><item><title attr=">Her</title></item></channel></rss>`},
		{name: "invalid xml: stray <", body: `<rss version="2.0"><channel><item><title>a <b</title></item></channel></rss>`},
		{
			name: "cut off inside an item",
			body: `<rss version="2.0"><channel><item><title>Her (2013)</title></item><item><title><![CD`,
		},
		{name: "json that is not a json feed", body: `{"error":"rate limited"}`, is: errParseNotJSONFeed},
		{name: "truncated json feed", body: `{"version":"https://jsonfeed.org/version/1.1","title":"Films","items":[{"id":"1"`},
		{name: "binary garbage", body: "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse(url, []byte(tc.body), tc.contentType)
			if err == nil {
				t.Fatalf("Parse succeeded (%d items), want a *ParseError", len(f.Items))
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *ParseError", err, err)
			}
			if pe.URL != url {
				t.Errorf("ParseError.URL = %q, want %q", pe.URL, url)
			}
			if !strings.HasPrefix(err.Error(), "parse feed "+url+": ") {
				t.Errorf("error %q does not name the feed", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want it to wrap %v", err, tc.is)
			}
		})
	}
}

func TestParseGuardedRecoversPanic(t *testing.T) {
	t.Parallel()
	f, err := parseGuarded("https://films.example/feed", func() (*gofeed.Feed, error) {
		var items []*gofeed.Item
		_ = items[3] // the kind of bug a parser can have
		return nil, nil
	})
	if f != nil {
		t.Errorf("got a feed from a panicking parser")
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.URL != "https://films.example/feed" {
		t.Fatalf("error %v, want a *ParseError naming the feed", err)
	}
	if !errors.Is(err, errParsePanic) || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("error %q does not say what went wrong", err)
	}
}

// FuzzParse: whatever the bytes, Parse returns a feed or a *ParseError, and
// gofeed never panics underneath (a recovered panic is still a bug to fix).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`<rss version="2.0"><channel><item><title>Her</title></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Her</title></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"Her"}]}`,
		"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>Caf\xe9</title></channel></rss>",
		"\xff\xfe<\x00r\x00s\x00s\x00>\x00",
		`<rss version="2.0"><channel><item><title><![CD`,
	} {
		f.Add([]byte(seed), "")
	}
	f.Add([]byte(`<rss><channel><title>x</title></channel></rss>`), "text/xml; charset=windows-1251")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := Parse("fuzz", body, contentType)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T, want *ParseError: %v", err, err)
			}
			if errors.Is(err, errParsePanic) {
				t.Fatalf("parser panicked: %v", err)
			}
			return
		}
		if feed == nil {
			t.Fatal("nil feed without an error")
		}
		for _, it := range feed.Items {
			if it != nil && (!utf8.ValidString(it.Title) || !utf8.ValidString(it.Description)) {
				t.Fatalf("invalid UTF-8 in item %q", it.Title)
			}
		}
	})
}
