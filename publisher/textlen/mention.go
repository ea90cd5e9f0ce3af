package textlen

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// mentionSpans finds Mastodon mentions (@user or @user@domain) as its
// Account::MENTION_RE does: an @ not preceded by '=', '/' or a word
// character, a username of [a-z0-9_] parts joined by '.' or '-', then
// optionally '@' and a domain of word characters joined by '.' or '-'.
// Hand-written because RE2 has no look-behind.
func mentionSpans(text string) []Span {
	if strings.IndexByte(text, '@') < 0 {
		return nil
	}
	var out []Span
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if prev == '=' || prev == '/' || isWordRune(prev) {
				continue
			}
		}
		end := joinedRun(text, i+1, func(r rune) bool { return r < utf8.RuneSelf && (isASCIIAlnum(r) || r == '_') })
		if end == i+1 {
			continue
		}
		if end < len(text) && text[end] == '@' {
			if d := joinedRun(text, end+1, isWordRune); d > end+1 {
				end = d
			}
		}
		out = append(out, Span{Start: i, End: end})
		i = end - 1
	}
	return out
}

// joinedRun matches part([.-]+part)* from p, parts made of ok runes, and
// returns its end (p when nothing matches).
func joinedRun(text string, p int, ok func(rune) bool) int {
	part := func(q int) int {
		for q < len(text) {
			r, size := utf8.DecodeRuneInString(text[q:])
			if !ok(r) {
				break
			}
			q += size
		}
		return q
	}
	end := part(p)
	if end == p {
		return p
	}
	for {
		q := end
		for q < len(text) && (text[q] == '.' || text[q] == '-') {
			q++
		}
		if q == end {
			return end
		}
		e := part(q)
		if e == q {
			return end
		}
		end = e
	}
}

// mentionCount is what Mastodon counts for a mention: "@" and the username,
// without the domain.
func mentionCount(m string) int {
	if at := strings.IndexByte(m[1:], '@'); at >= 0 {
		m = m[:at+1]
	}
	return utf8.RuneCountInString(m)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Pc, r) ||
		unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Mc, r)
}
