package publisher

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// maxTagRunes keeps generated hashtags readable: a longer title makes no tag.
const maxTagRunes = 30

// makeHashtag turns a title or genre into a hashtag body (without '#'):
// words in CamelCase, letters, marks and digits only ("Science Fiction" ->
// "ScienceFiction", "Schindler's List" -> "SchindlersList"). It returns ""
// when nothing usable is left: no letter at all ("1917"), or longer than 30
// characters.
func makeHashtag(s string) string {
	var b strings.Builder
	upperNext := true
	hasLetter := false
	runes := 0 // in b
	for _, r := range s {
		if runes > maxTagRunes {
			return "" // too long already: a long title makes no tag
		}
		switch {
		case r == '\'' || r == '’' || r == 'ʼ':
			// An apostrophe joins its word: "Schindler's" stays one word.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if upperNext {
				r = unicode.ToUpper(r)
			}
			upperNext = false
			hasLetter = hasLetter || unicode.IsLetter(r)
			b.WriteRune(r)
			runes++
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if b.Len() > 0 {
				b.WriteRune(r)
				runes++
			}
		default:
			upperNext = true
		}
	}
	tag := b.String()
	if !hasLetter || utf8.RuneCountInString(tag) > maxTagRunes {
		return ""
	}
	return tag
}

// makeHashtags builds the tags of a review: the title's, then each genre's,
// without duplicates (compared case-insensitively).
func makeHashtags(title string, genres []string) []string {
	var tags []string
	seen := map[string]bool{}
	for _, s := range append([]string{title}, genres...) {
		tag := makeHashtag(s)
		key := strings.ToLower(tag)
		if tag == "" || seen[key] {
			continue
		}
		seen[key] = true
		tags = append(tags, tag)
	}
	return tags
}

// HashtagSpans returns the byte spans of the hashtags in text, '#' included,
// outside the given URL spans: a '#' at the start or after a character that
// is not a letter, digit, '&' or '_', then letters, marks, digits and '_'
// with at least one letter. It finds what X, Mastodon and Bluesky all take
// for a hashtag, so a Bluesky tag facet can be built from each span.
func HashtagSpans(text string, urls []textlen.Span) []textlen.Span {
	if strings.IndexByte(text, '#') < 0 {
		return nil
	}
	var out []textlen.Span
	for i := 0; i < len(text); i++ {
		if text[i] != '#' || inSpans(i, urls) {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if isTagRune(prev) || prev == '&' {
				continue
			}
		}
		end, letter := i+1, false
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if !isTagRune(r) {
				break
			}
			letter = letter || unicode.IsLetter(r)
			end += size
		}
		if !letter || end-i-1 > 640 {
			continue
		}
		// "#tag#more" and "#tag://" are not hashtags (twitter-text
		// INVALID_HASHTAG_MATCH_END).
		if end < len(text) && (text[end] == '#' || strings.HasPrefix(text[end:], "://")) {
			i = end - 1
			continue
		}
		out = append(out, textlen.Span{Start: i, End: end})
		i = end - 1
	}
	return out
}

func isTagRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '_'
}

func inSpans(i int, spans []textlen.Span) bool {
	for _, s := range spans {
		if i >= s.Start && i < s.End {
			return true
		}
	}
	return false
}
