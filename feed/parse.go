package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/charmap"

	"github.com/reelpost/reelpost/internal/redact"
)

// ParseError is a feed that could not be read as RSS, Atom or JSON Feed.
type ParseError struct {
	// URL names the feed (a URL or a local path).
	URL string
	Err error
}

func (e *ParseError) Error() string { return "parse feed " + redact.URL(e.URL) + ": " + e.Err.Error() }

func (e *ParseError) Unwrap() error { return e.Err }

var (
	errParseEmptyBody   = errors.New("empty document")
	errParseHTMLPage    = errors.New("got an HTML page, not a feed")
	errParsePanic       = errors.New("parser panic")
	errParseNotJSONFeed = errors.New("JSON document is not a JSON Feed (no jsonfeed.org version)")
)

// Parse reads an RSS 0.9x/1.0/2.0, Atom or JSON feed.
//
// body is first made UTF-8 (see Decode, which uses contentType), then made
// acceptable to encoding/xml: C0 control characters, which XML forbids and
// which make encoding/xml reject the whole document, are removed, and C1
// controls U+0080-U+009F, which in real feeds are windows-1252 punctuation
// smuggled through a UTF-8 conversion ("don\u0092t"), become the
// windows-1252 characters they stand for (don't), as Python's feedparser
// does. Then gofeed (newParser) does the work.
//
// A document cut short after its last item (a missing </rss>, a stray
// "</rss" without ">") is closed and parsed again, so its complete items are
// not lost; a document cut inside an item is rejected, since publishing a
// half item would be worse than waiting for the feed to be fixed.
//
// Every failure, including a panic inside the parser, is a *ParseError
// naming the feed: an empty body, an HTML page instead of a feed, invalid XML
// or JSON.
func Parse(feedURL string, body []byte, contentType string) (*gofeed.Feed, error) {
	return parseGuarded(feedURL, func() (*gofeed.Feed, error) {
		doc, err := prepare(body, contentType)
		if err != nil {
			return nil, err
		}
		return parseDoc(doc)
	})
}

// prepare makes body a document gofeed can read (see Parse): UTF-8, no
// character XML forbids, not empty, not an HTML page.
func prepare(body []byte, contentType string) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errParseEmptyBody
	}
	doc, err := Decode(body, contentType)
	if err != nil {
		return nil, err
	}
	doc = cleanXMLChars(doc)
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, errParseEmptyBody
	}
	if looksLikeHTMLPage(doc) {
		return nil, errParseHTMLPage
	}
	return doc, nil
}

// newParser is gofeed's parser without its search of each RSS item's HTML
// for a first picture (a full HTML parse of the content and of the
// description, a tenth of a first sight's CPU: BENCHMARKS.md, issue 13).
// The review's picture is chosen by review.chooseImage, which reads the
// content's pictures itself and more carefully (skipping icons and
// trackers); gofeed's explicit pictures (media, enclosures) are still read.
func newParser() *gofeed.Parser {
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return p
}

// parseDoc parses a prepared document with gofeed (see Parse).
func parseDoc(doc []byte) (*gofeed.Feed, error) {
	f, err := newParser().Parse(bytes.NewReader(doc))
	if err != nil {
		fixed, ok := closeTruncatedXML(doc)
		if !ok {
			return nil, err
		}
		f2, err2 := newParser().Parse(bytes.NewReader(fixed))
		if err2 != nil {
			return nil, err
		}
		f = f2
	}
	// gofeed takes any JSON object for a JSON Feed; an API's error
	// answer must not pass as a feed with no items.
	if f.FeedType == "json" && !strings.Contains(f.FeedVersion, "jsonfeed.org/version/") {
		return nil, errParseNotJSONFeed
	}
	return f, nil
}

// parseGuarded runs parse and turns its error, or its panic, into a
// *ParseError: a malformed feed must never take the daemon down.
func parseGuarded(feedURL string, parse func() (*gofeed.Feed, error)) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &ParseError{URL: feedURL, Err: fmt.Errorf("%w: %v", errParsePanic, r)}
		}
	}()
	f, err = parse()
	if err != nil {
		return nil, &ParseError{URL: feedURL, Err: err}
	}
	return f, nil
}

// cleanXMLChars removes characters XML 1.0 forbids (C0 controls other than
// tab, LF, CR; U+FFFE, U+FFFF) and maps C1 controls to windows-1252 (see
// Parse). It returns b itself when there is nothing to change, which is the
// common case and keeps large feeds from being copied.
func cleanXMLChars(b []byte) []byte {
	first := -1
	for i, c := range b {
		if !cleanXMLSuspect[c] {
			continue
		}
		if c < 0x20 ||
			(c == 0xC2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9F) ||
			(c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF)) {
			first = i
			break
		}
	}
	if first < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:first]...)
	for i := first; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r >= 0x80 && r <= 0x9F:
			// Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D
			// undefined (x/text gives U+FFFD for them): such a control
			// carries no meaning, drop it.
			if m := charmap.Windows1252.DecodeByte(byte(r)); m != r && m != utf8.RuneError {
				out = utf8.AppendRune(out, m)
			}
		case r == 0xFFFE || r == 0xFFFF:
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// cleanXMLSuspect marks the bytes that may start something cleanXMLChars
// changes, so the common clean document is scanned with one table look-up a
// byte.
var cleanXMLSuspect = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n' && c != '\r'
	}
	t[0xC2], t[0xEF] = true, true
	return t
}()

// looksLikeHTMLPage reports whether doc is an HTML page (a site's front page
// or an error page served with 200) rather than a feed: its first element,
// after the XML declaration, comments and processing instructions, is html.
func looksLikeHTMLPage(doc []byte) bool {
	rest := doc
	for range 64 {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return false
			}
			rest = rest[end+2:]
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest, []byte("-->"))
			if end < 0 {
				return false
			}
			rest = rest[end+3:]
		default:
			head := bytes.ToLower(rest[:min(len(rest), 14)])
			return bytes.HasPrefix(head, []byte("<!doctype html")) ||
				bytes.HasPrefix(head, []byte("<html")) && (len(head) == 5 || !isNameByte(head[5]))
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.'
}

// closeTruncatedXML repairs a document that stops early, but only when no
// item or entry was open at the cut: it keeps everything up to the last
// complete token and appends the end tags of the elements still open
// (typically </channel></rss>). ok is false for any other kind of damage.
//
// Hand-written because no library offers this: encoding/xml's tokenizer
// finds the cut and the open elements; gofeed then parses the result.
func closeTruncatedXML(doc []byte) ([]byte, bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	var open []xml.Name
	good := int64(0)
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) && len(open) == 0 {
				return nil, false // complete: the damage is elsewhere
			}
			if d.InputOffset() < int64(len(doc)) {
				return nil, false // broken in the middle, not cut short
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name)
		case xml.EndElement:
			if n := len(open); n > 0 && open[n-1] == t.Name {
				open = open[:n-1]
			}
		}
		good = d.InputOffset()
	}
	if len(open) == 0 {
		return nil, false
	}
	for _, n := range open {
		if n.Local == "item" || n.Local == "entry" {
			return nil, false
		}
	}
	out := make([]byte, 0, int(good)+32*len(open))
	out = append(out, doc[:good]...)
	for i := len(open) - 1; i >= 0; i-- {
		out = append(out, "</"...)
		if open[i].Space != "" {
			out = append(out, open[i].Space...)
			out = append(out, ':')
		}
		out = append(out, open[i].Local...)
		out = append(out, '>')
	}
	return out, true
}
