package feed

import (
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// bodyResult is what one walk over an HTML body finds.
type bodyResult struct {
	// lines are the body's text blocks (paragraphs, list items, lines broken
	// by <br>), whitespace collapsed and quotes normalised, not yet cleaned.
	lines   []string
	trailer trailerFinder
	// image is the first <img> that is a picture (absolute), or "".
	image string
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

// classOf returns an element's class and id, lower-cased, for the checks
// below.
func classOf(attrs []html.Attribute) string {
	var c string
	for _, a := range attrs {
		if a.Key == "class" || a.Key == "id" {
			c += " " + strings.ToLower(a.Val)
		}
	}
	return c
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
var wantedAttrs = map[string]bool{
	"src": true, "data-src": true, "data-lazy-src": true, "data": true, "value": true, "data-url": true,
	"data-embed-url": true, "srcdoc": true, "data-href": true, "href": true, "youtube-src-id": true,
	"data-youtube-id": true, "data-ytid": true, "videoid": true, "data-videoid": true, "data-attrs": true,
	"data-video-id": true, "class": true, "id": true, "width": true, "height": true, "data-orig-file": true,
	"data-original": true,
}

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
}

// walkerPool keeps walkers' buffers (line, element stack, attributes)
// between bodies: extraction runs on every item of every poll.
var walkerPool = sync.Pool{New: func() any { return new(bodyWalker) }}

// parseBody walks an HTML body once, as a token stream: text lines (when
// wantText), the trailer and the first picture. base resolves relative image
// URLs (nil: none). A tokenizer rather than html.Parse: building the tree
// was a third of the extraction's time, and nothing here needs the tree's
// error recovery beyond matching end tags to open elements.
func parseBody(s string, base *url.URL, wantText bool) *bodyResult {
	res := &bodyResult{}
	if strings.TrimSpace(s) == "" {
		return res
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	w := walkerPool.Get().(*bodyWalker)
	w.res, w.base, w.wantText, w.space = res, base, wantText, false
	w.line, w.stack, w.attrs = w.line[:0], w.stack[:0], w.attrs[:0]
	defer func() {
		w.res, w.base = nil, nil
		walkerPool.Put(w)
	}()
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			w.flush()
			return res
		case html.TextToken:
			w.textToken(z.Text())
		case html.CommentToken:
			// WordPress block comments carry the embed's URL in JSON.
			if !res.trailer.done() {
				res.trailer.scanURL(string(z.Text()), true)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			w.startTag(z)
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

// textToken takes a text token's bytes (valid until the next token: only
// what mentions YouTube is copied into a string).
func (w *bodyWalker) textToken(b []byte) {
	top := w.top()
	if !w.res.trailer.done() && mentionsYouTubeBytes(b) {
		if top.rawText {
			w.res.trailer.scanURL(string(b), true)
		} else {
			w.res.trailer.scanText(string(b), top.embed)
		}
	}
	if !top.skip && w.wantText {
		w.text(b)
	}
}

func (w *bodyWalker) startTag(z *html.Tokenizer) {
	name, hasAttr := z.TagName()
	a := atom.Lookup(name)
	w.attrs = w.attrs[:0]
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		if wantedAttrs[string(k)] {
			w.attrs = append(w.attrs, html.Attribute{Key: string(k), Val: string(v)})
		}
	}
	tag := a.String()
	if a == 0 {
		tag = string(name)
	}
	if !w.res.trailer.done() && len(w.attrs) > 0 {
		w.res.trailer.scanAttrs(tag, w.attrs)
	}
	parent := w.top()
	if a == atom.Img && w.res.image == "" && !parent.skip {
		w.res.image = pickContentImage(w.attrs, w.base)
	}
	block := blockElements[a]
	if block && !parent.skip {
		w.flush()
	}
	if voidElements[a] {
		return
	}
	class := classOf(w.attrs)
	o := open{
		name:    tag,
		block:   block,
		skip:    parent.skip || skipElements[a] || isBoilerplateElement(class),
		embed:   parent.embed || embedWrapper(class),
		rawText: a == atom.Iframe,
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
func (w *bodyWalker) text(s []byte) {
	for i := 0; i < len(s); {
		// Runs of plain ASCII, the bulk of any English text, are copied whole.
		j := i
		for j < len(s) && s[j] > ' ' && s[j] < utf8.RuneSelf {
			j++
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
		r, size := utf8.DecodeRune(s[i:])
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

// cp1252C1 maps the C1 controls U+0080-U+009F to what windows-1252 meant by
// those bytes: text decoded as ISO-8859-1 smuggles smart quotes through them.
var cp1252C1 = [32]rune{
	'€', -1, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', -1, 'Ž', -1,
	-1, '\'', '\'', '"', '"', '•', '–', '—', '˜', '™', 'š', '›', 'œ', -1, 'ž', 'Ÿ',
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
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', 0:
		return -1
	case '‘', '’', '‚', '′':
		return '\''
	case '“', '”', '„', '″':
		return '"'
	case utf8.RuneError:
		return -1
	}
	if r >= 0x80 && r <= 0x9f {
		r = cp1252C1[r-0x80]
		if r == '’' {
			return '\''
		}
		return r
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
