package store

import "time"

// State is where a delivery stands.
type State string

const (
	// Pending deliveries are due at NextAttempt.
	Pending State = "pending"
	// Posting deliveries are claimed by LeaseOwner until LeaseExpires. One
	// whose lease expired may have reached the network: its outcome is unknown.
	Posting State = "posting"
	Posted  State = "posted"
	// Failed deliveries gave up: a permanent error, or too many attempts.
	Failed State = "failed"
	// Skipped deliveries were never meant to be posted (items already in a
	// feed when reelpost first saw it).
	Skipped State = "skipped"
)

// States lists every state, for metrics and status.
var States = []State{Pending, Posting, Posted, Failed, Skipped}

// FeedState is what the ledger keeps of one feed between polls.
type FeedState struct {
	URL          string
	ETag         string
	LastModified string
	// BodyHash is the SHA-256 (hex) of the last body parsed, to skip parsing
	// an identical body from servers that send no validators.
	BodyHash          string
	LastPoll          time.Time
	LastSuccess       time.Time
	ConsecutiveErrors int
	LastError         string
	NextPoll          time.Time
	// Initialized is set once the feed's first sight has been recorded (its
	// existing items skipped or backfilled).
	Initialized bool
}

// NewItem is an item seen in a feed, to be recorded with its deliveries.
type NewItem struct {
	FeedURL   string
	Key       string
	GUID      string
	NormLink  string
	Title     string
	Published time.Time
	// Payload is the item's Review as JSON: what a delivery is rendered from.
	Payload []byte
	// State of the deliveries created for it: Pending or Skipped. State,
	// NotBefore and FirstSight plan a new item when the batch has no
	// Planner (RecordItems, RecordFirstSight); a Planner ignores them.
	State State
	// NotBefore is the earliest time its deliveries may be attempted.
	NotBefore time.Time
	// FirstSight replaces State and NotBefore when RecordFirstSight finds
	// that its call is the feed's first sight. The zero value records the
	// item as Skipped: what a feed holds when reelpost first sees it is
	// history, not news (BACKFILL makes the newest reviews Pending instead).
	// RecordItems ignores it.
	FirstSight Plan
}

// Plan is how a new item's deliveries are created: in State (Pending or
// Skipped; empty means Skipped), due at NotBefore.
type Plan struct {
	State     State
	NotBefore time.Time
	// Reason says, for deliveries created Skipped, why they are not to be
	// posted (history at the feed's first sight, a dry run), in the words
	// reelpost status shows: it is kept as their last error.
	Reason string
}

// Item is a recorded item. ID names the review across feeds: the same review
// reached through two feeds has one ID.
type Item struct {
	ID int64
	// Identity is the item's first normalised link, else FeedURL+"|"+Key. It
	// never changes, and seeds the deliveries' idempotency keys.
	Identity  string
	FeedURL   string
	Key       string
	GUID      string
	NormLink  string
	Title     string
	Published time.Time
	Payload   []byte
	FirstSeen time.Time
}

// Delivery is one post of one item to one account.
type Delivery struct {
	ID      int64
	ItemID  int64
	Account string
	// Seq is 0 for the automatic post, n for the n-th manual repost.
	Seq int
	// Key is the idempotency key, the same on every attempt.
	Key          string
	State        State
	Attempts     int
	NextAttempt  time.Time
	LeaseOwner   string
	LeaseExpires time.Time
	RemoteID     string
	RemoteURL    string
	LastError    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	PostedAt     time.Time
	// Unknown is set on a claimed delivery whose previous claim expired
	// while posting: the post may exist already.
	Unknown bool
	// FeedURL is the feed whose route gave the account this delivery
	// (FEED_<n>_TO): the post reads as that route says (its template, its
	// hashtags), whichever feed recorded the item first. Empty on
	// deliveries recorded before the ledger kept it; see Feed.
	FeedURL string
	// Item is filled in by Claim and the status queries.
	Item Item
}

// Feed is the feed whose route the delivery is rendered by: FeedURL, or,
// for a delivery recorded without one, the item's own feed.
func (d Delivery) Feed() string {
	if d.FeedURL != "" {
		return d.FeedURL
	}
	return d.Item.FeedURL
}
