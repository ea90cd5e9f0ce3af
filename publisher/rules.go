package publisher

// Rules is how one network measures a post.
type Rules struct {
	Network Network
	// Limit is the most the text may count.
	Limit int
	// Count measures text as the network does (X: weighted twitter-text;
	// Mastodon: grapheme clusters with each URL as URLLength; Bluesky:
	// grapheme clusters).
	Count func(text string) int `json:"-"`
	// LineAdditive says that Count counts a text as the sum of its lines'
	// counts plus one per line break, so the fitter may count each distinct
	// line once instead of every try's whole text. textlen's counters are:
	// a URL, a mention, a grapheme cluster, an emoji sequence and an NFC
	// composition all end at a line break (U+000A breaks clusters on both
	// sides, is no URL, mention or hashtag character, and composes with
	// nothing). Leave it false for any other counter.
	LineAdditive bool
	// MaxBytes, when not zero, also caps the text's UTF-8 length (Bluesky:
	// 3000).
	MaxBytes int
	// URLLength is what one URL counts, or 0 when URLs count as written.
	URLLength int
	// ShortLinks says that URLs may be shown shortened in the text, the post
	// leading to the full URL through facets (Bluesky).
	ShortLinks bool
	// Card says that the client builds the link card (Bluesky).
	Card bool
}
