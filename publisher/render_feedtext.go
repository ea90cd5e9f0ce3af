package publisher

import (
	"strings"
	"unicode/utf8"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// A feed's text is not the operator's: whatever it says is posted under
// the operator's account. Two things in it are neutralised before a
// template sees it (the template's own words are the operator's and stay as
// written).
//
// "@name" becomes a live mention on X and Mastodon, which notifies a
// stranger (an "@elonmusk" in a verdict, a "@Gargron@mastodon.social" in a
// title). A U+2060 WORD JOINER after the '@' keeps the text reading the
// same, on one line, and no network links it: X's mention pattern
// (twitter-text Regex.java VALID_MENTION_OR_LIST: [@＠]+ then
// [a-z0-9_]{1,20}) and Mastodon's (Account::MENTION_RE: '@' then
// [a-z0-9_]+, case-insensitive) both need a name character right after the
// at sign. The joiner is counted like any character (1 on Mastodon and
// Bluesky, 2 on X), so posts stay within their limits. Bluesky links a
// mention only by a facet, which reelpost does not make; the text is the
// same there all the same. POST_MENTIONS=true (Renderer.PostMentions)
// keeps the feed's mentions live.
//
// Bidirectional embedding, override and isolate controls (U+202A–U+202E,
// U+2066–U+2069) can make a post read other than it is, or run its
// direction into the operator's words: they are removed.

// wordJoiner follows the '@' of a would-be mention in the feed's text.
const wordJoiner = '\u2060'

// mentionPolicy says what becomes of "@name" in the feed's text.
type mentionPolicy uint8

const (
	neutraliseMentions mentionPolicy = iota
	keepMentions
)

// feedText makes a single-line field of the feed fit for a post: oneLine,
// no bidirectional controls, and mentions neutralised unless m keeps them.
func feedText(s string, m mentionPolicy) string {
	s = oneLine(stripBidi(s))
	if m == neutraliseMentions {
		s = neutralise(s)
	}
	return s
}

func feedList(in []string, m mentionPolicy) []string {
	var out []string
	for _, s := range in {
		if s = feedText(s, m); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// stripBidi removes bidirectional embedding, override and isolate controls.
func stripBidi(s string) string {
	if !strings.ContainsFunc(s, isBidiControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// neutralise puts a word joiner after every at sign that would start a
// mention on X or Mastodon: one followed by a name character and not
// following one (an e-mail address is no mention on either network, and is
// left as it is), outside the URLs of s (a URL such as
// https://mastodon.social/@Gargron is a link, not a mention, and must stay
// whole).
func neutralise(s string) string {
	if !strings.ContainsAny(s, "@＠") {
		return s
	}
	urls := textlen.URLSpans(s)
	var b strings.Builder
	b.Grow(len(s) + 3)
	for i, r := range s {
		b.WriteRune(r)
		if r != '@' && r != '＠' {
			continue
		}
		for len(urls) > 0 && urls[0].End <= i {
			urls = urls[1:]
		}
		if len(urls) > 0 && urls[0].Start <= i {
			continue
		}
		next := i + utf8.RuneLen(r)
		if next < len(s) && isNameByte(s[next]) && (i == 0 || !isNameByte(s[i-1]) || afterRT(s[:i])) {
			b.WriteRune(wordJoiner)
		}
	}
	return b.String()
}

// afterRT reports whether before ends in an old-style retweet marker, "RT"
// or "RT:" at the start or after a character other than [a-z0-9_+~.-]:
// twitter-text takes "RT@name" for a mention.
func afterRT(before string) bool {
	before = strings.TrimSuffix(before, ":")
	if len(before) < 2 || !strings.EqualFold(before[len(before)-2:], "rt") {
		return false
	}
	before = before[:len(before)-2]
	return before == "" || !(isNameByte(before[len(before)-1]) || strings.IndexByte("+~.-", before[len(before)-1]) >= 0)
}

// isNameByte reports an ASCII letter, digit or underscore: what a user name
// is made of on X and Mastodon.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
