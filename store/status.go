package store

import (
	"context"
	"fmt"
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
