package review

import (
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
)

// bodyResult is what one walk over an HTML body finds.
type bodyResult struct {
	// lines are the body's text blocks (paragraphs, list items, lines broken
	// by <br>), whitespace collapsed and quotes normalised, not yet cleaned.
	lines   []string
	trailer trailerFinder
	// image is the first <img> that is a picture (absolute), or "".
	image string
	// imdb is the title id of the first link to an IMDb title page, or "".
	imdb string
}

// blockElements end a line of text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Figure: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Table: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Pre: true, atom.Hr: true, atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Main: true,
	atom.Center: true, atom.Address: true, atom.Details: true, atom.Summary: true,
}

// skipElements hold no review text.
var skipElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Textarea: true, atom.Nav: true, atom.Aside: true, atom.Figcaption: true,
	atom.Head: true, atom.Title: true, atom.Video: true, atom.Audio: true, atom.Math: true,
}

// boilerplateClasses mark page furniture by class or id: sharing, subscribe
// widgets, related posts, feed flares, comment sections.
var boilerplateClasses = []string{
	"subscription-widget", "subscribe", "newsletter", "sharedaddy", "share-", "social",
	"jp-relatedposts", "related-post", "relatedposts", "feedflare", "comments", "comment-",
	"post-footer", "author-bio", "button-wrapper", "wp-block-buttons", "advert", "ad-container",
	"sidebar", "widget", "recent-posts", "post-navigation", "nav-links", "medium-feed-link",
}

func attr(n *html.Node, key string) string {
	return attrOf(n.Attr, key)
}

func attrOf(attrs []html.Attribute, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func isBoilerplateElement(class string) bool {
	if class == "" {
		return false
	}
	for _, c := range boilerplateClasses {
		if strings.Contains(class, c) {
			return true
		}
	}
	return false
}

// embedWrapper reports an element that wraps an embed: a bare URL inside it
// is the embedded video (Gutenberg and Ghost before expansion).
func embedWrapper(class string) bool {
	return class != "" && (strings.Contains(class, "embed") || strings.Contains(class, "youtube") || strings.Contains(class, "video"))
}

// wantedAttrs are the attributes extraction reads; the others are not
// copied out of the tokenizer.
var wantedAttrs = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"src", "data-src", "data-lazy-src", "data", "value", "data-url",
		"data-embed-url", "srcdoc", "data-href", "href", "youtube-src-id",
		"data-youtube-id", "data-ytid", "videoid", "data-videoid", "data-attrs",
		"data-video-id", "class", "id", "width", "height", "data-orig-file",
		"data-original", "alt"} {
		m[k] = k // the value is the key itself, so that a match costs no copy
	}
	return m
}()

// voidElements have no end tag.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Param: true, atom.Source: true,
	atom.Track: true, atom.Wbr: true,
}

// open is an element whose end tag has not been seen.
type open struct {
	name    string
	block   bool
	skip    bool
	embed   bool
	rawText bool // an iframe: its content is fallback markup, kept as text
}

type bodyWalker struct {
	res      *bodyResult
	base     *url.URL
	wantText bool
	line     []byte
	space    bool // a space is pending before the next word
	stack    []open
	attrs    []html.Attribute
	name     []byte // scanHTML's lower-cased tag and attribute names
}

// walkerPool keeps walkers' buffers (line, element stack, attributes)
// between bodies: extraction runs on every item of every poll.
var walkerPool = sync.Pool{New: func() any { return new(bodyWalker) }}

func (w *bodyWalker) reset(res *bodyResult, base *url.URL, wantText bool) {
	w.res, w.base, w.wantText, w.space = res, base, wantText, false
	w.line, w.stack, w.attrs = w.line[:0], w.stack[:0], w.attrs[:0]
}

// parseBody walks an HTML body once, as a token stream: text lines (when
// wantText), the trailer and the first picture. base resolves relative image
// URLs (nil: none). A token stream rather than html.Parse: building the tree
// was a third of the extraction's time, and nothing here needs the tree's
// error recovery beyond matching end tags to open elements. The tokens come
// from scanHTML (extract_scan.go), which yields exactly what
// golang.org/x/net/html's Tokenizer yields for the bodies it accepts, and
// from the Tokenizer itself for the others.
func parseBody(s string, base *url.URL, wantText bool) *bodyResult {
	res := &bodyResult{}
	if strings.TrimSpace(s) == "" {
		return res
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	w := walkerPool.Get().(*bodyWalker)
	w.reset(res, base, wantText)
	defer func() {
		w.res, w.base = nil, nil
		walkerPool.Put(w)
	}()
	if w.scanHTML(s) {
		return res
	}
	*res = bodyResult{}
	w.reset(res, base, wantText)
	w.tokenize(s)
	return res
}

// tokenize walks s with golang.org/x/net/html's Tokenizer.
func (w *bodyWalker) tokenize(s string) {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			w.flush()
			return
		case html.TextToken:
			w.textToken(string(z.Text()))
		case html.CommentToken:
			w.comment(string(z.Text()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			w.attrs = w.attrs[:0]
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if key, ok := wantedAttrs[string(k)]; ok {
					w.attrs = append(w.attrs, html.Attribute{Key: key, Val: string(v)})
				}
			}
			tag := a.String()
			if a == 0 {
				tag = string(name)
			}
			w.startTag(a, tag)
		case html.EndTagToken:
			name, _ := z.TagName()
			w.endTag(name)
		}
	}
}

// parseBodyNode walks a parsed tree (a page's article) the same way.
func parseBodyNode(n *html.Node, base *url.URL, wantText bool) *bodyResult {
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		return &bodyResult{}
	}
	return parseBody(b.String(), base, wantText)
}

func (w *bodyWalker) top() open {
	if len(w.stack) == 0 {
		return open{}
	}
	return w.stack[len(w.stack)-1]
}

// comment takes a comment's text: WordPress block comments carry the
// embed's URL in JSON.
func (w *bodyWalker) comment(s string) {
	if !w.res.trailer.done() {
		w.res.trailer.scanURL(s, true)
	}
}

// textToken takes a text token.
func (w *bodyWalker) textToken(s string) {
	top := w.top()
	if !w.res.trailer.done() && mentionsYouTube(s) {
		if top.rawText {
			w.res.trailer.scanURL(s, true)
		} else {
			w.res.trailer.scanText(s, top.embed)
		}
	}
	if !top.skip && w.wantText {
		w.text(s)
	}
}

// startTag takes a start tag (a its atom, tag its lower-case name) whose
// wanted attributes are in w.attrs.
func (w *bodyWalker) startTag(a atom.Atom, tag string) {
	if !w.res.trailer.done() && len(w.attrs) > 0 {
		w.res.trailer.scanAttrs(tag, w.attrs)
	}
	parent := w.top()
	if a == atom.Img && w.res.image == "" && !parent.skip {
		w.res.image = pickContentImage(w.attrs, w.base)
	}
	if a == atom.A && w.res.imdb == "" && !parent.skip {
		w.res.imdb = imdbTitleID(attrOf(w.attrs, "href"))
	}
	block := blockElements[a]
	if block && !parent.skip {
		w.flush()
	}
	if voidElements[a] {
		return
	}
	o := open{
		name:    tag,
		block:   block,
		skip:    parent.skip || skipElements[a],
		embed:   parent.embed,
		rawText: a == atom.Iframe,
	}
	// The class and id are checked one by one: no marker holds a space, so
	// that is the same as checking them joined, without a copy.
	for _, at := range w.attrs {
		if at.Key == "class" || at.Key == "id" {
			c := strings.ToLower(at.Val) // no copy when already lower case
			o.skip = o.skip || isBoilerplateElement(c)
			o.embed = o.embed || embedWrapper(c)
		}
	}
	w.stack = append(w.stack, o)
}

// endTag closes the innermost open element of that name and any left open
// inside it; an end tag with no open element is ignored.
func (w *bodyWalker) endTag(name []byte) {
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i].name != string(name) {
			continue
		}
		for j := len(w.stack) - 1; j >= i; j-- {
			if o := w.stack[j]; o.block && !o.skip {
				w.flush()
			}
		}
		w.stack = w.stack[:i]
		return
	}
	if string(name) == "br" || string(name) == "p" { // </br> and a stray </p> break lines in browsers
		w.flush()
	}
}

// text appends s to the current line, collapsing whitespace and normalising
// typography (see normRune).
func (w *bodyWalker) text(s string) {
	for i := 0; i < len(s); {
		// Runs of plain ASCII, the bulk of any English text, are copied
		// whole, with the single spaces between their words.
		j := i
		for j < len(s) {
			if c := s[j]; c > ' ' && c < utf8.RuneSelf {
				j++
			} else if c == ' ' && j > i && j+1 < len(s) && s[j+1] > ' ' && s[j+1] < utf8.RuneSelf {
				j += 2
			} else {
				break
			}
		}
		if j > i {
			if w.space && len(w.line) > 0 {
				w.line = append(w.line, ' ')
			}
			w.space = false
			w.line = append(w.line, s[i:j]...)
			i = j
			continue
		}
		if c := s[i]; c <= ' ' { // ASCII space and controls: what normRune makes of them
			switch c {
			case ' ', '\t', '\n', '\r', '\f', '\v':
				w.space = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if size == 1 && r == utf8.RuneError {
			continue
		}
		r = normRune(r)
		switch {
		case r < 0:
			continue
		case r == ' ':
			w.space = true
			continue
		}
		if w.space && len(w.line) > 0 {
			w.line = append(w.line, ' ')
		}
		w.space = false
		w.line = utf8.AppendRune(w.line, r)
	}
}

func (w *bodyWalker) flush() {
	if len(w.line) > 0 {
		w.res.lines = append(w.res.lines, string(w.line))
		w.line = w.line[:0]
	}
	w.space = false
}

// normRune normalises one rune of text: every kind of white space becomes ' ',
// invisible characters are dropped (-1), C1 controls are read as
// windows-1252, and typographic quotes become ASCII ' and ": the text is
// posted to networks that count characters, and a summary should read the
// same whatever the author's editor did to the quotes.
func normRune(r rune) rune {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2002', '\u2003', '\u2009', '\u200a', '\u202f', '\u3000', '\u2028', '\u2029':
		return ' '
	case '\u200b', '\u2060', '\ufeff', '\u00ad', 0: // not ZWNJ/ZWJ (U+200C/D): they join emoji and Persian or Indic letters
		return -1
	case '‘', '’', '‚', '′':
		return '\''
	case '“', '”', '„', '″':
		return '"'
	case utf8.RuneError:
		return -1
	}
	if r >= 0x80 && r <= 0x9f {
		// Text decoded as ISO-8859-1 smuggles windows-1252's smart quotes
		// through the C1 controls: read the byte as windows-1252 (x/text
		// gives U+FFFD, dropped, for the five bytes it leaves undefined) and
		// normalise that character.
		return normRune(charmap.Windows1252.DecodeByte(byte(r)))
	}
	if r < 0x20 {
		return -1
	}
	return r
}

// plainText collapses whitespace and normalises typography of a short string
// (a title, a name, a category); HTML in it is reduced to its text.
func plainText(s string) string {
	if strings.ContainsAny(s, "<&") {
		if strings.Contains(s, "<") {
			b := parseBody(s, nil, true)
			return strings.Join(b.lines, " ")
		}
		s = html.UnescapeString(s)
	}
	if isPlainASCII(s) {
		return s // nothing to change: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		r = normRune(r)
		if r < 0 {
			continue
		}
		if r == ' ' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isPlainASCII reports whether plainText would return s as it is: printable
// ASCII with single spaces between words and none at either end.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
			continue
		}
		if c < ' ' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
