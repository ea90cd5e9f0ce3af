package relay

import (
	"context"
	"fmt"

	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// ledgerItem is rv as the ledger records it for feedURL: its identity, and
// its stored form for rendering later. A review without a feed URL is given
// feedURL's.
func ledgerItem(feedURL string, rv review.Review) (store.NewItem, error) {
	if rv.FeedURL == "" {
		rv.FeedURL = feedURL
	}
	payload, err := review.Encode(rv)
	if err != nil {
		return store.NewItem{}, fmt.Errorf("feed %s: %w", redact.URL(feedURL), err)
	}
	return store.NewItem{
		FeedURL: feedURL, Key: rv.Key, GUID: rv.GUID, NormLink: rv.NormLink,
		Title: rv.Title, Published: rv.Published, Payload: payload, State: store.Skipped,
	}, nil
}

// RecordFound records a review found in its feed outside a poll (reelpost
// repost of an item the daemon has not recorded yet), its automatic
// deliveries skipped on every configured account as at a feed's first
// sight, and returns the recorded item. The item may have been recorded
// meanwhile by another process: then that one is returned.
func (r *Relay) RecordFound(ctx context.Context, rv review.Review) (store.Item, error) {
	ni, err := ledgerItem(rv.FeedURL, rv)
	if err != nil {
		return store.Item{}, err
	}
	if _, err := r.o.Store.RecordItems(ctx, rv.FeedURL, []store.NewItem{ni}, r.route(rv.FeedURL).Accounts); err != nil {
		return store.Item{}, fmt.Errorf("record item %s: %w", rv.Key, err)
	}
	it, ok, err := r.findByNames(ctx, rv.Key, rv.NormLink, rv.GUID)
	if err != nil {
		return store.Item{}, err
	}
	if !ok {
		return store.Item{}, fmt.Errorf("item %s: recorded but not found again", rv.Key)
	}
	return it, nil
}

// findByNames finds the ledger's item named by the first of refs (a key, a
// normalised link, a GUID) that names one; empty refs are skipped.
func (r *Relay) findByNames(ctx context.Context, refs ...string) (store.Item, bool, error) {
	for _, ref := range refs {
		if ref == "" {
			continue
		}
		it, ok, err := r.o.Store.FindItem(ctx, ref)
		if err != nil {
			return store.Item{}, false, fmt.Errorf("find item %s: %w", ref, err)
		}
		if ok {
			return it, true, nil
		}
	}
	return store.Item{}, false, nil
}
