package textlen

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// The URL recogniser is hand-written because twitter-text's pattern
// (Regex.java VALID_URL) relies on look-behind, look-ahead, atomic groups and
// possessive quantifiers that Go's RE2 does not have, and no maintained Go
// port of twitter-text exists. It walks the text the way the Java matcher
// does: a valid preceding character, an optional scheme, a domain ending in a
// known TLD, an optional port, path and query, then twitter-text's host
// checks (IDNA, 63-byte labels, 4096-character URLs).

const (
	maxURLLength    = 4096 // Extractor.MAX_URL_LENGTH
	maxTCOSlug      = 40   // Extractor.MAX_TCO_SLUG_LENGTH
	protocolLength  = len("https://")
	maxLabelLength  = 63
	maxTLDByteCount = 64
)

// flavour selects whose rules a scan follows.
type flavour struct {
	// needScheme skips URLs written without a scheme (Mastodon counts only
	// those with one).
	needScheme bool
	// mastodon uses Mastodon's wider path characters (any non-space except
	// a few) and its extra schemes.
	mastodon bool
}

var (
	xFlavour        = flavour{}
	mastodonFlavour = flavour{needScheme: true, mastodon: true}
)

// tlds maps every known TLD (lower case) to true; built once from tlds.go.
var tlds = func() map[string]bool {
	m := make(map[string]bool, 1600)
	for _, list := range []string{countryTLDs, genericTLDs} {
		for _, t := range strings.Fields(list) {
			m[t] = true
		}
	}
	return m
}()

// URLSpans returns the byte spans of the URLs twitter-text recognises in
// text, with or without a scheme, in order. Offsets refer to text as given;
// X normalises to NFC before it calls this, and so should a caller that
// wants X's view of a text that may not be NFC.
func URLSpans(text string) []Span { return scanURLs(text, xFlavour) }

// HTTPURLSpans returns the spans of the URLs with an http or https scheme
// that twitter-text recognises: what the renderer lists as a post's links.
func HTTPURLSpans(text string) []Span {
	var out []Span
	for _, s := range scanURLs(text, xFlavour) {
		if hasSchemeFold(text[s.Start:s.End], "http://") || hasSchemeFold(text[s.Start:s.End], "https://") {
			out = append(out, s)
		}
	}
	return out
}

func scanURLs(text string, f flavour) []Span {
	if strings.IndexByte(text, '.') < 0 {
		return nil
	}
	var out []Span
	searchFrom := 0 // where the Java matcher's next find() starts
	// Every URL, even one the pattern matches only to reject, has a '.' in
	// its domain, and neither a scheme nor a domain holds ASCII white space:
	// no URL starts where the next such space comes before the next '.'.
	// dot and space are the next of each at or after i (len(text) if none).
	dot, space := -1, -1
	for i := 0; i < len(text); {
		if dot < i {
			if dot = strings.IndexByte(text[i:], '.'); dot < 0 {
				break
			}
			dot += i
		}
		if space < i {
			space = nextASCIISpace(text, i)
		}
		if space < dot {
			i = space + 1
			continue
		}
		// Fast path: a URL starts with a letter or digit, never right after
		// one.
		if c := text[i]; c < utf8.RuneSelf && (!isASCIIAlnum(rune(c)) || (i > 0 && isASCIIAlnum(rune(text[i-1])))) {
			i++
			continue
		}
		if precedingOK(text, i, searchFrom) {
			if end, valid, matched := matchURL(text, i, f); matched {
				if valid {
					out = append(out, Span{Start: i, End: end})
				}
				searchFrom = end
				i = end
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return out
}

// nextASCIISpace returns the offset of the first ASCII white space
// character in text at or after from, or len(text).
func nextASCIISpace(text string, from int) int {
	for i := from; i < len(text); i++ {
		switch text[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return i
		}
	}
	return len(text)
}

// precedingOK reports whether a URL may start at i: at the start of the text,
// or after a character that is not a letter, digit, @, $ or # (twitter-text
// URL_VALID_PRECEDING_CHARS). That character belongs to the match, so it must
// lie at or after searchFrom.
func precedingOK(text string, i, searchFrom int) bool {
	if i == 0 {
		return true
	}
	r, size := utf8.DecodeLastRuneInString(text[:i])
	if i-size < searchFrom {
		return false
	}
	switch {
	case isASCIIAlnum(r):
		return false
	case r == '@', r == '＠', r == '$', r == '#', r == '＃', r == 0xFFFE, r == 0xFEFF, r == 0xFFFF:
		return false
	}
	return true
}

var mastodonSchemes = []string{"https://", "http://", "dat://", "dweb://", "ipfs://", "ipns://", "ssb://", "gopher://", "gemini://"}

// matchURL matches a URL starting at i. matched says the pattern matched (the
// scan then resumes at end); valid says it is a URL the network counts.
func matchURL(text string, i int, f flavour) (end int, valid, matched bool) {
	scheme := 0
	// Every scheme is a few letters and "://": look no further without one.
	colon := strings.IndexByte(text[i:min(len(text), i+10)], ':')
	switch {
	case colon < 0:
	case f.mastodon:
		for _, s := range mastodonSchemes {
			if hasSchemeFold(text[i:], s) {
				scheme = len(s)
				break
			}
		}
	case hasSchemeFold(text[i:], "https://"):
		scheme = len("https://")
	case hasSchemeFold(text[i:], "http://"):
		scheme = len("http://")
	}
	domStart := i + scheme
	domEnd, ok := matchDomain(text, domStart, scheme > 0)
	if !ok && scheme > 0 {
		// The optional scheme group gives up, as the regex backtracks.
		scheme, domStart = 0, i
		domEnd, ok = matchDomain(text, i, false)
	}
	if !ok {
		return 0, false, false
	}
	host := text[domStart:domEnd]
	end = domEnd
	// Port.
	if end+1 < len(text) && text[end] == ':' && isDigit(text[end+1]) {
		end++
		for end < len(text) && isDigit(text[end]) {
			end++
		}
	}
	// t.co links take no path beyond the slug (Extractor VALID_TCO_URL).
	if scheme > 0 && strings.EqualFold(host, "t.co") && end == domEnd && end < len(text) && text[end] == '/' {
		s := end + 1
		for s < len(text) && isASCIIAlnum(rune(text[s])) {
			s++
		}
		if s > end+1 {
			matchEnd := matchQuery(text, matchPath(text, end, f), f)
			if s-(end+1) > maxTCOSlug {
				return matchEnd, false, true
			}
			tcoEnd := s
			if tcoEnd < len(text) && text[tcoEnd] == '?' {
				tcoEnd = matchQuery(text, tcoEnd, f)
			}
			return tcoEnd, validHost(text[i:tcoEnd], scheme > 0, host), true
		}
	}
	if end < len(text) && text[end] == '/' {
		end = matchPath(text, end, f)
	}
	if end < len(text) && text[end] == '?' {
		end = matchQuery(text, end, f)
	}
	if scheme == 0 {
		if f.needScheme {
			return end, false, true
		}
		// INVALID_URL_WITHOUT_PROTOCOL_MATCH_BEGIN: no scheme-less URL right
		// after - _ . or /.
		if i > 0 && strings.IndexByte("-_./", text[i-1]) >= 0 {
			return end, false, true
		}
	}
	return end, validHost(text[i:end], scheme > 0, host), true
}

// validHost is Extractor.isValidHostAndLength: the host must survive IDNA
// (labels of at most 63 bytes once punycoded) and the URL, with its host
// punycoded and a scheme assumed, must not exceed 4096 characters.
func validHost(url string, hasScheme bool, host string) bool {
	ascii, err := idna.Punycode.ToASCII(asciiLower(host))
	if err != nil || ascii == "" {
		return false
	}
	for rest := ascii; ; {
		label, more, found := strings.Cut(rest, ".")
		if label == "" || len(label) > maxLabelLength {
			return false
		}
		if !found {
			break
		}
		rest = more
	}
	n := utf16Len(url) + len(ascii) - utf16Len(host)
	if !hasScheme {
		n += protocolLength
	}
	return n <= maxURLLength
}

// matchDomain matches URL_VALID_DOMAIN at p and returns its end.
func matchDomain(text string, p int, hasScheme bool) (int, bool) {
	// Alternative 1: subdomains, a domain name and a TLD. The regex's greedy
	// subdomain repetition backs off one label at a time, so the longest
	// dotted run whose last label starts with a TLD wins.
	type label struct {
		start, end          int
		okSub, okDomainName bool
	}
	var buf [8]label // most domains have few labels: no allocation
	labels := buf[:0]
	q := p
	// No valid URL is longer than maxURLLength; stopping there keeps a long
	// run of dotted letters from costing quadratic time.
	limit := min(len(text), p+maxURLLength+1)
	for {
		s := q
		for q < limit {
			if c := text[q]; c < utf8.RuneSelf {
				if !isASCIIAlnum(rune(c)) && c != '-' && c != '_' {
					break
				}
				q++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[q:])
			if !isURLChar(r) {
				break
			}
			q += size
		}
		if q == s || q >= limit || text[q] != '.' {
			break
		}
		first, _ := utf8.DecodeRuneInString(text[s:q])
		last, _ := utf8.DecodeLastRuneInString(text[s:q])
		edgesOK := isURLChar(first) && isURLChar(last)
		labels = append(labels, label{start: s, end: q, okSub: edgesOK,
			okDomainName: edgesOK && !strings.Contains(text[s:q], "_")})
		q++
	}
	valid := 0 // labels[:valid] are all valid subdomains
	for valid < len(labels) && labels[valid].okSub {
		valid++
	}
	for k := min(len(labels)-1, valid); k >= 0; k-- {
		if !labels[k].okDomainName {
			continue
		}
		if end, ok := matchTLD(text, labels[k].end+1, true); ok {
			return end, true
		}
	}
	if !hasScheme {
		return 0, false
	}
	// Alternative 2: after a scheme, one label of any non-punctuation,
	// non-space characters (URL_VALID_UNICODE_DOMAIN_NAME) and a TLD.
	q = p
	for q < limit {
		r, size := utf8.DecodeRuneInString(text[q:])
		if !isUnicodeDomainChar(r) && r != '-' {
			break
		}
		q += size
	}
	if q == p || q >= len(text) || text[q] != '.' {
		return 0, false
	}
	first, _ := utf8.DecodeRuneInString(text[p:q])
	last, _ := utf8.DecodeLastRuneInString(text[p:q])
	if !isUnicodeDomainChar(first) || !isUnicodeDomainChar(last) {
		return 0, false
	}
	return matchTLD(text, q+1, false)
}

// matchTLD matches a known TLD at t that is not followed by a letter, digit,
// @, + or - (URL_VALID_GTLD / URL_VALID_CCTLD); with punycode, also
// "xn--" and what follows (URL_PUNYCODE).
func matchTLD(text string, t int, punycode bool) (int, bool) {
	if punycode && len(text)-t > 4 && strings.EqualFold(text[t:t+4], "xn--") {
		q := t + 4
		for q < len(text) && (isASCIIAlnum(rune(text[q])) || text[q] == '-') {
			q++
		}
		if q > t+4 {
			return q, true
		}
	}
	if t >= len(text) {
		return -1, false
	}
	if text[t] < utf8.RuneSelf {
		// An ASCII TLD is all letters and digits, and the look-ahead forbids
		// a letter or digit after it: it must be the whole alphanumeric run.
		q := t
		for q < len(text) && q-t <= maxTLDByteCount && isASCIIAlnum(rune(text[q])) {
			q++
		}
		if q == t || q-t > maxTLDByteCount || (q < len(text) && strings.IndexByte("@+-", text[q]) >= 0) {
			return -1, false
		}
		var buf [maxTLDByteCount]byte
		for i := t; i < q; i++ {
			c := text[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i-t] = c
		}
		return q, tlds[string(buf[:q-t])]
	}
	best := -1
	for q := t; q < len(text) && q-t <= maxTLDByteCount; {
		_, size := utf8.DecodeRuneInString(text[q:])
		q += size
		if q < len(text) {
			next, _ := utf8.DecodeRuneInString(text[q:])
			if isASCIIAlnum(next) || next == '@' || next == '+' || next == '-' {
				continue
			}
		}
		if tlds[asciiLower(text[t:q])] {
			best = q
		}
	}
	return best, best >= 0
}

// matchPath matches "/" and URL_VALID_PATH at p and returns its end: the
// longest run of path characters and balanced parentheses that ends with a
// valid ending character.
func matchPath(text string, p int, f flavour) int {
	general, ending := twitterPathChar, twitterPathEnd
	if f.mastodon {
		general, ending = mastodonPathChar, mastodonPathEnd
	}
	q := p + 1
	last := q
	for q < len(text) {
		if c := text[q]; c < utf8.RuneSelf && c != '(' && !f.mastodon {
			// Most of a path is ASCII: look it up instead of decoding.
			if !twitterPathASCII[c] {
				break
			}
			q++
			if twitterPathEndASCII[c] {
				last = q
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[q:])
		if r == '(' {
			e, ok := balancedParens(text, q, general)
			if !ok {
				break
			}
			q, last = e, e
			continue
		}
		if !general(r) {
			break
		}
		q += size
		if ending(r) {
			last = q
		}
	}
	return last
}

// balancedParens matches URL_BALANCED_PARENS at q: "(x)" or "(x(y)z)".
func balancedParens(text string, q int, general func(rune) bool) (int, bool) {
	run := func(from int) int {
		for from < len(text) {
			r, size := utf8.DecodeRuneInString(text[from:])
			if !general(r) {
				break
			}
			from += size
		}
		return from
	}
	a := run(q + 1)
	if a < len(text) && text[a] == ')' && a > q+1 {
		return a + 1, true
	}
	if a < len(text) && text[a] == '(' {
		b := run(a + 1)
		if b > a+1 && b < len(text) && text[b] == ')' {
			c := run(b + 1)
			if c < len(text) && text[c] == ')' {
				return c + 1, true
			}
		}
	}
	return 0, false
}

// matchQuery matches "?" and a query at p, or returns p when none matches.
func matchQuery(text string, p int, _ flavour) int {
	q, last := p+1, p
	for q < len(text) && isQueryChar(text[q]) {
		if isQueryEnd(text[q]) {
			last = q + 1
		}
		q++
	}
	return last
}

func isQueryChar(c byte) bool {
	return isASCIIAlnum(rune(c)) || strings.IndexByte("!?*'();:&=+$/%#[]-_.,~|@", c) >= 0
}

func isQueryEnd(c byte) bool {
	return isASCIIAlnum(rune(c)) || strings.IndexByte("-_&=#/", c) >= 0
}

// twitterPathASCII and twitterPathEndASCII are twitterPathChar and
// twitterPathEnd for ASCII.
var twitterPathASCII, twitterPathEndASCII = func() (chars, ends [utf8.RuneSelf]bool) {
	for c := range rune(utf8.RuneSelf) {
		chars[c], ends[c] = twitterPathChar(c), twitterPathEnd(c)
	}
	return chars, ends
}()

func twitterPathChar(r rune) bool {
	return isASCIIAlnum(r) || (r < utf8.RuneSelf && strings.IndexByte("!*';:=+,.$/%#[]-_~|&@", byte(r)) >= 0) ||
		r == '\u2013' || isLatinAccent(r) || isCyrillic(r)
}

func twitterPathEnd(r rune) bool {
	return isASCIIAlnum(r) || (r < utf8.RuneSelf && strings.IndexByte("=_#/-+", byte(r)) >= 0) ||
		isLatinAccent(r) || isCyrillic(r)
}

func mastodonPathChar(r rune) bool {
	if r < utf8.RuneSelf {
		// The ASCII White_Space is \t, \n, \v, \f, \r and the space.
		return !(r >= '\t' && r <= '\r' || r == ' ') && strings.IndexByte("<>()?", byte(r)) < 0
	}
	return !unicode.Is(unicode.White_Space, r) && !strings.ContainsRune("<>()?", r)
}

func mastodonPathEnd(r rune) bool {
	return mastodonPathChar(r) && !strings.ContainsRune("!*\"'「」;:=,.$%[]~&|@", r)
}

// isURLChar is URL_VALID_CHARS: ASCII letters and digits and Latin accents.
func isURLChar(r rune) bool { return isASCIIAlnum(r) || isLatinAccent(r) }

func isLatinAccent(r rune) bool {
	switch {
	case r >= 0x00C0 && r <= 0x00D6, r >= 0x00D8 && r <= 0x00F6, r >= 0x00F8 && r <= 0x024F,
		r >= 0x0300 && r <= 0x036F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	switch r {
	case 0x0253, 0x0254, 0x0256, 0x0257, 0x0259, 0x025B, 0x0263, 0x0268, 0x026F, 0x0272, 0x0289, 0x028B, 0x02BB:
		return true
	}
	return false
}

func isCyrillic(r rune) bool { return r >= 0x0400 && r <= 0x04FF }

// isUnicodeDomainChar is URL_VALID_UNICODE_CHARS: not ASCII punctuation, not
// a space or separator, not in the General Punctuation block.
func isUnicodeDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return !strings.ContainsRune("-_!\"#$%&'()*+,./:;<=>?@[]^`{|}~ \t\n\v\f\r", r)
	}
	return !unicode.Is(unicode.Z, r) && (r < 0x2000 || r > 0x206F)
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hasSchemeFold(s, scheme string) bool {
	return len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme)
}

// asciiLower folds ASCII letters only, as Java's CASE_INSENSITIVE does
// without UNICODE_CASE.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// utf16Len counts UTF-16 code units, the unit of Java's String.length.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
