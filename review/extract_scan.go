package review

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// scanHTML is a hand-written HTML tokenizer for item bodies. It is here for
// speed: golang.org/x/net/html's Tokenizer reads through an io.Reader a byte
// at a time, allocates a 4 KiB buffer and a map per body and copies every
// attribute key, and that was over a third of the extraction's time on the
// benchmark feed (BenchmarkParseExtract). This one slices the body string
// itself: text and attribute values without entities are not copied at all.
//
// It follows the Tokenizer's rules (token.go of x/net v0.62.0, cited by
// function name below) exactly, so that the walker sees the same tokens
// whichever produced them: FuzzScanHTML checks that the two agree. Where
// the rules get long it does not try: a body with a NUL byte, a <script> or
// <plaintext> element, or an attribute value whose character references
// the Tokenizer would read differently in an attribute than in text is left
// to the Tokenizer: scanHTML returns false, and parseBody throws away what
// the walker found so far and walks the whole body again with the Tokenizer
// (35 of the 2,440 bodies of the real-feed corpus).
func (w *bodyWalker) scanHTML(s string) bool {
	if strings.IndexByte(s, 0) >= 0 {
		return false // the Tokenizer replaces NUL in some tokens but not others
	}
	if strings.IndexByte(s, '\r') >= 0 {
		// The Tokenizer turns \r\n and \r into \n in every token's text
		// (convertNewlines), and treats all three alike as white space in
		// tags, so converting the whole body first is the same.
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	i := 0
	for i < len(s) {
		// Text runs to the next '<' that starts a tag, an end tag, a
		// comment or a declaration (Tokenizer.Next); any other '<' is text.
		j := i
		for {
			k := strings.IndexByte(s[j:], '<')
			if k < 0 || j+k+1 >= len(s) {
				j = len(s)
				break
			}
			j += k
			if c := s[j+1]; isASCIILetter(c) || c == '/' || c == '!' || c == '?' {
				break
			}
			j++
		}
		if j > i {
			w.textToken(unescapeText(s[i:j]))
			i = j
			if i == len(s) {
				break
			}
		}
		// s[i] is '<' and s[i+1] exists.
		switch c := s[i+1]; {
		case isASCIILetter(c):
			next, raw, ok := w.scanStartTag(s, i+1)
			switch {
			case !ok:
				return false
			case next < 0: // the input ended inside the tag: an ErrorToken
				w.flush()
				return true
			}
			i = next
			if raw != "" {
				i = w.scanRawText(s, i, raw)
			}
		case c == '/':
			if i+2 >= len(s) {
				w.textToken("</") // Next: "</" at the end is text
				i = len(s)
				break
			}
			switch c2 := s[i+2]; {
			case c2 == '>': // "</>" is an empty comment
				w.comment("")
				i += 3
			case isASCIILetter(c2):
				nameEnd, next := scanTag(s, i+2, nil)
				if next < 0 {
					w.flush()
					return true
				}
				w.endTag(w.lowerName(s[i+2 : nameEnd]))
				i = next
			default: // a bogus comment, up to '>' (readUntilCloseAngle)
				i = w.bogusComment(s, i+2)
			}
		case c == '!':
			i = w.scanMarkupDeclaration(s, i+2)
		default: // '?': a processing instruction, read as a bogus comment
			i = w.bogusComment(s, i+1)
		}
	}
	w.flush()
	return true
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// unescapeText decodes character references in text as the Tokenizer does
// (its unescape(b, false) is what html.UnescapeString runs).
func unescapeText(s string) string {
	for i := strings.IndexByte(s, '&'); i >= 0; {
		// A '&' that no letter, digit or '#' follows is a '&' (unescapeEntity):
		// copy s only when there is a reference to decode.
		if i+1 < len(s) {
			if c := s[i+1]; isASCIILetter(c) || '0' <= c && c <= '9' || c == '#' {
				return html.UnescapeString(s)
			}
		}
		k := strings.IndexByte(s[i+1:], '&')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return s
}

// lowerName lower-cases an ASCII tag name into the walker's buffer
// (TagName's lower): valid until the next call.
func (w *bodyWalker) lowerName(name string) []byte {
	w.name = w.name[:0]
	for i := 0; i < len(name); i++ {
		w.name = append(w.name, lowerASCII(name[i]))
	}
	return w.name
}

// rawTextElements are the elements whose content the Tokenizer reads as
// raw text up to their end tag (readStartTag); the value tells whether
// character references are decoded in it (RCDATA).
var rawTextElements = map[string]bool{
	"iframe": false, "noembed": false, "noframes": false, "noscript": false, "style": false, "xmp": false,
	"textarea": true, "title": true,
}

// scanStartTag reads the start tag whose name begins at s[p] and hands it to
// the walker. It returns where the next token starts (-1: the input ended
// inside the tag) and, for an element read as raw text, its name. ok is
// false when the body must go to the Tokenizer.
func (w *bodyWalker) scanStartTag(s string, p int) (next int, raw string, ok bool) {
	w.attrs = w.attrs[:0]
	nameEnd, next := scanTag(s, p, w)
	if next == -2 {
		return 0, "", false
	}
	if next < 0 {
		return -1, "", true
	}
	name := w.lowerName(s[p:nameEnd])
	switch string(name) {
	case "script", "plaintext": // script data's escaping rules are left to the Tokenizer
		return 0, "", false
	}
	a := atom.Lookup(name)
	tag := a.String()
	if a == 0 {
		tag = string(name)
	}
	if _, ok := rawTextElements[tag]; ok {
		raw = tag
	}
	w.startTag(a, tag)
	return next, raw, true
}

// scanTag reads a tag's name and attributes (Tokenizer.readTag) from s[p],
// the name's first letter. When w is not nil (a start tag) the wanted
// attributes go to w.attrs, the first of a name winning as in readTag. It
// returns where the name ends and where the next token starts: -1 when
// the input ends inside the tag, -2 when an attribute value has character
// references only the Tokenizer reads right.
func scanTag(s string, p int, w *bodyWalker) (nameEnd, next int) {
	// readTagName
	i := p + 1
	for {
		if i >= len(s) {
			return i, -1
		}
		c := s[i]
		if isHTMLSpace(c) {
			nameEnd = i
			i++
			break
		}
		if c == '/' || c == '>' {
			nameEnd = i
			break
		}
		i++
	}
	i = skipHTMLSpace(s, i)
	for {
		if i >= len(s) {
			return nameEnd, -1
		}
		if s[i] == '>' {
			return nameEnd, i + 1
		}
		// readTagAttrKey
		ks := i
		for {
			if i >= len(s) {
				return nameEnd, -1
			}
			c := s[i]
			i++
			if c == '=' && i == ks+1 {
				continue // an '=' first is part of the name
			}
			if c == '=' || c == '/' || c == '>' || isHTMLSpace(c) {
				i--
				break
			}
		}
		ke := i
		// readTagAttrVal
		vs, ve := i, i
		if i = skipHTMLSpace(s, i); i >= len(s) {
			return nameEnd, -1
		}
		switch c := s[i]; c {
		case '/':
			i++
		case '=':
			i++
			if i = skipHTMLSpace(s, i); i >= len(s) {
				return nameEnd, -1
			}
			switch q := s[i]; q {
			case '>':
			case '\'', '"':
				k := strings.IndexByte(s[i+1:], q)
				if k < 0 {
					return nameEnd, -1
				}
				vs, ve = i+1, i+1+k
				i = ve + 1
			default:
				vs = i
				i++
				for {
					if i >= len(s) {
						return nameEnd, -1
					}
					c := s[i]
					if isHTMLSpace(c) {
						ve = i
						i++
						break
					}
					if c == '>' {
						ve = i
						break
					}
					i++
				}
			}
		}
		if w != nil && ke > ks {
			if !w.keepAttr(s[ks:ke], s[vs:ve]) {
				return nameEnd, -2
			}
		}
		if i = skipHTMLSpace(s, i); i >= len(s) {
			return nameEnd, -1
		}
	}
}

// equalFoldASCII compares s with name (ASCII letters) ignoring ASCII case
// only, as the Tokenizer does.
func equalFoldASCII(s, name string) bool {
	if len(s) != len(name) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerASCII(s[i]) != lowerASCII(name[i]) {
			return false
		}
	}
	return true
}

func skipHTMLSpace(s string, i int) int {
	for i < len(s) && isHTMLSpace(s[i]) {
		i++
	}
	return i
}

// keepAttr adds a wanted attribute to w.attrs unless one of that name came
// first. It reports false for a value the Tokenizer would decode in a way
// unescapeText does not.
func (w *bodyWalker) keepAttr(key, val string) bool {
	key, ok := wantedAttrs[string(w.lowerName(key))]
	if !ok {
		return true
	}
	for _, a := range w.attrs {
		if a.Key == key {
			return true
		}
	}
	if strings.IndexByte(val, '&') >= 0 {
		if !attrRefsAsInText(val) {
			return false
		}
		val = html.UnescapeString(val)
	}
	w.attrs = append(w.attrs, html.Attribute{Key: key, Val: val})
	return true
}

// attrRefsAsInText reports whether every '&' of an attribute value is read
// the same in an attribute as in text. The Tokenizer reads references in
// attributes more strictly (no "&copy" without ';' before '=', no longest
// prefix match as in "&notify"): the two agree on numeric references, on
// a '&' that no letter or digit follows, on the named references below
// with their ';', and on a name that text leaves alone (so that an
// attribute does too), such as the "&b" of a raw "?a=1&b=2".
func attrRefsAsInText(val string) bool {
	for i := strings.IndexByte(val, '&'); i >= 0; {
		rest := val[i+1:]
		switch {
		case rest == "" || rest[0] == '#' || !isASCIILetter(rest[0]) && (rest[0] < '0' || rest[0] > '9'):
		case strings.HasPrefix(rest, "amp;"), strings.HasPrefix(rest, "quot;"), strings.HasPrefix(rest, "lt;"),
			strings.HasPrefix(rest, "gt;"), strings.HasPrefix(rest, "apos;"), strings.HasPrefix(rest, "nbsp;"):
		default:
			// The name is the letters and digits and a ';' after them
			// (unescapeEntity); what text makes of it does not depend on
			// what follows.
			n := 0
			for n < len(rest) && (isASCIILetter(rest[n]) || '0' <= rest[n] && rest[n] <= '9') {
				n++
			}
			if n < len(rest) && rest[n] == ';' {
				n++
			}
			if ref := val[i : i+1+n]; html.UnescapeString(ref) != ref {
				return false
			}
		}
		k := strings.IndexByte(rest, '&')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return true
}

// scanRawText reads the content of a raw text element up to its end tag
// (readRawOrRCDATA): "</" and the name in any case, then white space, '/'
// or '>'. It returns where the end tag starts (the end of s without one).
func (w *bodyWalker) scanRawText(s string, i int, tag string) int {
	j := i
	end := len(s)
	for {
		k := strings.Index(s[j:], "</")
		if k < 0 {
			break
		}
		j += k + 2
		if len(s)-j > len(tag) && equalFoldASCII(s[j:j+len(tag)], tag) {
			if c := s[j+len(tag)]; isHTMLSpace(c) || c == '/' || c == '>' {
				end = j - 2
				break
			}
		}
	}
	if end > i {
		text := s[i:end]
		if rawTextElements[tag] {
			text = unescapeText(text)
		}
		w.textToken(text)
	}
	return end
}

// bogusComment reads a comment up to the next '>' or the end
// (readUntilCloseAngle) from s[i].
func (w *bodyWalker) bogusComment(s string, i int) int {
	k := strings.IndexByte(s[i:], '>')
	if k < 0 {
		w.comment(unescapeText(s[i:]))
		return len(s)
	}
	w.comment(unescapeText(s[i : i+k]))
	return i + k + 1
}

// scanMarkupDeclaration reads what follows "<!" at s[i]: a comment, a
// doctype (ignored) or a bogus comment (readMarkupDeclaration; CDATA
// sections are bogus comments outside foreign content).
func (w *bodyWalker) scanMarkupDeclaration(s string, i int) int {
	if strings.HasPrefix(s[i:], "--") {
		return w.scanComment(s, i+2)
	}
	if len(s)-i >= len("DOCTYPE") && equalFoldASCII(s[i:i+len("DOCTYPE")], "DOCTYPE") {
		if k := strings.IndexByte(s[i:], '>'); k >= 0 {
			return i + k + 1
		}
		return len(s)
	}
	return w.bogusComment(s, i)
}

// scanComment reads a comment's text from s[start], just after "<!--"
// (readComment): it ends at "-->" or "--!>", or at once at "<!-->" and
// "<!--->"; an unterminated comment runs to the end of the input, less a
// trailing "-", "--" or "--!" (calculateAbruptCommentDataEnd).
func (w *bodyWalker) scanComment(s string, start int) int {
	dashes, beginning := 0, true
	end := -1
	i := start
	for end < 0 {
		if i >= len(s) {
			end = len(s)
			switch rest := s[start:]; {
			case strings.HasSuffix(rest, "--!"):
				end -= 3
			case strings.HasSuffix(rest, "--"):
				end -= 2
			case strings.HasSuffix(rest, "-"):
				end--
			}
			break
		}
		c := s[i]
		i++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				end = i - len("-->")
				continue
			}
		case '!':
			if dashes >= 2 {
				if i >= len(s) {
					continue // the end of input, above
				}
				c = s[i]
				i++
				if c == '>' {
					end = i - len("--!>")
					continue
				} else if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	if end < start {
		end = start
	}
	w.comment(unescapeText(s[start:end]))
	return i
}
