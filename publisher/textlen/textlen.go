// Package textlen measures post text the way each social network counts it:
// X's weighted twitter-text length, grapheme clusters (Bluesky), and
// Mastodon's grapheme clusters with every URL at a fixed length.
package textlen

import (
	"sort"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Span is a half-open range of UTF-8 byte offsets into a text.
type Span struct{ Start, End int }

// twitter-text configuration v3 (config/v3.json), which X applies today.
const (
	xMaxWeightedLength    = 280
	xScale                = 100
	xDefaultWeight        = 200
	xTransformedURLLength = 23
)

// xRanges are v3's code point ranges that weigh 100 (one character); every
// other code point weighs xDefaultWeight.
var xRanges = [...][2]rune{
	{0, 4351},    // Basic Latin to Georgian
	{8192, 8205}, // spaces in General Punctuation
	{8208, 8223}, // hyphens and quotes
	{8242, 8247}, // primes
}

// XLimit is the most X's weighted length may be (v3 maxWeightedTweetLength).
const XLimit = xMaxWeightedLength

// XURLLength is what every URL counts on X (v3 transformedURLLength).
const XURLLength = xTransformedURLLength

// X returns text's length as X counts it (twitter-text config v3): the text
// is NFC-normalised; every URL twitter-text recognises, with or without a
// scheme, counts 23; an emoji sequence counts 2; any other code point counts
// 1 inside the v3 ranges and 2 outside.
//
// An emoji sequence is a grapheme cluster that starts with an
// Extended_Pictographic or Regional_Indicator code point, or a keycap
// sequence. twitter-text matches emoji with its own list; a ZWJ sequence
// newer than that list counts 2 here, where X may count its parts.
func X(text string) int {
	text = norm.NFC.String(text)
	spans := scanURLs(text, xFlavour)
	weight := 0
	for i := 0; i < len(text); {
		if len(spans) > 0 && spans[0].Start == i {
			weight += xTransformedURLLength * xScale
			i = spans[0].End
			spans = spans[1:]
			continue
		}
		next := len(text)
		if len(spans) > 0 {
			next = spans[0].Start
		}
		// ASCII followed by ASCII is a cluster of its own (or CR LF, which
		// counts per code point anyway).
		if c := text[i]; c < utf8.RuneSelf && (i+1 == len(text) || text[i+1] < utf8.RuneSelf) {
			weight += xScale
			i++
			continue
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(text[i:next], -1)
		if isEmojiSequence(cluster) {
			weight += xDefaultWeight
			first := true
			for _, r := range cluster {
				if !first && !isEmojiComponent(r) {
					weight += xWeight(r)
				}
				first = false
			}
		} else {
			for _, r := range cluster {
				weight += xWeight(r)
			}
		}
		i += len(cluster)
	}
	return weight / xScale
}

func xWeight(r rune) int {
	for _, rg := range xRanges {
		if r >= rg[0] && r <= rg[1] {
			return xScale
		}
	}
	return xDefaultWeight
}

// isEmojiSequence reports whether a grapheme cluster is an emoji (sequence).
func isEmojiSequence(cluster string) bool {
	first, size := utf8.DecodeRuneInString(cluster)
	switch {
	case isExtPict(first), first >= 0x1F1E6 && first <= 0x1F1FF:
		return true
	case first == '#' || first == '*' || (first >= '0' && first <= '9'):
		for _, r := range cluster[size:] {
			if r == 0x20E3 {
				return true
			}
		}
	}
	return false
}

// isEmojiComponent reports whether r is part of an emoji sequence rather than
// a character of its own: joiners, variation selectors, skin tones, tags,
// the keycap mark and the pictographs and flags a sequence joins.
func isEmojiComponent(r rune) bool {
	switch {
	case r == 0x200D, r == 0xFE0E, r == 0xFE0F, r == 0x20E3,
		r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F,
		r >= 0x1F1E6 && r <= 0x1F1FF, r >= 0x1F9B0 && r <= 0x1F9B3:
		return true
	}
	return isExtPict(r)
}

func isExtPict(r rune) bool {
	if r < 0xA9 {
		return false
	}
	i := sort.Search(len(extPict), func(i int) bool { return extPict[i][1] >= r })
	return i < len(extPict) && extPict[i][0] <= r
}

// Graphemes counts the user-perceived characters (extended grapheme
// clusters) of text, as Bluesky counts its 300.
func Graphemes(text string) int {
	n := 0
	for i := 0; i < len(text); n++ {
		// Two ASCII characters other than CR LF never share a cluster.
		if c := text[i]; c < utf8.RuneSelf && (i+1 == len(text) || (text[i+1] < utf8.RuneSelf && (c != '\r' || text[i+1] != '\n'))) {
			i++
			continue
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(text[i:], -1)
		i += len(cluster)
	}
	return n
}

// Mastodon returns text's length as Mastodon counts it
// (StatusLengthValidator): grapheme clusters, where every URL with a scheme
// that Mastodon's extractor recognises counts urlLength, and a mention
// @user@domain counts as "@user".
func Mastodon(text string, urlLength int) int {
	urls := scanURLs(text, mastodonFlavour)
	mentions := mentionSpans(text)
	n := 0
	from := 0
	for len(urls) > 0 || len(mentions) > 0 {
		// Overlaps go to the entity that starts first (remove_overlapping_entities).
		var s Span
		var count int
		if len(mentions) == 0 || (len(urls) > 0 && urls[0].Start <= mentions[0].Start) {
			s, count = urls[0], urlLength
			urls = urls[1:]
		} else {
			s = mentions[0]
			mentions = mentions[1:]
			count = mentionCount(text[s.Start:s.End])
		}
		if s.Start < from {
			continue
		}
		n += Graphemes(text[from:s.Start]) + count
		from = s.End
	}
	return n + Graphemes(text[from:])
}
