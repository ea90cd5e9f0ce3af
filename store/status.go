package store

import (
	"context"
	"fmt"
	"time"
)

// NotPostedItem is an item reelpost recorded and did not post, with the
// reason its skipped deliveries carry, if any.
type NotPostedItem struct {
	Item
	// Deliveries is how many (skipped) deliveries it has: none when no
	// account was configured as it was recorded.
	Deliveries int
	// Reason is what the skipped deliveries record (the relay's words,
	// store.Plan.Reason), or empty.
	Reason string
	// Waiting: the item is not a review yet, and is posted once a later
	// poll finds it one (see Decision.Wait).
	Waiting bool
}

// NotPosted lists the items, newest first (by first sight), at most limit,
// that reelpost recorded and decided not to post: every delivery skipped,
// or none at all. It answers "why was this review never posted?" for the
// items that never reached an account; failed deliveries are Deliveries'.
func (s *Store) NotPosted(ctx context.Context, limit int) ([]NotPostedItem, error) {
	if limit <= 0 {
		limit = 10
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+itemCols+`,
			(SELECT COUNT(*) FROM deliveries d WHERE d.item_id = i.id),
			COALESCE((SELECT MAX(d.last_error) FROM deliveries d WHERE d.item_id = i.id), ''), i.waiting
		FROM items i
		WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = i.id AND d.state <> 'skipped')
		ORDER BY i.first_seen DESC, i.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list items not posted: %w", err)
	}
	defer rows.Close()
	var out []NotPostedItem
	for rows.Next() {
		var it NotPostedItem
		if err := rows.Scan(append(itemDest(&it.Item), &it.Deliveries, &it.Reason, &it.Waiting)...); err != nil {
			return nil, fmt.Errorf("list items not posted: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list items not posted: %w", err)
	}
	return out, nil
}

// FeedItemCount is how many items the ledger knows in feedURL: what a
// cycle that did not read the feed again (unchanged) reports as seen.
func (s *Store) FeedItemCount(ctx context.Context, feedURL string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feed_items WHERE feed_url = $1`, feedURL).Scan(&n); err != nil {
		return 0, fmt.Errorf("count items of %s: %w", feedURL, err)
	}
	return n, nil
}

// RateLimit is an account a network rate-limited (MarkLimited) that has
// posted nothing since: Claim takes none of its deliveries until Until, then
// one at a time, the probe, until one is posted.
type RateLimit struct {
	Account string
	// Until is the reset the network announced (jitter added by the relay).
	Until time.Time
	// Probe is the delivery posting now, after the reset, under a lease
	// that holds: the probe in flight, with its item. Nil before the reset,
	// and after it until a replica claims the probe.
	Probe *Delivery
}

// RateLimits lists the accounts a rate limit holds back, by account, for
// reelpost status: the read Claim makes (rateLimits) without its locks, so
// that status never waits for a claim, nor makes one wait.
func (s *Store) RateLimits(ctx context.Context) ([]RateLimit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, limited_until FROM account_pace
		WHERE limited_until IS NOT NULL ORDER BY account`)
	if err != nil {
		return nil, fmt.Errorf("list rate limits: %w", err)
	}
	var out []RateLimit
	for rows.Next() {
		var l RateLimit
		if err := rows.Scan(&l.Account, tm(&l.Until)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list rate limits: %w", err)
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list rate limits: %w", err)
	}
	now := s.now()
	for i := range out {
		l := &out[i]
		if l.Until.After(now) {
			// Before the reset a delivery posting is one claimed with the
			// refused one, about to be held back: no probe.
			continue
		}
		ds, err := s.queryDeliveries(ctx, s.db, deliverySelect+`
			WHERE d.account = $1 AND d.state = 'posting' AND d.lease_expires > $2
			ORDER BY d.updated_at DESC, d.id DESC LIMIT 1`, l.Account, s.ts(now))
		if err != nil {
			return nil, fmt.Errorf("list rate limits: probe of %s: %w", l.Account, err)
		}
		if len(ds) > 0 {
			l.Probe = &ds[0]
		}
	}
	return out, nil
}
