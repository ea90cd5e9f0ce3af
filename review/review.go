package review

import "time"

// Review is what reelpost understood of one feed item: the fields a post is
// rendered from and the identity the ledger keys deliveries on. It is stored in
// the ledger (Encode, Decode), so a pending delivery can be rendered after a restart
// without the feed.
type Review struct {
	// Key is the item's stable identity within its feed: the GUID; without one,
	// the normalised link; without that, a hash of title and date.
	Key string `json:"key"`
	// GUID is the item's own GUID (Atom id, JSON Feed id) as the feed gave it.
	GUID string `json:"guid,omitempty"`
	// Link is the absolute URL of the review page, as published.
	Link string `json:"link,omitempty"`
	// NormLink is Link normalised for identity: lower-case scheme and host, no
	// fragment, no trailing slash, tracking parameters (utm_*, fbclid, ...) and
	// language variants (?lang=) removed, https.
	NormLink string `json:"norm_link,omitempty"`
	// FeedURL is the feed the item came from.
	FeedURL string `json:"feed_url,omitempty"`

	Title      string    `json:"title"`
	Author     string    `json:"author,omitempty"`
	Published  time.Time `json:"published,omitzero"`
	Categories []string  `json:"categories,omitempty"`
	// Image is an absolute URL of the review's picture (never a tracking pixel,
	// a feed-flare button or the author's avatar), or empty.
	Image string `json:"image,omitempty"`

	// TrailerID is a YouTube video id (11 characters of [A-Za-z0-9_-]).
	TrailerID string `json:"trailer_id,omitempty"`
	// TrailerURL is https://www.youtube.com/watch?v=TrailerID, or empty.
	TrailerURL string `json:"trailer_url,omitempty"`

	// The review's metadata block, when it has one.
	Genres         []string `json:"genres,omitempty"`
	Cast           []string `json:"cast,omitempty"`
	Director       string   `json:"director,omitempty"`
	Writer         string   `json:"writer,omitempty"`
	RuntimeMinutes int      `json:"runtime_minutes,omitempty"`
	// Rating is normalised to "N/M" (stars become N/5), or empty.
	Rating  string   `json:"rating,omitempty"`
	SeeAlso []string `json:"see_also,omitempty"`

	// Summary is the verdict-like summary a post carries: the feed's own excerpt
	// when it is a real one, otherwise the sentences carrying the reviewer's
	// judgement. Plain text, whole sentences.
	Summary string `json:"summary,omitempty"`
	// Text is the review's whole body as plain text (HTML stripped, shortcodes,
	// metadata lines and page boilerplate removed).
	Text string `json:"text,omitempty"`

	// IsReview says whether the item is a review at all, and ReviewReason why.
	IsReview     bool   `json:"is_review"`
	ReviewReason string `json:"review_reason,omitempty"`
	// PageFetched is set when fields were completed from the item's own page.
	PageFetched bool `json:"page_fetched,omitempty"`
	// Duplicates lists the links of other items of the same feed that were
	// recognised as this same review (a post listed once per language, say).
	Duplicates []string `json:"duplicates,omitempty"`
}
