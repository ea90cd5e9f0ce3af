package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// DeliveryKey is the idempotency key of the seq-th post of the item named by
// identity to account: deterministic, so every attempt (and every replica)
// sends the same key, and a repost (seq > 0) sends a new one.
func DeliveryKey(identity, account string, seq int) string {
	sum := sha256.Sum256([]byte(identity + "\x00" + account + "\x00" + strconv.Itoa(seq)))
	return hex.EncodeToString(sum[:])[:32]
}

// itemIdentity is what names a new item for good: its normalised link, which
// two feeds carrying the same review share, else the feed-local key.
func itemIdentity(feedURL string, it NewItem) string {
	if it.NormLink != "" {
		return it.NormLink
	}
	return feedURL + "|" + it.Key
}

// globalGUID reports whether a GUID names the item beyond its feed, so that the
// same GUID in another feed is the same review: an absolute http(s) URL (as
// WordPress and most blog engines emit), a tag: URI (RFC 4151) or a urn: (as
// Atom ids often are). Anything else ("42", "post-42") is only unique within
// its feed, and two feeds may well reuse it for different items.
func globalGUID(g string) bool {
	lg := strings.ToLower(g)
	if strings.HasPrefix(lg, "tag:") || strings.HasPrefix(lg, "urn:") {
		return len(g) > 4
	}
	u, err := url.Parse(g)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// crossGUID is the GUID to match in other feeds, or "" when it is feed-local.
func crossGUID(g string) string {
	if globalGUID(g) {
		return g
	}
	return ""
}

// markInitialized marks the feed initialized, creating its row if need be,
// and reports whether this call did it: the conditional upsert changes a row
// only where the feed was not initialized yet, and the database serialises
// concurrent ones on the feed's row, so exactly one caller gets true.
func markInitialized(ctx context.Context, tx execer, feedURL string) (bool, error) {
	res, err := tx.ExecContext(ctx, markInitializedSQL, feedURL)
	if err != nil {
		return false, fmt.Errorf("mark feed initialized: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark feed initialized: %w", err)
	}
	return n == 1, nil
}

// ensurePace makes the account's pacing row exist for Claim to lock.
func ensurePace(ctx context.Context, tx execer, account string) error {
	if _, err := tx.ExecContext(ctx, ensurePaceSQL, account); err != nil {
		return fmt.Errorf("insert pacing of account %s: %w", account, err)
	}
	return nil
}

const itemCols = `i.id, i.identity, i.feed_url, i.key, i.guid, i.norm_link, i.title, i.published, i.payload, i.first_seen`

func itemDest(it *Item) []any {
	return []any{&it.ID, &it.Identity, &it.FeedURL, &it.Key, &it.GUID, &it.NormLink, &it.Title, tm(&it.Published), &it.Payload, tm(&it.FirstSeen)}
}

// FindItem finds a recorded item by any name a user may give it: its GUID,
// its normalised link or its key in any feed that carries it, or its
// identity. Links are compared as given: normalise them as the feed package
// does before asking.
func (s *Store) FindItem(ctx context.Context, ref string) (Item, bool, error) {
	var it Item
	if ref == "" {
		return it, false, nil
	}
	err := s.db.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items i WHERE i.identity = $1 OR i.id IN (
			SELECT item_id FROM feed_items WHERE guid = $1 OR norm_link = $1 OR key = $1)
		ORDER BY i.id LIMIT 1`, ref).Scan(itemDest(&it)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, false, nil
	}
	if err != nil {
		return Item{}, false, fmt.Errorf("find item %q: %w", ref, err)
	}
	return it, true, nil
}
