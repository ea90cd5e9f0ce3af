// Package store is the delivery ledger: which feed items reelpost has seen
// and what it posted where, on SQLite (default) or PostgreSQL. The database
// enforces uniqueness, so several replicas can share one ledger.
//
// An item is one review. Each feed that carries it names it by a key, a GUID
// and a normalised link (the feed_items table, unique per feed by key and by
// link); the review's own row keeps an identity (its first normalised link,
// else feed|key) that never changes and seeds the deliveries' idempotency
// keys (DeliveryKey). A delivery is one post of one item to one account,
// and names the feed whose route gave the account the review, for that
// route's template and hashtags (Delivery.Feed); Claim leases due
// deliveries to one owner at a time (ClaimIDs only the ones named), and
// every outcome is recorded only by the owner still holding the lease
// (ErrLeaseLost otherwise). A feed's first sight, whose items are
// history rather than news, is decided in the transaction that records it
// (RecordFirstSight), so replicas racing it agree on which poll it was.
//
// Record is the one place that decides what a feed item is: new, known
// (unchanged, changed, renamed) or an alias of another feed's review. It
// keeps what each feed last showed of an item (a fingerprint), and an item
// recorded as news that was not a review yet waits: when a later poll shows
// it changed and its caller decides it a review, its deliveries open, once.
//
// SQLite runs in WAL mode with a busy timeout and BEGIN IMMEDIATE write
// transactions, so the CLI can read and write while the daemon runs on the
// same file. Times are stored in UTC to the microsecond: timestamptz on
// PostgreSQL, integer microseconds since the epoch on SQLite.
package store
