package mastodonfake

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// The fake measures a status on its own, never with the publisher's counter
// (a fake that judged with the code it judges would pass every miscount),
// and the way Mastodon's StatusLengthValidator does: it rewrites the text,
// every URL with a scheme to characters_reserved_per_url characters and
// every mention @user@domain to @user, then counts the grapheme clusters of
// the result
// (https://github.com/mastodon/mastodon/blob/main/app/validators/status_length_validator.rb:
// countable_text, then each_grapheme_cluster.size, which older versions
// wrote mb_chars.grapheme_length).

// mentionRE is Mastodon's Account::MENTION_RE without its look-behind
// (?<![=/[:word:]]), which Go's regexp lacks and mentionAt checks instead:
// USERNAME_RE, then an optional @domain.
var mentionRE = regexp.MustCompile(`^@((?i:[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?))(?:@[\p{L}\p{M}\p{N}\p{Pc}.-]+[\p{L}\p{M}\p{N}\p{Pc}]+)?`)

// mastodonLength is what Mastodon counts of text with URLs at urlLength.
func mastodonLength(text string, urlLength int) int {
	var b strings.Builder
	for i := 0; i < len(text); {
		if end, ok := linkAt(text, i); ok {
			b.WriteString(strings.Repeat("x", urlLength))
			i = end
			continue
		}
		if user, end, ok := mentionAt(text, i); ok {
			b.WriteString("@" + user)
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		b.WriteString(text[i : i+size])
		i += size
	}
	return uniseg.GraphemeClusterCount(b.String())
}

// isWord is Ruby's [[:word:]]: a letter, a mark, a number or a connector
// such as '_'.
func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r)
}

// mentionAt reports a mention starting at byte i of text: the username it
// counts as, and where it ends.
func mentionAt(text string, i int) (user string, end int, ok bool) {
	if text[i] != '@' {
		return "", 0, false
	}
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if prev == '=' || prev == '/' || isWord(prev) {
			return "", 0, false
		}
	}
	m := mentionRE.FindStringSubmatchIndex(text[i:])
	if m == nil {
		return "", 0, false
	}
	return text[i+m[2] : i+m[3]], i + m[1], true
}

// linkAt reports a URL with an http or https scheme starting at byte i of
// text (Mastodon gives the reservation only to URLs with a scheme:
// extract_url_without_protocol: false), and where it ends: at white space,
// less the punctuation that closes a sentence and any closing bracket
// without its opening one. A URL right after a letter or digit is none.
func linkAt(text string, i int) (int, bool) {
	rest := text[i:]
	n := 0
	for _, s := range []string{"https://", "http://"} {
		if len(rest) > len(s) && strings.EqualFold(rest[:len(s)], s) {
			n = len(s)
		}
	}
	if n == 0 {
		return 0, false
	}
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '@' || prev == '$' || prev == '#' {
			return 0, false
		}
	}
	// The host: at least one character that is not punctuation.
	if r, _ := utf8.DecodeRuneInString(rest[n:]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return 0, false
	}
	end := n
	for end < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[end:])
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune("<>\"", r) {
			break
		}
		end += size
	}
	for end > n {
		r, size := utf8.DecodeLastRuneInString(rest[:end])
		switch {
		case strings.ContainsRune(".,;:!?'", r):
		case r == ')' && strings.Count(rest[:end], "(") < strings.Count(rest[:end], ")"):
		default:
			return i + end, true
		}
		end -= size
	}
	return 0, false
}
