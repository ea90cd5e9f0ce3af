package feed

import (
	"bytes"
	"crypto/sha256"
	"slices"
)

// Print is the fingerprint of some bytes of a feed document: the first
// half of their SHA-256, which no feed can make collide by accident or on
// purpose.
type Print [16]byte

// Prints are the fingerprints of an XML feed document: one per item (an RSS
// item, an Atom entry) over the item's raw bytes, and one, Head, over
// everything around the items except the channel's own dates, with the
// Content-Type the document was served with.
//
// They let a poll recognise a document whose bytes changed while its items
// did not, before the document is parsed: WordPress writes a new
// lastBuildDate into every answer, and a feed server without validators
// sends the whole feed on every poll. Parsing 1,000 items with gofeed costs
// a good part of a second; scanning and hashing them, a few milliseconds.
type Prints struct {
	Head  Print
	Items []Print // sorted, duplicates kept
}

// Contains reports whether p is one of the item prints.
func (ps *Prints) Contains(p Print) bool {
	_, ok := slices.BinarySearchFunc(ps.Items, p, func(a, b Print) int { return bytes.Compare(a[:], b[:]) })
	return ok
}

// Covers reports whether ps holds every item of cur and the same Head: a
// document with prints cur says nothing that the document of ps did not,
// item for item (some of its items may be gone, or moved).
func (ps *Prints) Covers(cur *Prints) bool {
	if ps.Head != cur.Head {
		return false
	}
	for _, p := range cur.Items {
		if !ps.Contains(p) {
			return false
		}
	}
	return true
}

// headDates are the channel's (RSS) or feed's (Atom) own dates, which
// change without anything in the feed changing: they are left out of Head.
// Only a short, plain text value is left out (see ItemPrints).
var headDates = map[string]bool{"lastBuildDate": true, "pubDate": true, "updated": true, "date": true}

// headParents are the elements whose dates headDates are: RSS's channel,
// Atom's feed.
var headParents = map[string]bool{"channel": true, "feed": true}

// maxHeadDate bounds a date value left out of Head.
const maxHeadDate = 64

// ItemPrints scans body, an XML feed document as served with contentType,
// and returns its prints. ok is false when the document is not one the scan
// follows: not XML (a JSON Feed), not in an ASCII-compatible encoding
// (UTF-16), holding a DOCTYPE with an internal subset (its entities could
// change what the items say), or not well formed as far as the scan sees.
// The caller then parses the document as usual.
//
// The scan is not a parser, and need not be one to be safe: every byte of
// the document is in an item's print or in Head, except the text of a short
// date element of the channel, so any other change of the document changes
// a print. It only has to find the items' bounds as an XML parser does, so
// that an unchanged item keeps its print; FuzzItemPrints checks it against
// encoding/xml. Hand-written because a tokenizer is what costs: encoding/xml
// takes 60% of gofeed's time to tokenize a feed.
func ItemPrints(body []byte, contentType string) (ps Prints, ok bool) {
	var sc printScan
	if !sc.scan(body) {
		return Prints{}, false
	}
	head := sha256.New()
	head.Write([]byte(contentType))
	head.Write([]byte{0})
	pos, afterItem := 0, false
	ps.Items = make([]Print, 0, len(sc.items))
	for _, sp := range sc.spans {
		gap := body[pos:sp.start]
		// Items next to each other, whitespace aside, are one run and
		// leave one mark in Head: an item removed from between two others
		// must not change it.
		if !sp.item || !afterItem || len(bytes.TrimSpace(gap)) > 0 {
			head.Write(gap)
			if sp.item {
				head.Write([]byte{0}) // a run of items was here
			}
		}
		if sp.item {
			sum := sha256.Sum256(body[sp.start:sp.end])
			ps.Items = append(ps.Items, Print(sum[:16]))
		}
		afterItem = sp.item
		pos = sp.end
	}
	head.Write(body[pos:])
	copy(ps.Head[:], head.Sum(nil))
	slices.SortFunc(ps.Items, func(a, b Print) int { return bytes.Compare(a[:], b[:]) })
	return ps, true
}

// span is a part of the document left out of Head: an item (hashed on its
// own), or a date's text.
type span struct {
	start, end int
	item       bool
}

// printScan finds the items and the channel's dates of a document.
type printScan struct {
	stack [][]byte // names of the open elements
	spans []span   // in document order
	items []span
}

func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isItemName(local []byte) bool {
	return string(local) == "item" || string(local) == "entry"
}

// scan walks the markup of doc; it returns false on anything it does not
// follow (see ItemPrints).
func (sc *printScan) scan(doc []byte) bool {
	i := 0
	// A UTF-8 byte order mark and leading space are allowed; anything else
	// before the first '<' means this is not an XML document.
	rest := bytes.TrimPrefix(doc, []byte("\xEF\xBB\xBF"))
	rest = bytes.TrimLeft(rest, " \t\r\n")
	if len(rest) == 0 || rest[0] != '<' {
		return false
	}
	itemAt, itemDepth := -1, -1
	rootSeen := false
	for {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			break
		}
		lt := i + j
		if len(sc.stack) == 0 && rootSeen && len(bytes.TrimSpace(doc[i:lt])) > 0 {
			return false // text after the root element
		}
		rest := doc[lt:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return false
			}
			i = lt + 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if len(sc.stack) == 0 {
				return false
			}
			end := bytes.Index(rest[9:], []byte("]]>"))
			if end < 0 {
				return false
			}
			i = lt + 9 + end + 3
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest[2:], []byte("?>"))
			if end < 0 {
				return false
			}
			i = lt + 2 + end + 2
		case bytes.HasPrefix(rest, []byte("<!")):
			// A DOCTYPE: one with an internal subset may declare entities,
			// which the items could use.
			if len(sc.stack) > 0 || rootSeen {
				return false
			}
			end := bytes.IndexByte(rest, '>')
			if end < 0 || bytes.IndexByte(rest[:end], '[') >= 0 {
				return false
			}
			i = lt + end + 1
		case bytes.HasPrefix(rest, []byte("</")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 || len(sc.stack) == 0 {
				return false
			}
			name := bytes.TrimRight(rest[2:end], " \t\r\n")
			top := sc.stack[len(sc.stack)-1]
			if !bytes.Equal(name, top) {
				return false
			}
			sc.stack = sc.stack[:len(sc.stack)-1]
			i = lt + end + 1
			if itemDepth == len(sc.stack) {
				sc.addItem(itemAt, i)
				itemAt, itemDepth = -1, -1
			}
		default:
			nameEnd, tagEnd, selfClosing, ok := scanStartTag(rest)
			if !ok {
				return false
			}
			if len(sc.stack) == 0 && rootSeen {
				return false // a second root element
			}
			rootSeen = true
			name := rest[1:nameEnd]
			local := localName(name)
			i = lt + tagEnd
			if itemDepth < 0 && isItemName(local) {
				if selfClosing {
					sc.addItem(lt, i)
					continue
				}
				itemAt, itemDepth = lt, len(sc.stack)
			}
			if selfClosing {
				continue
			}
			if itemDepth < 0 && headDates[string(local)] && len(sc.stack) > 0 &&
				headParents[string(localName(sc.stack[len(sc.stack)-1]))] {
				// <lastBuildDate>text</lastBuildDate>: the text is left out
				// when short and plain (no markup, no entity).
				if n := bytes.IndexByte(doc[i:], '<'); n > 0 && n <= maxHeadDate &&
					bytes.IndexByte(doc[i:i+n], '&') < 0 &&
					bytes.HasPrefix(doc[i+n:], append(append([]byte("</"), name...), '>')) {
					sc.spans = append(sc.spans, span{start: i, end: i + n})
				}
			}
			sc.stack = append(sc.stack, name)
		}
	}
	if len(sc.stack) != 0 || !rootSeen || len(bytes.TrimSpace(doc[i:])) > 0 {
		return false
	}
	return true
}

func (sc *printScan) addItem(start, end int) {
	sp := span{start: start, end: end, item: true}
	sc.spans = append(sc.spans, sp)
	sc.items = append(sc.items, sp)
}

// scanStartTag reads the start tag at the beginning of s ("<name attr='v'
// ...>" or ".../>"): where its name ends, where the tag ends (after '>'),
// and whether it closes itself. Attribute values are quoted; a '>' inside
// one does not end the tag.
func scanStartTag(s []byte) (nameEnd, tagEnd int, selfClosing, ok bool) {
	n := 1
	for n < len(s) && !isXMLSpace(s[n]) && s[n] != '>' && s[n] != '/' {
		if s[n] == '<' || s[n] == '"' || s[n] == '\'' || s[n] == '=' {
			return 0, 0, false, false
		}
		n++
	}
	if n == 1 || n >= len(s) {
		return 0, 0, false, false
	}
	for k := n; k < len(s); k++ {
		switch s[k] {
		case '"', '\'':
			q := bytes.IndexByte(s[k+1:], s[k])
			if q < 0 {
				return 0, 0, false, false
			}
			k += q + 1
		case '<':
			return 0, 0, false, false
		case '>':
			return n, k + 1, s[k-1] == '/', true
		}
	}
	return 0, 0, false, false
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
