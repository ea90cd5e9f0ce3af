package letterboxd

import (
	stdhtml "html"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A member-feed description is small HTML that Letterboxd writes itself:
//
//	<p><img src="https://a.ltrbxd.com/resized/film-poster/...jpg"/></p>
//	<p><em>This review may contain spoilers.</em></p>   (only when flagged)
//	<p>first paragraph of the review</p> <p>second</p>
//
// or, for a diary entry without text, the poster and
// "<p>Watched on Saturday January 6, 2024.</p>"; a list is an optional <p>
// of description, a <ul> (or <ol> when ranked) of <li><a href=film>Title</a></li>
// and, for a long list, "<p>...plus 46 more. <a>View the full list on
// Letterboxd</a>.</p>". Sources in the package comment.
var (
	spoilerLineRE = regexp.MustCompile(`^(?i)this review may contain spoilers\.?$`)
	watchedOnRE   = regexp.MustCompile(`^Watched on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) ` +
		`(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\.$`)
	plusMoreRE = regexp.MustCompile(`^(?:\.\.\.|…)\s*plus [\d,]+ more\.\s*View the full list on Letterboxd\.?$`)
)

// description is what readDescription finds in an item's description HTML.
type description struct {
	poster      string
	paragraphs  []string // the member's own text in order, boilerplate removed
	outsideList []string // the paragraphs not inside a <ul>/<ol>: a list's own description
	films       []ListFilm
	spoilerLine bool
}

// block is one paragraph of text and whether it sat inside a <ul>/<ol>.
type block struct {
	text   string
	inList bool
}

func readDescription(s string) description {
	var d description
	if strings.TrimSpace(s) == "" {
		return d
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		// Only a failing reader makes ParseFragment fail; a strings.Reader does not.
		return d
	}
	w := &walker{d: &d}
	for _, n := range nodes {
		w.walk(n)
	}
	w.flush()

	for _, b := range w.blocks {
		switch {
		case spoilerLineRE.MatchString(b.text):
			d.spoilerLine = true
		case watchedOnRE.MatchString(b.text), plusMoreRE.MatchString(b.text):
			// Letterboxd's boilerplate, not the member's words.
		default:
			d.paragraphs = append(d.paragraphs, b.text)
			if !b.inList {
				d.outsideList = append(d.outsideList, b.text)
			}
		}
	}
	return d
}

type walker struct {
	d      *description
	blocks []block
	cur    strings.Builder
	lists  int // depth of <ul>/<ol> around the walk
}

func (w *walker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.cur.WriteString(collapseSpace(n.Data))
		return
	case html.ElementNode:
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		return
	}

	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template:
		return
	case atom.Img:
		if w.d.poster == "" {
			w.d.poster = posterSrc(n)
		}
		return
	case atom.Br:
		w.cur.WriteByte('\n')
		return
	case atom.A:
		if w.lists > 0 {
			if href := attr(n, "href"); href != "" {
				w.d.films = append(w.d.films, ListFilm{Title: textOf(n), URL: href})
			}
		}
	}

	blockLevel := isBlock(n.DataAtom)
	if blockLevel {
		w.flush()
	}
	list := n.DataAtom == atom.Ul || n.DataAtom == atom.Ol
	if list {
		w.lists++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if blockLevel {
		w.flush()
	}
	if list {
		w.lists--
	}
}

// flush ends the paragraph being built. A <br> keeps a line break inside it;
// two in a row (an empty line) start a new paragraph.
func (w *walker) flush() {
	raw := w.cur.String()
	w.cur.Reset()
	var lines []string
	emit := func() {
		if len(lines) > 0 {
			w.blocks = append(w.blocks, block{text: strings.Join(lines, "\n"), inList: w.lists > 0})
			lines = nil
		}
	}
	for _, line := range strings.Split(raw, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			emit()
			continue
		}
		lines = append(lines, line)
	}
	emit()
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Blockquote, atom.Li, atom.Ul, atom.Ol, atom.Pre,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Table, atom.Tr, atom.Section, atom.Article, atom.Figure, atom.Figcaption, atom.Hr:
		return true
	}
	return false
}

// posterSrc returns the image's address unless it is not one a reader could
// show: no http(s) address, or a tracking pixel, which declares itself 0 or 1
// pixel wide or high.
func posterSrc(n *html.Node) string {
	src := strings.TrimSpace(attr(n, "src"))
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	for _, dim := range []string{"width", "height"} {
		if v := strings.TrimSpace(attr(n, dim)); v == "0" || v == "1" || v == "1px" || v == "0px" {
			return ""
		}
	}
	return src
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// collapseSpace turns each run of HTML white space into one space, as a
// browser renders it; only <br> makes a line break.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// cleanText decodes character references left in a field after XML decoding
// (some feeds escape twice, "The President&#039;s Cake") and trims it.
func cleanText(s string) string {
	return strings.TrimSpace(stdhtml.UnescapeString(s))
}
