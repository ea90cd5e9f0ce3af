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
	"time"
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

// feedItem is a row of feed_items: how one feed names an item.
type feedItem struct {
	id       int64
	itemID   int64
	key      string
	guid     string
	normLink string
}

// inFeed finds how feedURL already names it: same key, same normalised link,
// or same GUID within that feed. A key match wins over the others.
func inFeed(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, feedURL string, it NewItem) (feedItem, bool, error) {
	var fi feedItem
	err := q.QueryRowContext(ctx, `SELECT id, item_id, key, guid, norm_link FROM feed_items
		WHERE feed_url = $1 AND (key = $2 OR ($3 <> '' AND norm_link = $3) OR ($4 <> '' AND guid = $4))
		ORDER BY CASE WHEN key = $2 THEN 0 ELSE 1 END, id LIMIT 1`,
		feedURL, it.Key, it.NormLink, it.GUID).Scan(&fi.id, &fi.itemID, &fi.key, &fi.guid, &fi.normLink)
	if errors.Is(err, sql.ErrNoRows) {
		return fi, false, nil
	}
	return fi, err == nil, err
}

// elsewhere finds the item another feed carries with the same normalised link
// or the same global GUID, or whose identity is this item's.
func elsewhere(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, feedURL string, it NewItem) (int64, bool, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT item_id FROM feed_items
		WHERE feed_url <> $1 AND (($2 <> '' AND norm_link = $2) OR ($3 <> '' AND guid = $3))
		UNION ALL SELECT id FROM items WHERE identity = $4
		LIMIT 1`,
		feedURL, it.NormLink, crossGUID(it.GUID), itemIdentity(feedURL, it)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// batch is how many items one lookup query asks about: 3 parameters each,
// far below SQLite's and PostgreSQL's parameter limits.
const batch = 200

// feedIndex is what a feed already calls some items: its feed_items rows
// matching a batch by key, normalised link or GUID.
type feedIndex struct {
	byKey, byLink, byGUID map[string]feedItem
}

// match finds it as inFeed would: a key match first, then link, then GUID.
func (x feedIndex) match(it NewItem) (feedItem, bool) {
	if fi, ok := x.byKey[it.Key]; ok {
		return fi, true
	}
	if fi, ok := x.byLink[it.NormLink]; ok && it.NormLink != "" {
		return fi, true
	}
	if fi, ok := x.byGUID[it.GUID]; ok && it.GUID != "" {
		return fi, true
	}
	return feedItem{}, false
}

// params collects the arguments of a query built for a batch.
type params struct{ args []any }

// add appends v's placeholder to list, unless v is empty: an empty link or
// GUID names nothing, and would match every row that has none.
func (p *params) add(list []string, v string) []string {
	if v == "" {
		return list
	}
	p.args = append(p.args, v)
	return append(list, fmt.Sprintf("$%d", len(p.args)))
}

// in renders an IN list; NULL when empty, which matches nothing.
func in(list []string) string {
	if len(list) == 0 {
		return "NULL"
	}
	return strings.Join(list, ",")
}

type queryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// indexFeed reads, in one query per batch, the feed's rows naming any of items.
func indexFeed(ctx context.Context, q queryer, feedURL string, items []NewItem) (feedIndex, error) {
	x := feedIndex{byKey: map[string]feedItem{}, byLink: map[string]feedItem{}, byGUID: map[string]feedItem{}}
	for start := 0; start < len(items); start += batch {
		chunk := items[start:min(start+batch, len(items))]
		p := params{args: []any{feedURL}}
		var keys, links, guids []string
		for _, it := range chunk {
			keys = p.add(keys, it.Key)
			links = p.add(links, it.NormLink)
			guids = p.add(guids, it.GUID)
		}
		rows, err := q.QueryContext(ctx, `SELECT id, item_id, key, guid, norm_link FROM feed_items WHERE feed_url = $1 AND
			(key IN (`+in(keys)+`) OR norm_link IN (`+in(links)+`) OR guid IN (`+in(guids)+`))
			ORDER BY id`, p.args...)
		if err != nil {
			return x, err
		}
		for rows.Next() {
			var fi feedItem
			if err := rows.Scan(&fi.id, &fi.itemID, &fi.key, &fi.guid, &fi.normLink); err != nil {
				rows.Close()
				return x, err
			}
			// The oldest row wins, as in inFeed.
			if _, ok := x.byKey[fi.key]; !ok {
				x.byKey[fi.key] = fi
			}
			if _, ok := x.byLink[fi.normLink]; !ok && fi.normLink != "" {
				x.byLink[fi.normLink] = fi
			}
			if _, ok := x.byGUID[fi.guid]; !ok && fi.guid != "" {
				x.byGUID[fi.guid] = fi
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return x, err
		}
	}
	return x, nil
}

// crossIndex is what other feeds already carry: the items matching a batch
// by normalised link or global GUID, and the items whose identity it has.
type crossIndex struct {
	byLink, byGUID, byIdentity map[string]int64
}

// match finds the item another feed carries as it, as elsewhere would.
func (c crossIndex) match(feedURL string, it NewItem) (int64, bool) {
	if id, ok := c.byLink[it.NormLink]; ok && it.NormLink != "" {
		return id, true
	}
	if g := crossGUID(it.GUID); g != "" {
		if id, ok := c.byGUID[g]; ok {
			return id, true
		}
	}
	id, ok := c.byIdentity[itemIdentity(feedURL, it)]
	return id, ok
}

// indexElsewhere reads, in one query per batch, the items other feeds carry
// that match any of items.
func indexElsewhere(ctx context.Context, q queryer, feedURL string, items []NewItem) (crossIndex, error) {
	c := crossIndex{byLink: map[string]int64{}, byGUID: map[string]int64{}, byIdentity: map[string]int64{}}
	for start := 0; start < len(items); start += batch {
		chunk := items[start:min(start+batch, len(items))]
		p := params{args: []any{feedURL}}
		var links, guids, idents []string
		for _, it := range chunk {
			links = p.add(links, it.NormLink)
			guids = p.add(guids, crossGUID(it.GUID))
			idents = p.add(idents, itemIdentity(feedURL, it))
		}
		rows, err := q.QueryContext(ctx, `SELECT item_id, norm_link, guid, '' FROM feed_items WHERE feed_url <> $1 AND
				(norm_link IN (`+in(links)+`) OR guid IN (`+in(guids)+`))
			UNION ALL SELECT id, '', '', identity FROM items WHERE identity IN (`+in(idents)+`)`, p.args...)
		if err != nil {
			return c, err
		}
		for rows.Next() {
			var id int64
			var link, guid, ident string
			if err := rows.Scan(&id, &link, &guid, &ident); err != nil {
				rows.Close()
				return c, err
			}
			keepFirst(c.byLink, link, id)
			keepFirst(c.byGUID, guid, id)
			keepFirst(c.byIdentity, ident, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// keepFirst sets m[k] = id unless k is empty or already set. Every row
// naming one review points at the same item, so which match wins is moot.
func keepFirst(m map[string]int64, k string, id int64) {
	if _, ok := m[k]; k != "" && !ok {
		m[k] = id
	}
}

// Known reports, for each item, whether RecordItems would find it already
// recorded (in this feed, or in another feed carrying the same review) and so
// create no deliveries for it: the relay's flood guard counts only the others.
// It asks in batches, so a poll costs a few queries however long the feed.
func (s *Store) Known(ctx context.Context, feedURL string, items []NewItem) ([]bool, error) {
	known := make([]bool, len(items))
	x, err := indexFeed(ctx, s.db, feedURL, items)
	if err != nil {
		return nil, fmt.Errorf("look up items of feed %s: %w", feedURL, err)
	}
	var rest []NewItem
	for i, it := range items {
		_, known[i] = x.match(it)
		if !known[i] {
			rest = append(rest, it)
		}
	}
	c, err := indexElsewhere(ctx, s.db, feedURL, rest)
	if err != nil {
		return nil, fmt.Errorf("look up items of feed %s in other feeds: %w", feedURL, err)
	}
	for i, it := range items {
		if !known[i] {
			_, known[i] = c.match(feedURL, it)
		}
	}
	return known, nil
}

// RecordItems records the items of one feed and creates the deliveries of the
// new ones, all in one transaction, and returns the items it created. It
// never marks the feed initialized: a poll that may be the feed's first sight
// records through RecordFirstSight.
//
// An item is already known, and gets no deliveries, when this feed has an item
// with the same key, the same normalised link or the same GUID (a changed GUID
// or a changed link alone does not make a new item; the stored key, GUID and
// link follow the feed's latest). It is an alias, with no deliveries either,
// when another feed has an item with the same normalised link or the same GUID
// where that GUID is global (see globalGUID). Otherwise it is new: an item
// row, and one delivery per account in the item's State, due at NotBefore.
//
// The database decides: every insert is ON CONFLICT DO NOTHING followed by a
// re-select, and a transaction that lost a race to a concurrent one runs again,
// so replicas recording the same feed at once create one item and one set of
// deliveries. (Two feeds carrying a review with no link and only a global GUID,
// first recorded at the same instant by two replicas, are the one case that
// can still yield two items: nothing unique spans feeds for GUIDs.)
func (s *Store) RecordItems(ctx context.Context, feedURL string, items []NewItem, accounts []string) ([]Item, error) {
	created, _, err := s.record(ctx, feedURL, items, accounts, false)
	return created, err
}

// RecordFirstSight is RecordItems for a poll of a feed that the caller last
// read as not initialized (FeedState.Initialized false). The first-sight
// decision is taken in the recording transaction itself: the feed is marked
// initialized there, and only the call that flips it (the first to commit,
// whatever another replica read meanwhile) records its new items by their
// FirstSight plan, skipped or backfilled, and reports first = true. Every
// other call records them by State and NotBefore, as news: items a replica
// recorded at first sight are known by then and get nothing, and items that
// appeared since are posted. The feed is marked initialized even when there
// is nothing to record.
func (s *Store) RecordFirstSight(ctx context.Context, feedURL string, items []NewItem, accounts []string) (created []Item, first bool, err error) {
	return s.record(ctx, feedURL, items, accounts, true)
}

func (s *Store) record(ctx context.Context, feedURL string, items []NewItem, accounts []string, sight bool) ([]Item, bool, error) {
	for _, it := range items {
		if it.Key == "" {
			return nil, false, fmt.Errorf("record items of feed %s: item %q has no key", feedURL, it.Title)
		}
		if it.State != Pending && it.State != Skipped {
			return nil, false, fmt.Errorf("record items of feed %s: item %s: state %q, want pending or skipped", feedURL, it.Key, it.State)
		}
		if st := it.FirstSight.State; st != "" && st != Pending && st != Skipped {
			return nil, false, fmt.Errorf("record items of feed %s: item %s: first-sight state %q, want pending or skipped", feedURL, it.Key, st)
		}
	}
	if !sight {
		// A read first: when the feed names every item as the ledger does (a
		// poll with nothing new), no write transaction, so no write lock, at
		// all. A first sight always writes: it marks the feed initialized.
		x, err := indexFeed(ctx, s.db, feedURL, items)
		if err != nil {
			return nil, false, fmt.Errorf("record items of feed %s: %w", feedURL, err)
		}
		unchanged := true
		for _, it := range items {
			if fi, ok := x.match(it); !ok || fi.changedBy(it) {
				unchanged = false
				break
			}
		}
		if unchanged {
			return nil, false, nil
		}
	}
	var created []Item
	var first bool
	err := s.inTx(ctx, "record items of feed "+feedURL, func(tx *sql.Tx) error {
		created = created[:0]
		now := s.now()
		first = false
		if sight {
			// First, so that a concurrent first sight waits here for the one
			// that flipped the flag (PostgreSQL: the row lock; SQLite: the
			// write lock of BEGIN IMMEDIATE) and then, in its statements
			// below, sees the items that one recorded.
			var err error
			if first, err = markInitialized(ctx, tx, feedURL); err != nil {
				return err
			}
		}
		recorded := items
		if first {
			recorded = make([]NewItem, len(items))
			for i, it := range items {
				it.State, it.NotBefore = it.FirstSight.State, it.FirstSight.NotBefore
				if it.State == "" {
					it.State = Skipped
				}
				recorded[i] = it
			}
		}
		// Two reads find the items this feed or another already names, the
		// common case; then each item takes the path its lookups chose. An item
		// named like one earlier in the batch (a feed listing it twice) takes
		// the careful path, which sees what this transaction wrote.
		x, err := indexFeed(ctx, tx, feedURL, recorded)
		if err != nil {
			return err
		}
		var rest []NewItem
		for _, it := range recorded {
			if _, ok := x.match(it); !ok {
				rest = append(rest, it)
			}
		}
		c, err := indexElsewhere(ctx, tx, feedURL, rest)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, it := range recorded {
			names := []string{"k" + it.Key, "l" + it.NormLink, "g" + it.GUID, "i" + itemIdentity(feedURL, it)}
			again := seen[names[0]] || (it.NormLink != "" && seen[names[1]]) || (it.GUID != "" && seen[names[2]]) || seen[names[3]]
			for _, n := range names {
				seen[n] = true
			}
			var item Item
			var isNew bool
			fi, named := x.match(it)
			itemID, carried := c.match(feedURL, it)
			switch {
			case again:
				item, isNew, err = s.recordOne(ctx, tx, feedURL, it, accounts, now)
			case named:
				err = s.followChanges(ctx, tx, feedURL, fi, it)
			case carried:
				err = s.insertFeedItem(ctx, tx, feedURL, it, itemID, now)
			default:
				item, err = s.insertItem(ctx, tx, feedURL, it, accounts, now)
				isNew = err == nil
			}
			if err != nil {
				return fmt.Errorf("item %s: %w", it.Key, err)
			}
			if isNew {
				created = append(created, item)
			}
		}
		if len(created) > 0 {
			for _, acct := range accounts {
				if err := ensurePace(ctx, tx, acct); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	for _, it := range created {
		s.log.Debug("item recorded", "feed_url", feedURL, "item_key", it.Key, "item_id", it.ID, "accounts", len(accounts))
	}
	return created, first, nil
}

// markInitialized marks the feed initialized, creating its row if need be,
// and reports whether this call did it: the conditional upsert changes a row
// only where the feed was not initialized yet, and the database serialises
// concurrent ones on the feed's row, so exactly one caller gets true.
func markInitialized(ctx context.Context, tx *sql.Tx, feedURL string) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO feeds (url, initialized) VALUES ($1, TRUE)
		ON CONFLICT (url) DO UPDATE SET initialized = TRUE WHERE NOT feeds.initialized`, feedURL)
	if err != nil {
		return false, fmt.Errorf("mark feed initialized: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark feed initialized: %w", err)
	}
	return n == 1, nil
}

// recordOne records one item in tx; true when it created the item.
func (s *Store) recordOne(ctx context.Context, tx *sql.Tx, feedURL string, it NewItem, accounts []string, now time.Time) (Item, bool, error) {
	fi, ok, err := inFeed(ctx, tx, feedURL, it)
	if err != nil {
		return Item{}, false, err
	}
	if ok {
		return Item{}, false, s.followChanges(ctx, tx, feedURL, fi, it)
	}

	itemID, ok, err := elsewhere(ctx, tx, feedURL, it)
	if err != nil {
		return Item{}, false, err
	}
	if ok {
		// The same review through another feed: remember how this feed names
		// it, so that the next poll finds it here at once.
		return Item{}, false, s.insertFeedItem(ctx, tx, feedURL, it, itemID, now)
	}

	item, err := s.insertItem(ctx, tx, feedURL, it, accounts, now)
	return item, err == nil, err
}

// insertItem creates a new item, how this feed names it, and its deliveries.
func (s *Store) insertItem(ctx context.Context, tx *sql.Tx, feedURL string, it NewItem, accounts []string, now time.Time) (Item, error) {
	item := Item{
		Identity:  itemIdentity(feedURL, it),
		FeedURL:   feedURL,
		Key:       it.Key,
		GUID:      it.GUID,
		NormLink:  it.NormLink,
		Title:     it.Title,
		Published: it.Published.UTC().Truncate(time.Microsecond),
		Payload:   it.Payload,
		FirstSeen: now,
	}
	if it.Published.IsZero() {
		item.Published = time.Time{}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO items (identity, feed_url, key, guid, norm_link, title, published, payload, first_seen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
		item.Identity, feedURL, it.Key, it.GUID, it.NormLink, it.Title, s.ts(it.Published), it.Payload, s.ts(now)).Scan(&item.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// A concurrent transaction created the same review: run again to see it.
		return Item{}, errRetry
	}
	if err != nil {
		return Item{}, fmt.Errorf("insert item: %w", err)
	}
	if err := s.insertFeedItem(ctx, tx, feedURL, it, item.ID, now); err != nil {
		return Item{}, err
	}
	seen := map[string]bool{}
	for _, acct := range accounts {
		if seen[acct] {
			continue
		}
		seen[acct] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries
			(item_id, account, seq, key, state, attempts, next_attempt, created_at, updated_at)
			VALUES ($1, $2, 0, $3, $4, 0, $5, $6, $6) ON CONFLICT DO NOTHING`,
			item.ID, acct, DeliveryKey(item.Identity, acct, 0), string(it.State), s.tsNonNull(it.NotBefore), s.ts(now)); err != nil {
			return Item{}, fmt.Errorf("insert delivery for account %s: %w", acct, err)
		}
	}
	return item, nil
}

// ensurePace makes the account's pacing row exist for Claim to lock.
func ensurePace(ctx context.Context, tx *sql.Tx, account string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO account_pace (account) VALUES ($1) ON CONFLICT DO NOTHING`, account); err != nil {
		return fmt.Errorf("insert pacing of account %s: %w", account, err)
	}
	return nil
}

// insertFeedItem records how feedURL names item itemID. A conflict means a
// concurrent transaction recorded it first: run again to see it.
func (s *Store) insertFeedItem(ctx context.Context, tx *sql.Tx, feedURL string, it NewItem, itemID int64, now time.Time) error {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO feed_items (feed_url, key, guid, norm_link, item_id, first_seen)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
		feedURL, it.Key, it.GUID, it.NormLink, itemID, s.ts(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return errRetry
	}
	if err != nil {
		return fmt.Errorf("insert feed item: %w", err)
	}
	return nil
}

// follow returns the GUID and link to store for a known item seen as it: a
// value the feed no longer gives is kept.
func (fi feedItem) follow(it NewItem) (guid, link string) {
	guid, link = it.GUID, it.NormLink
	if guid == "" {
		guid = fi.guid
	}
	if link == "" {
		link = fi.normLink
	}
	return guid, link
}

// changedBy reports whether it names the item differently from fi.
func (fi feedItem) changedBy(it NewItem) bool {
	guid, link := fi.follow(it)
	return it.Key != fi.key || guid != fi.guid || link != fi.normLink
}

// followChanges stores a known item's new key, GUID or link (an http link
// that became https, a GUID scheme change), so that the feed's later polls
// match it directly. A value that another item of the feed already holds is
// left alone: the feed is contradicting itself and the item stays as it was.
func (s *Store) followChanges(ctx context.Context, tx *sql.Tx, feedURL string, fi feedItem, it NewItem) error {
	if !fi.changedBy(it) {
		return nil
	}
	guid, link := fi.follow(it)
	res, err := tx.ExecContext(ctx, `UPDATE feed_items SET key = $1, guid = $2, norm_link = $3
		WHERE id = $4 AND NOT EXISTS (SELECT 1 FROM feed_items o
			WHERE o.feed_url = $5 AND o.id <> $4 AND (o.key = $1 OR ($3 <> '' AND o.norm_link = $3)))`,
		it.Key, guid, link, fi.id, feedURL)
	if err != nil {
		return fmt.Errorf("update feed item: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET key = $1, guid = $2, norm_link = $3
		WHERE id = $4 AND feed_url = $5 AND key = $6`,
		it.Key, guid, link, fi.itemID, feedURL, fi.key); err != nil {
		return fmt.Errorf("update item: %w", err)
	}
	s.log.Info("item identifiers changed", "feed_url", feedURL, "item_key", it.Key, "old_item_key", fi.key,
		"guid", guid, "old_guid", fi.guid, "link", link, "old_link", fi.normLink)
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
