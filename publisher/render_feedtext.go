package publisher

import (
	"slices"
	"strings"
	"unicode"
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
// mention on X or Mastodon, and leaves the rest as it is (an e-mail address
// is no mention on either network).
//
// The two networks draw the line differently. X drops a mention that
// overlaps a URL it links, so an '@' inside one of X's URL spans
// (https://mastodon.social/@Gargron) is no mention there. Mastodon does
// not: ProcessMentionsService gsubs Account::MENTION_RE over the whole
// status text before any link is made, so "example.com/cast-@Gargron" or
// "https://example.com/a,@Gargron" notifies @Gargron, URL or not. An '@'
// Mastodon would take gets the joiner wherever it is; the URL around it
// then ends at the at sign, as it must: only the review's and the
// trailer's own links must stay whole, and those are not feed text (see
// mentionFreeURL).
func neutralise(s string) string {
	if !strings.ContainsAny(s, "@＠") {
		return s
	}
	// A joiner ends the URL X sees at its at sign, which may bring a later
	// at sign of that URL out into the text: again until nothing changes.
	// Each pass that changes s follows one more at sign with a joiner, and
	// an at sign followed by one is no mention, so this ends.
	for {
		next, changed := neutraliseOnce(s)
		if !changed {
			return next
		}
		s = next
	}
}

func neutraliseOnce(s string) (string, bool) {
	urls := textlen.URLSpans(s)
	var b strings.Builder
	b.Grow(len(s) + 3)
	changed := false
	for i, r := range s {
		b.WriteRune(r)
		if r != '@' && r != '＠' {
			continue
		}
		for len(urls) > 0 && urls[0].End <= i {
			urls = urls[1:]
		}
		inURL := len(urls) > 0 && urls[0].Start <= i
		if (r == '@' && mastodonMentionAt(s, i)) || (!inURL && xMentionAt(s, i)) {
			b.WriteRune(wordJoiner)
			changed = true
		}
	}
	return b.String(), changed
}

// mastodonMentionAt reports whether the '@' at s[i] starts a mention for
// Mastodon's Account::MENTION_RE. Today's (mastodon/mastodon
// app/models/account.rb) is
//
//	(?<![=/[:word:]])@((#{USERNAME_RE})(?:@[[:word:]]+([.-]+[[:word:]]+)*)?)
//
// with USERNAME_RE = /[a-z0-9_]+([.-]+[a-z0-9_]+)*/i; servers of the 3.x and
// 4.0 series still run (?<=^|[^\/[:word:]])@(([a-z0-9_]+)...)/i, which
// also takes "=@name". The union of the two is checked: not after '/' or a
// word character ([[:word:]]: a letter, mark, decimal digit or connector
// punctuation), then a name character.
func mastodonMentionAt(s string, i int) bool {
	if i+1 >= len(s) || !isNameByte(s[i+1]) {
		return false
	}
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	return prev != '/' && !isWordRune(prev)
}

// xMentionAt reports whether the at sign at s[i] would start a mention for
// twitter-text (Regex.java VALID_MENTION_OR_LIST: [@＠] not after
// [a-z0-9_!#$%&*@＠] or after "RT:", then [a-z0-9_]), leaving aside whether
// a URL covers it. It errs towards a mention: any byte but a name
// character may come before.
func xMentionAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	next := i + size
	return next < len(s) && isNameByte(s[next]) && (i == 0 || !isNameByte(s[i-1]) || afterRT(s[:i]))
}

// isWordRune is Onigmo's [[:word:]] on a UTF-8 string: a letter, a mark, a
// decimal digit or connector punctuation.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r)
}

// mentionFreeURL returns the review's or the trailer's URL u written so that
// no network takes a part of it for a mention, and it still names the same
// page. Those links must stay whole (a joiner would cut the link posted for
// the review), so an at sign in the path, query or fragment that Mastodon's
// rule would take, or X's where X's URL would not cover it, is
// percent-encoded as %40: servers decode the path and query before routing
// and a browser decodes a fragment before looking it up, so
// https://example.com/a,%40Gargron is the page https://example.com/a,@Gargron
// is. An at sign in the authority is the userinfo's end, which no encoding
// can stand for; user information in a posted link only hands a stranger
// the credentials, so it goes, and the host stays. An ordinary URL such as
// https://mastodon.social/@Gargron ('/' before the at sign, and X links it
// whole) is returned as it is.
func mentionFreeURL(u string) string {
	if !strings.Contains(u, "@") {
		return u
	}
	rest := 0
	if sep := strings.Index(u, "://"); sep > 0 {
		host := sep + len("://")
		end := len(u)
		if e := strings.IndexAny(u[host:], "/?#"); e >= 0 {
			end = host + e
		}
		if at := strings.LastIndexByte(u[host:end], '@'); at >= 0 {
			at += host
			if mastodonMentionAt(u, at) || xMentionAt(u, at) {
				u = u[:host] + u[at+1:]
				end -= at + 1 - host
			}
		}
		rest = end
	}
	for {
		next, changed := encodeMentionsOnce(u, rest)
		if !changed {
			return next
		}
		u = next
	}
}

// encodeMentionsOnce percent-encodes the at signs of u from from on that
// would start a mention; encoding one may shorten the URL X sees, so the
// caller repeats it until nothing changes.
func encodeMentionsOnce(u string, from int) (string, bool) {
	urls := textlen.URLSpans(u)
	for i := from; i < len(u); i++ {
		if u[i] != '@' {
			continue
		}
		inURL := slices.ContainsFunc(urls, func(s textlen.Span) bool { return s.Start <= i && i < s.End })
		if mastodonMentionAt(u, i) || (!inURL && xMentionAt(u, i)) {
			return u[:i] + "%40" + u[i+1:], true
		}
	}
	return u, false
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
