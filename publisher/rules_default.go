package publisher

import (
	"unicode/utf8"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// DefaultRules returns how network n counts a post, with the limits every
// account of it has: X 280 weighted characters (twitter-text v3, every URL
// 23); Mastodon 500 grapheme clusters with every URL 23 (a server may say
// otherwise: see MastodonRules); Bluesky 300 grapheme clusters and 3000
// bytes, links shown shortened and the link card built by the client. An
// unknown network gets Rules without Count, which Render refuses.
func DefaultRules(n Network) Rules {
	switch n {
	case X:
		return Rules{Network: X, Limit: textlen.XLimit, Count: textlen.X, LineAdditive: true, URLLength: textlen.XURLLength}
	case Mastodon:
		return MastodonRules(500, 23)
	case Bluesky:
		return Rules{Network: Bluesky, Limit: 300, MaxBytes: 3000, Count: textlen.Graphemes, LineAdditive: true, ShortLinks: true, Card: true}
	}
	return Rules{Network: n}
}

// MastodonRules returns the rules of a Mastodon server from its
// /api/v2/instance configuration.statuses: max_characters and
// characters_reserved_per_url
// (https://docs.joinmastodon.org/entities/Instance/#statuses). Zero or negative values mean the server did
// not say, and Mastodon's defaults (500 and 23) apply.
func MastodonRules(maxChars, urlLen int) Rules {
	if maxChars <= 0 {
		maxChars = 500
	}
	if urlLen <= 0 {
		urlLen = 23
	}
	return Rules{
		Network:      Mastodon,
		Limit:        maxChars,
		URLLength:    urlLen,
		Count:        func(s string) int { return textlen.Mastodon(s, urlLen) },
		LineAdditive: true,
	}
}

// PleromaRules returns the rules of a Pleroma or Akkoma server, which
// announces its limit as max_toot_chars in /api/v1/instance and measures a
// status by its grapheme clusters (Elixir's String.length) with every URL as
// written, not at a reserved length.
func PleromaRules(maxChars int) Rules {
	return Rules{Network: Mastodon, Limit: maxChars, Count: textlen.Graphemes, LineAdditive: true}
}

// GoToSocialRules returns the rules of a GoToSocial server. GoToSocial
// announces characters_reserved_per_url (25) but does not apply it: it
// counts the code points of the raw status text plus its spoiler_text, links
// in full (validateStatusContent in superseriousbusiness/gotosocial
// internal/processing/status/common.go: len([]rune(status)) +
// len([]rune(spoiler)) > max answers 400 "text with spoiler exceed max chars
// (N)"). Render fits the text to what a content warning leaves of the limit.
func GoToSocialRules(maxChars int) Rules {
	return Rules{Network: Mastodon, Limit: maxChars, Count: utf8.RuneCountInString, LineAdditive: true}
}

// StrictRules returns r with the strictest count there is: what r counts,
// or the text's code points with every link in full, whichever is more (a
// text has at least as many code points as grapheme clusters, so this is
// also at least its graphemes). It is for a second fit after a network
// refused a post that r said fitted (ErrRefusedTooLong): the server counted
// otherwise than it announced, and one more refusal costs the review.
func StrictRules(r Rules) Rules {
	count := r.Count
	r.Count = func(s string) int {
		n := utf8.RuneCountInString(s)
		if count != nil {
			n = max(n, count(s))
		}
		return n
	}
	// The larger of two per-line sums is not the sum of per-line larger
	// counts: the fitter must count whole texts.
	r.LineAdditive = false
	r.URLLength = 0
	return r
}
