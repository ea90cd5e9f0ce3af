package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/reelpost/reelpost/internal/redact"
)

// Match is what the ledger found one item of a poll to be.
type Match int

const (
	// New: nothing in the ledger names it. Record creates it and its
	// deliveries, as its Decision says.
	New Match = iota + 1
	// Unchanged: this feed names it so already, and shows the same content.
	Unchanged
	// Changed: this feed names it so already, with other content (a title,
	// a text, a category that changed). Record keeps the new content.
	Changed
	// Renamed: this feed names it, but by another key, GUID or link (the
	// content may have changed too). Record follows the new names.
	Renamed
	// Alias: another feed carries the same review (same normalised link, or
	// same global GUID). Record remembers how this feed names it, and gives
	// the batch's accounts that have no delivery of it one (see
	// Found.Lacking).
	Alias
)

func (m Match) String() string {
	switch m {
	case New:
		return "new"
	case Unchanged:
		return "unchanged"
	case Changed:
		return "changed"
	case Renamed:
		return "renamed"
	case Alias:
		return "alias"
	}
	return fmt.Sprintf("Match(%d)", int(m))
}

// Sight is which look at a feed a record is.
type Sight int

const (
	// Again: the feed's first sight is recorded already; what is new is news.
	Again Sight = iota
	// First: the feed's first sight, whose items are history.
	First
)

// Found is what the ledger found one item of a batch to be.
type Found struct {
	Match Match
	// Waiting is set when the ledger holds the item as not yet a review (see
	// Decision.Wait); false for an item this batch creates.
	Waiting bool
	// Lacking is set on an Alias that some of the batch's accounts have no
	// delivery of: another feed, routed to other accounts, recorded it. The
	// item's Decision is then theirs (the accounts that have one keep it),
	// so that each account gets the review once, whichever feed carried it.
	// They are given it Pending only if the ledger holds the item as to be
	// posted (Live); an item it holds as not to be posted (history, a dry
	// run) is skipped for them too, with its reason, and Record reports that
	// Decision.
	Lacking bool
	// Live is set on a Lacking item that the ledger holds as to be posted:
	// a delivery of it is pending, being posted, posted or failed. Another
	// feed showed it as a review, so it is one, whatever this feed's copy
	// shows: decided Wait (this copy is not a review yet), it is given to
	// the lacking accounts Pending, due at once, as it would have been had
	// this feed been recorded first and the other opened it. A Decision
	// that skips it with a reason of its own (history at this feed's first
	// sight, a dry run) still skips it.
	Live bool
}

// Open reports whether this record decides the item's deliveries: a new
// item, a waiting one seen with new content or under a new name, which may
// have become a review, or an Alias that some of the batch's accounts lack.
func (f Found) Open() bool {
	return f.Match == New || f.Waiting && f.Match != Unchanged || f.Lacking
}

// Decision is what a Planner decides for an open item: its deliveries'
// Plan, or, for an item that is not a review (yet), Wait.
type Decision struct {
	Plan
	// Wait records the item's deliveries as skipped until a later record
	// finds it open again and decides otherwise (an item recorded as news
	// that is not a review yet: when it becomes one, it is news). A waiting
	// item decided Pending is posted; decided Skipped, it stops waiting.
	Wait bool
}

// Planner decides the open items of a batch (see Found.Open) once the
// ledger has matched them, in the recording transaction: found[i] is what
// items[i] is, sight whether this record is the feed's first sight. It
// returns one Decision per item; those of items that are not open are
// ignored. It may be called again when the transaction is retried, so it
// must not act, only decide.
type Planner func(sight Sight, found []Found) []Decision

// Batch is one poll's items of one feed, to record.
type Batch struct {
	FeedURL  string
	Items    []NewItem
	Accounts []string
	// Sight is what the caller read of the feed: First when its FeedState
	// was not Initialized. The store decides, in the recording transaction,
	// whether this record is the first sight (see RecordFirstSight).
	Sight Sight
	// Plan decides the open items; nil decides them by their own State,
	// NotBefore and FirstSight, and keeps waiting items waiting.
	Plan Planner
	// Feed, when set, is the feed's state after this poll (its URL must be
	// FeedURL's), saved in the recording transaction as SaveFeed would: a
	// poll that records writes once, not twice (issue 13: a first sight's
	// second transaction was a sixth of its cost). Recorded.FeedSaved says
	// whether it was written: not when Record only read.
	Feed *FeedState
}

// Recorded is what Record did.
type Recorded struct {
	// Found and Decisions say, per item of the batch, what it was found to
	// be and what was decided for it (the zero Decision when not open).
	Found     []Found
	Decisions []Decision
	// Created lists the items created (Match New), in batch order.
	Created []Item
	// Sight is First when this record was the feed's first sight.
	Sight Sight
	// FeedSaved is set when Batch.Feed was saved.
	FeedSaved bool
}

// RecordItems records the items of one feed, each planned by its own State
// and NotBefore, and returns the items it created. It never marks the feed
// initialized: a poll that may be the feed's first sight records through
// RecordFirstSight. See Record.
func (s *Store) RecordItems(ctx context.Context, feedURL string, items []NewItem, accounts []string) ([]Item, error) {
	rec, err := s.Record(ctx, Batch{FeedURL: feedURL, Items: items, Accounts: accounts, Sight: Again})
	return rec.Created, err
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
	rec, err := s.Record(ctx, Batch{FeedURL: feedURL, Items: items, Accounts: accounts, Sight: First})
	return rec.Created, rec.Sight == First, err
}

// Record records one poll's items of a feed in one transaction: it matches
// each item against the ledger, asks b.Plan to decide the open ones, and
// writes what follows. This is the one place that decides what an item is:
//
//   - Known (Unchanged, Changed, Renamed): this feed has an item with the
//     same key, the same normalised link or the same GUID (a key match wins,
//     then link, then GUID; among several, the oldest row). A changed GUID
//     or link alone does not make a new item: the stored key, GUID and link
//     follow the feed's latest, unless another item of the feed holds the
//     new key or link already (the feed contradicts itself; nothing moves).
//     The content (title, date, payload) the feed shows is kept per feed, to
//     tell Changed from Unchanged; the item's own feed's latest content is
//     what its deliveries render.
//   - Alias: another feed has an item with the same normalised link or the
//     same GUID where that GUID is global (see globalGUID), or an item whose
//     identity this one would take.
//   - New: anything else. An item row, and one delivery per account, as
//     decided.
//
// An item is waiting when it was decided Wait; a later record that finds it
// open (new content, a new name, another feed carrying it) decides it again,
// and only the record that clears the flag opens its deliveries, so it is
// posted once however many replicas see the change.
//
// When b.Sight is Again and every item is Unchanged, Record only reads: a
// poll with nothing new takes no write lock at all.
//
// The database decides: every insert is ON CONFLICT DO NOTHING, every
// update is conditional on what the match saw, and a transaction that lost a
// race to a concurrent one runs again (matching again), so replicas
// recording the same feed at once create one item and one set of
// deliveries. (Two feeds carrying a review with no link and only a global
// GUID, first recorded at the same instant by two replicas, are the one case
// that can still yield two items: nothing unique spans feeds for GUIDs.)
func (s *Store) Record(ctx context.Context, b Batch) (Recorded, error) {
	what := "record items of feed " + b.FeedURL
	plan := b.Plan
	if plan == nil {
		if err := checkOwnPlans(b.Items); err != nil {
			return Recorded{}, fmt.Errorf("%s: %w", what, err)
		}
		plan = ownPlans(b.Items)
	}
	if b.Feed != nil && b.Feed.URL != b.FeedURL {
		return Recorded{}, fmt.Errorf("%s: the state to save is of feed %s", what, redact.URL(b.Feed.URL))
	}
	if err := s.prepareRecord(ctx, b); err != nil {
		return Recorded{}, fmt.Errorf("%s: %w", what, err)
	}
	fps := make([]string, len(b.Items))
	for i, it := range b.Items {
		if it.Key == "" {
			return Recorded{}, fmt.Errorf("%s: item %q has no key", what, it.Title)
		}
		fps[i] = fingerprint(it)
	}
	if b.Sight == Again {
		// A read first: when the feed shows every item as the ledger has it
		// (a poll with nothing new), no write transaction, so no write lock.
		// What other feeds carry does not matter here: an item the feed does
		// not name is not Unchanged either way.
		v, err := s.loadFeed(ctx, stmtRunner{s: s}, b.FeedURL, b.Items)
		if err != nil {
			return Recorded{}, fmt.Errorf("%s: %w", what, err)
		}
		steps := v.match(b.Items, fps)
		if unchanged(steps) {
			rec := Recorded{Found: make([]Found, len(steps)), Decisions: make([]Decision, len(steps))}
			for i, st := range steps {
				rec.Found[i] = st.found
			}
			return rec, nil
		}
	}
	var rec Recorded
	err := s.inTx(ctx, what, func(tx *sql.Tx) error {
		q := stmtRunner{s: s, tx: tx}
		rec = Recorded{Sight: Again}
		if b.Sight == First {
			// First, so that a concurrent first sight waits here for the one
			// that flipped the flag (PostgreSQL: the row lock; SQLite: the
			// write lock of BEGIN IMMEDIATE) and then, in its reads below,
			// sees the items that one recorded.
			first, err := markInitialized(ctx, q, b.FeedURL)
			if err != nil {
				return err
			}
			if first {
				rec.Sight = First
			}
		}
		v, err := s.loadFeed(ctx, q, b.FeedURL, b.Items)
		if err != nil {
			return err
		}
		if err := s.loadCross(ctx, q, v, b.Items); err != nil {
			return err
		}
		steps := v.match(b.Items, fps)
		if err := loadHeld(ctx, tx, steps, b.Accounts); err != nil {
			return err
		}
		rec.Found = make([]Found, len(steps))
		for i, st := range steps {
			rec.Found[i] = st.found
		}
		rec.Decisions = make([]Decision, len(steps))
		decided := plan(rec.Sight, slices.Clone(rec.Found))
		if len(decided) != len(steps) {
			return fmt.Errorf("planner decided %d items of %d", len(decided), len(steps))
		}
		for i, st := range steps {
			if st.found.Open() {
				if err := checkDecision(decided[i]); err != nil {
					return fmt.Errorf("item %s: %w", b.Items[i].Key, err)
				}
				rec.Decisions[i] = st.held.decide(rec.Sight, st.found, decided[i])
			}
		}
		w := writer{s: s, q: q, feedURL: b.FeedURL, accounts: b.Accounts, now: s.now(), settled: map[int64]bool{}}
		for i, st := range steps {
			if err := w.apply(ctx, b.Items[i], st, rec.Decisions[i]); err != nil {
				return err
			}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		rec.Created = w.created
		if w.opened {
			for _, acct := range b.Accounts {
				if err := ensurePace(ctx, q, acct); err != nil {
					return err
				}
			}
		}
		if b.Feed != nil {
			if _, err := q.ExecContext(ctx, saveFeedSQL, s.feedArgs(*b.Feed)...); err != nil {
				return fmt.Errorf("save feed %s: %w", redact.URL(b.FeedURL), err)
			}
			rec.FeedSaved = true
		}
		return nil
	})
	if err != nil {
		return Recorded{}, err
	}
	for _, it := range rec.Created {
		s.log.Debug("item recorded", "feed_url", redact.URL(b.FeedURL), "item_key", it.Key, "item_id", it.ID, "accounts", len(b.Accounts))
	}
	return rec, nil
}

// checkOwnPlans checks the States of items planned by their own fields.
func checkOwnPlans(items []NewItem) error {
	for _, it := range items {
		if it.State != Pending && it.State != Skipped {
			return fmt.Errorf("item %s: state %q, want pending or skipped", it.Key, it.State)
		}
		if st := it.FirstSight.State; st != "" && st != Pending && st != Skipped {
			return fmt.Errorf("item %s: first-sight state %q, want pending or skipped", it.Key, st)
		}
	}
	return nil
}

// ownPlans decides each new item by its own State and NotBefore, or at the
// feed's first sight its FirstSight, and keeps waiting items waiting.
func ownPlans(items []NewItem) Planner {
	return func(sight Sight, found []Found) []Decision {
		ds := make([]Decision, len(found))
		for i, f := range found {
			switch {
			case f.Waiting:
				ds[i] = Decision{Wait: true}
			case sight == First:
				ds[i] = Decision{Plan: items[i].FirstSight}
			default:
				ds[i] = Decision{Plan: Plan{State: items[i].State, NotBefore: items[i].NotBefore}}
			}
		}
		return ds
	}
}

func checkDecision(d Decision) error {
	switch {
	case d.State != "" && d.State != Pending && d.State != Skipped:
		return fmt.Errorf("decided state %q, want pending or skipped", d.State)
	case d.Wait && d.State == Pending:
		return errors.New("decided both pending and waiting")
	}
	return nil
}

// fingerprint is what tells Changed from Unchanged: a hash of what the feed
// shows of the item.
func fingerprint(it NewItem) string {
	h := sha256.New()
	h.Write([]byte(it.Title))
	h.Write([]byte{0})
	if !it.Published.IsZero() {
		h.Write([]byte(it.Published.UTC().Format(time.RFC3339Nano)))
	}
	h.Write([]byte{0})
	h.Write(it.Payload)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// row is one feed_items row of the recording feed, with its item's
// waiting flag. A row this batch creates has id 0 until it is written.
type row struct {
	id, itemID                   int64
	key, guid, normLink, content string
	waiting                      bool
}

// other is an item that another feed carries, or whose identity is taken:
// by an item this batch creates (row), whose ID is known once written.
type other struct {
	itemID  int64
	waiting bool
	row     *row
}

// id is the item's ID, once written.
func (o other) id() int64 {
	if o.row != nil {
		return o.row.itemID
	}
	return o.itemID
}

// view is what the ledger holds of one batch's items: the recording feed's
// rows naming any of them, and what other feeds carry of those this feed
// does not name. Matching runs on it in memory, and it follows the batch's
// own writes as matching goes, so an item named twice in one batch (a feed
// listing it twice) is matched to what the first one became.
type view struct {
	feedURL              string
	byKey, byLink        map[string]*row
	byGUID               map[string][]*row // GUIDs need not be unique in a feed: oldest first
	crossLink, crossGUID map[string]other
	crossIdentity        map[string]other
}

// step is what matching found for one item, and what recording it writes.
type step struct {
	found Found
	row   *row  // the feed's row naming it (nil for Alias)
	other other // the item another feed carries (Alias)
	held  held  // that item's automatic deliveries (Alias of a recorded item)
	// rename carries the names to store (Renamed) and old the names it had;
	// content is the fingerprint to store, contentChange set when a known
	// item's content changed.
	rename        bool
	guid, link    string
	old           struct{ key, guid, link string }
	content       string
	contentChange bool
}

func unchanged(steps []step) bool {
	for _, st := range steps {
		if st.found.Match != Unchanged {
			return false
		}
	}
	return true
}

// batch is how many items one lookup query asks about: 3 parameters each,
// far below SQLite's and PostgreSQL's parameter limits.
const batch = 200

type queryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// loadFeed reads, in one query per batch of items, the feed's rows naming
// any of items (feedLookupSQL: each OR arm searches its index). The lists
// are padded with the empty string, which names nothing: no row has an
// empty key, and the link and GUID arms exclude empty ones, as an item
// without a link or GUID must match nothing by it.
func (s *Store) loadFeed(ctx context.Context, q queryer, feedURL string, items []NewItem) (*view, error) {
	v := &view{feedURL: feedURL, byKey: map[string]*row{}, byLink: map[string]*row{}, byGUID: map[string][]*row{},
		crossLink: map[string]other{}, crossGUID: map[string]other{}, crossIdentity: map[string]other{}}
	for start := 0; start < len(items); start += batch {
		chunk := items[start:min(start+batch, len(items))]
		n := lookupSize(len(chunk))
		args := make([]any, 1+3*n)
		args[0] = feedURL
		for i := range n {
			key, link, guid := "", "", ""
			if i < len(chunk) {
				key, link, guid = chunk[i].Key, chunk[i].NormLink, chunk[i].GUID
			}
			args[1+i], args[1+n+i], args[1+2*n+i] = key, link, guid
		}
		rows, err := q.QueryContext(ctx, feedLookupSQL(n), args...)
		if err != nil {
			return nil, fmt.Errorf("look up items of feed %s: %w", feedURL, err)
		}
		var got []*row
		for rows.Next() {
			r := &row{}
			if err := rows.Scan(&r.id, &r.itemID, &r.key, &r.guid, &r.normLink, &r.content, &r.waiting); err != nil {
				rows.Close()
				return nil, fmt.Errorf("look up items of feed %s: %w", feedURL, err)
			}
			got = append(got, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("look up items of feed %s: %w", feedURL, err)
		}
		for _, r := range got {
			if _, dup := v.byKey[r.key]; !dup { // found by two arms or chunks
				v.index(r)
			}
		}
	}
	for _, rs := range v.byGUID {
		slices.SortFunc(rs, func(a, b *row) int { return cmp.Compare(a.id, b.id) })
	}
	return v, nil
}

// loadCross reads what other feeds carry of items, and the items whose
// identity they would take (crossLookupSQL: each OR arm repeats its partial
// index's condition, so that both databases search the norm_link and guid
// indexes arm by arm, SQLite a MULTI-INDEX OR, instead of scanning
// feed_items: 20,000 rows, 4.2 ms a lookup, and linear). The lists are
// padded with the empty string, as in loadFeed. It asks about every item,
// not only those the feed does not name now: an earlier item of the batch
// may rename a row away from a later one.
func (s *Store) loadCross(ctx context.Context, q queryer, v *view, items []NewItem) error {
	for start := 0; start < len(items); start += batch {
		chunk := items[start:min(start+batch, len(items))]
		n := lookupSize(len(chunk))
		args := make([]any, 1+3*n)
		args[0] = v.feedURL
		for i := range n {
			link, guid, ident := "", "", ""
			if i < len(chunk) {
				link, guid, ident = chunk[i].NormLink, crossGUID(chunk[i].GUID), itemIdentity(v.feedURL, chunk[i])
			}
			args[1+i], args[1+n+i], args[1+2*n+i] = link, guid, ident
		}
		rows, err := q.QueryContext(ctx, crossLookupSQL(n), args...)
		if err != nil {
			return fmt.Errorf("look up items of feed %s in other feeds: %w", v.feedURL, err)
		}
		for rows.Next() {
			var o other
			var link, guid, ident string
			if err := rows.Scan(&o.itemID, &link, &guid, &ident, &o.waiting); err != nil {
				rows.Close()
				return fmt.Errorf("look up items of feed %s in other feeds: %w", v.feedURL, err)
			}
			// Every row naming one review points at the same item, so which
			// match wins is moot.
			keepFirst(v.crossLink, link, o)
			keepFirst(v.crossGUID, guid, o)
			keepFirst(v.crossIdentity, ident, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("look up items of feed %s in other feeds: %w", v.feedURL, err)
		}
	}
	return nil
}

func keepFirst(m map[string]other, k string, o other) {
	if _, ok := m[k]; k != "" && !ok {
		m[k] = o
	}
}

// index adds r under its names.
func (v *view) index(r *row) {
	v.byKey[r.key] = r
	if r.normLink != "" {
		v.byLink[r.normLink] = r
	}
	if r.guid != "" {
		v.byGUID[r.guid] = append(v.byGUID[r.guid], r)
	}
}

// unindex removes r from under its names.
func (v *view) unindex(r *row) {
	if v.byKey[r.key] == r {
		delete(v.byKey, r.key)
	}
	if v.byLink[r.normLink] == r {
		delete(v.byLink, r.normLink)
	}
	if rs := slices.DeleteFunc(v.byGUID[r.guid], func(x *row) bool { return x == r }); len(rs) > 0 {
		v.byGUID[r.guid] = rs
	} else {
		delete(v.byGUID, r.guid)
	}
}

// inFeed finds how the feed already names it: same key, else same
// normalised link, else same GUID (the oldest row).
func (v *view) inFeed(it NewItem) (*row, bool) {
	if r, ok := v.byKey[it.Key]; ok {
		return r, true
	}
	if r, ok := v.byLink[it.NormLink]; ok && it.NormLink != "" {
		return r, true
	}
	if rs := v.byGUID[it.GUID]; len(rs) > 0 && it.GUID != "" {
		return rs[0], true
	}
	return nil, false
}

// elsewhere finds the item another feed carries as it.
func (v *view) elsewhere(it NewItem) (other, bool) {
	if o, ok := v.crossLink[it.NormLink]; ok && it.NormLink != "" {
		return o, true
	}
	if g := crossGUID(it.GUID); g != "" {
		if o, ok := v.crossGUID[g]; ok {
			return o, true
		}
	}
	o, ok := v.crossIdentity[itemIdentity(v.feedURL, it)]
	return o, ok
}

// follow returns the GUID and link to store for a known item seen as it: a
// value the feed no longer gives is kept.
func (r *row) follow(it NewItem) (guid, link string) {
	guid, link = it.GUID, it.NormLink
	if guid == "" {
		guid = r.guid
	}
	if link == "" {
		link = r.normLink
	}
	return guid, link
}

// canRename reports whether r may take it's names: no other row of the feed
// holds its key or its link already (then the feed contradicts itself, and
// the item stays as it was). Every such row is in the view: it matches the
// item's key or link.
func (v *view) canRename(r *row, it NewItem, link string) bool {
	if o, ok := v.byKey[it.Key]; ok && o != r {
		return false
	}
	if o, ok := v.byLink[link]; ok && link != "" && o != r {
		return false
	}
	return true
}

// match decides what each item is, in batch order, and moves the view on as
// recording each would.
func (v *view) match(items []NewItem, fps []string) []step {
	steps := make([]step, len(items))
	touched := map[*row]bool{} // rows an earlier item of the batch named
	for i, it := range items {
		st := &steps[i]
		st.content = fps[i]
		if r, ok := v.inFeed(it); ok {
			st.row = r
			st.found = Found{Match: Unchanged, Waiting: r.waiting}
			guid, link := r.follow(it)
			if (it.Key != r.key || guid != r.guid || link != r.normLink) && v.canRename(r, it, link) {
				st.rename, st.guid, st.link = true, guid, link
				st.old.key, st.old.guid, st.old.link = r.key, r.guid, r.normLink
				st.found.Match = Renamed
				v.unindex(r)
				r.key, r.guid, r.normLink = it.Key, guid, link
				v.index(r)
			}
			// The first item of the batch that names a row speaks for its
			// content; a second listing of it is not a change back and forth.
			if !touched[r] && r.content != fps[i] {
				st.contentChange = true
				r.content = fps[i]
				if st.found.Match == Unchanged {
					st.found.Match = Changed
				}
			}
			touched[r] = true
			continue
		}
		r := &row{key: it.Key, guid: it.GUID, normLink: it.NormLink, content: fps[i]}
		st.row = r
		if o, ok := v.elsewhere(it); ok {
			st.found = Found{Match: Alias, Waiting: o.waiting}
			st.other = o
			r.waiting = o.waiting
		} else {
			st.found = Found{Match: New}
			// The identity is taken now: a later item of the batch that would
			// take it too (this one's old link, after a rename) is an alias.
			v.crossIdentity[itemIdentity(v.feedURL, it)] = other{row: r}
		}
		v.index(r)
		touched[r] = true
	}
	return steps
}

// held is what the ledger holds of an aliased item's automatic deliveries
// (seq 0).
type held struct {
	// lacking are the batch's accounts that have none.
	lacking []string
	// live is set when one is to be posted: pending, being posted, posted
	// or failed.
	live bool
	// reason is a skipped one's reason (history, a dry run).
	reason string
}

// loadHeld reads, for each Alias of an item recorded before this batch,
// which of accounts lack its automatic delivery, and marks it Lacking.
// Aliases are rare (a review's first sight through a second feed; later
// polls find it in that feed at once), so one query each.
func loadHeld(ctx context.Context, q queryer, steps []step, accounts []string) error {
	for i := range steps {
		st := &steps[i]
		if st.found.Match != Alias || st.other.row != nil || len(accounts) == 0 {
			continue
		}
		rows, err := q.QueryContext(ctx, `SELECT account, state, last_error FROM deliveries WHERE item_id = $1 AND seq = 0`,
			st.other.itemID)
		if err != nil {
			return fmt.Errorf("read deliveries of item %d: %w", st.other.itemID, err)
		}
		have := map[string]bool{}
		for rows.Next() {
			var acct, state, reason string
			if err := rows.Scan(&acct, &state, &reason); err != nil {
				rows.Close()
				return fmt.Errorf("read deliveries of item %d: %w", st.other.itemID, err)
			}
			have[acct] = true
			if State(state) != Skipped {
				st.held.live = true
			} else if st.held.reason == "" {
				st.held.reason = reason
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read deliveries of item %d: %w", st.other.itemID, err)
		}
		for _, acct := range accounts {
			if !have[acct] && !slices.Contains(st.held.lacking, acct) {
				st.held.lacking = append(st.held.lacking, acct)
			}
		}
		st.found.Lacking = len(st.held.lacking) > 0
		// A waiting item's deliveries are all skipped: one read as live
		// here was opened after the item was read as waiting, and the
		// record runs again (see addAccounts).
		st.found.Live = st.found.Lacking && st.held.live && !st.found.Waiting
	}
	return nil
}

// decide is the Decision that applies to a Lacking item's missing
// deliveries, given d, the planner's. A waiting item's is d: it decides the
// item. Otherwise the ledger has decided the item already: one it holds as
// to be posted is posted to these accounts as d says, or at once when d
// would have it wait as news (this feed's copy is not a review yet, the
// other feed's was: see Found.Live; at this feed's first sight it is
// history, as a review would be); one it holds as not to be posted is
// not, nor made to wait again (it waits only as news), and keeps its
// reason unless d gives its own (history at this feed's first sight).
func (h held) decide(sight Sight, f Found, d Decision) Decision {
	switch {
	case !f.Lacking || f.Waiting:
		return d
	case d.State == Pending && h.live:
		return d
	case d.Wait && h.live && sight == Again:
		return Decision{Plan: Plan{State: Pending}}
	case d.State == Pending || d.Wait || d.Reason == "":
		return Decision{Plan: Plan{State: Skipped, Reason: h.reason}}
	}
	return Decision{Plan: Plan{State: Skipped, Reason: d.Reason}}
}

// writer writes one batch's steps in its transaction.
type writer struct {
	s        *Store
	q        stmtRunner // the transaction, through the prepared statements
	feedURL  string
	accounts []string
	now      time.Time
	// opened is set once a delivery was created or opened: the accounts'
	// pacing rows must exist for Claim.
	opened bool
	// settled are the waiting items this batch decided already (one listed
	// twice, or through two names).
	settled map[int64]bool
	// queued are the new items not written yet (flush), and created those
	// written, in batch order.
	queued  []newRow
	created []Item
}

// newRow is a new item waiting in writer.queued.
type newRow struct {
	item Item
	row  *row
	d    Decision
}

// apply writes one step. A new item is queued, to be written with the new
// items that follow it (flush); any other step writes the queue first, so
// the statements run in batch order (a rename may free a name a later new
// item takes; an alias may point at an item the batch creates).
func (w *writer) apply(ctx context.Context, it NewItem, st step, d Decision) error {
	if st.found.Match == New {
		w.queue(it, st, d)
		if len(w.queued) == insertSizes[0] {
			return w.flush(ctx)
		}
		return nil
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	if err := w.applyKnown(ctx, it, st, d); err != nil {
		return fmt.Errorf("item %s: %w", it.Key, err)
	}
	return nil
}

// applyKnown writes a step that is not New.
func (w *writer) applyKnown(ctx context.Context, it NewItem, st step, d Decision) error {
	switch st.found.Match {
	case Alias:
		// The same review through another feed: remember how this feed
		// names it, so that the next poll finds it here at once.
		st.row.itemID = st.other.id()
		if err := w.insertFeedItem(ctx, it, st.row); err != nil {
			return err
		}
		if st.found.Lacking {
			if err := w.addAccounts(ctx, st, d); err != nil {
				return err
			}
		}
	case Renamed:
		if err := w.rename(ctx, it, st); err != nil {
			return err
		}
	}
	if st.contentChange {
		if err := w.keepContent(ctx, it, st); err != nil {
			return err
		}
	}
	if st.found.Waiting && st.found.Open() && !d.Wait && !w.settled[st.row.itemID] {
		w.settled[st.row.itemID] = true
		return w.settleWaiting(ctx, it, st.row.itemID, d)
	}
	return nil
}

// queue adds a new item to write.
func (w *writer) queue(it NewItem, st step, d Decision) {
	item := Item{
		Identity:  itemIdentity(w.feedURL, it),
		FeedURL:   w.feedURL,
		Key:       it.Key,
		GUID:      it.GUID,
		NormLink:  it.NormLink,
		Title:     it.Title,
		Published: it.Published.UTC().Truncate(time.Microsecond),
		Payload:   it.Payload,
		FirstSeen: w.now,
	}
	if it.Published.IsZero() {
		item.Published = time.Time{}
	}
	w.queued = append(w.queued, newRow{item: item, row: st.row, d: d})
}

// flush writes the queued new items, how this feed names them, and their
// deliveries, each of this feed (Delivery.FeedURL), a few rows to a
// statement (insertSizes). A row that conflicts (a concurrent record
// created the same review, or named it so in this feed) makes the
// transaction run again, to see it.
func (w *writer) flush(ctx context.Context) error {
	if len(w.queued) == 0 {
		return nil
	}
	s, q := w.s, w.queued
	w.queued = nil
	ids := map[string]int64{}
	for start, n := range chunks(len(q)) {
		args := make([]any, 0, n*itemInsertCols)
		for _, nr := range q[start : start+n] {
			it := nr.item
			args = append(args, it.Identity, w.feedURL, it.Key, it.GUID, it.NormLink, it.Title, s.ts(it.Published), it.Payload, s.ts(w.now), nr.d.Wait)
		}
		if err := w.returned(ctx, insertItemsSQL(n), args, ids); err != nil {
			return fmt.Errorf("insert items: %w", err)
		}
	}
	for i := range q {
		id, ok := ids[q[i].item.Identity]
		if !ok {
			return errRetry
		}
		q[i].item.ID, q[i].row.itemID = id, id
	}
	rowIDs := map[string]int64{}
	for start, n := range chunks(len(q)) {
		args := make([]any, 0, n*feedItemInsertCols)
		for _, nr := range q[start : start+n] {
			it := nr.item
			args = append(args, w.feedURL, it.Key, it.GUID, it.NormLink, it.ID, s.ts(w.now), nr.row.content)
		}
		if err := w.returned(ctx, insertFeedItemsSQL(n), args, rowIDs); err != nil {
			return fmt.Errorf("insert feed items: %w", err)
		}
	}
	for _, nr := range q {
		id, ok := rowIDs[nr.item.Key]
		if !ok {
			return errRetry
		}
		nr.row.id = id
	}
	var dargs [][]any
	for _, nr := range q {
		state := nr.d.State
		if state == "" {
			state = Skipped
		}
		reason := ""
		if state == Skipped {
			reason = nr.d.Reason
		}
		seen := map[string]bool{}
		for _, acct := range w.accounts {
			if seen[acct] {
				continue
			}
			seen[acct] = true
			dargs = append(dargs, []any{nr.item.ID, acct, DeliveryKey(nr.item.Identity, acct, 0), string(state),
				s.tsNonNull(nr.d.NotBefore), s.ts(w.now), reason, w.feedURL})
		}
	}
	for start, n := range chunks(len(dargs)) {
		args := make([]any, 0, n*deliveryInsertCols)
		for _, a := range dargs[start : start+n] {
			args = append(args, a...)
		}
		if _, err := w.q.ExecContext(ctx, insertDeliveriesSQL(n), args...); err != nil {
			return fmt.Errorf("insert deliveries: %w", err)
		}
		w.opened = true
	}
	for _, nr := range q {
		w.created = append(w.created, nr.item)
	}
	return nil
}

// returned runs an insert returning (id, name) rows into got.
func (w *writer) returned(ctx context.Context, query string, args []any, got map[string]int64) error {
	rows, err := w.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		got[name] = id
	}
	return rows.Err()
}

// addAccounts gives the batch's accounts that a Lacking item has no
// automatic delivery of one, as d (its held.decide) says: pending, due at
// NotBefore, or skipped with its reason; a waiting item's are skipped, to
// open with its others (settleWaiting). A conflict (a concurrent record
// gave the account one) leaves that one: one delivery per item, account
// and seq. Each is this feed's (Delivery.FeedURL): its route gave the
// account the review, so its template and hashtags are the post's; an
// account that has one through another feed keeps that one, and its text.
func (w *writer) addAccounts(ctx context.Context, st step, d Decision) error {
	s := w.s
	state, reason := Skipped, d.Reason
	if d.State == Pending && !st.found.Waiting {
		state, reason = Pending, ""
	}
	if st.found.Waiting && !w.settled[st.row.itemID] {
		// The skipped deliveries are for settleWaiting to open, so it must
		// see them. A replica settling the item at this moment would not,
		// on PostgreSQL: its UPDATE of the item's deliveries sees only rows
		// committed before it began, and these would be committed after,
		// skipped for good. So the item's row is locked first, as
		// settleWaiting locks it before it opens anything: either that
		// replica waits for this transaction to commit, and its UPDATE,
		// which begins after, sees these rows; or it settled the item first,
		// and this record runs again, finding the item no longer waiting
		// (its lacking accounts then get it as held.decide says). SQLite
		// lets one writer in at a time: there it only writes the row's page.
		// An item this batch settled already (listed twice, or reached
		// through two names) is locked by this transaction and no longer
		// waiting: it is not locked again, which would find it settled and
		// run the record again, and again, for ever.
		if err := w.changeOne(ctx, fmt.Sprintf("lock waiting item %d", st.row.itemID),
			`UPDATE items SET waiting = waiting WHERE id = $1 AND waiting`, st.row.itemID); err != nil {
			return err
		}
	}
	identity, err := w.identityOf(ctx, st.row.itemID)
	if err != nil {
		return err
	}
	for _, acct := range st.held.lacking {
		if _, err := w.q.ExecContext(ctx, insertDeliveriesSQL(1),
			st.row.itemID, acct, DeliveryKey(identity, acct, 0), string(state), s.tsNonNull(d.NotBefore), s.ts(w.now), reason, w.feedURL); err != nil {
			return fmt.Errorf("insert delivery for account %s: %w", acct, err)
		}
		w.opened = true
	}
	s.log.Info("item of another feed given to this feed's accounts", "feed_url", redact.URL(w.feedURL), "item_key", st.row.key,
		"item_id", st.row.itemID, "accounts", len(st.held.lacking), "state", string(state))
	return nil
}

// insertFeedItem records how the feed names item r.itemID. A conflict means
// a concurrent transaction recorded it first: run again to see it.
func (w *writer) insertFeedItem(ctx context.Context, it NewItem, r *row) error {
	var key string
	err := w.q.QueryRowContext(ctx, insertFeedItemsSQL(1),
		w.feedURL, it.Key, it.GUID, it.NormLink, r.itemID, w.s.ts(w.now), r.content).Scan(&r.id, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return errRetry
	}
	if err != nil {
		return fmt.Errorf("insert feed item: %w", err)
	}
	return nil
}

// rename stores a known item's new key, GUID or link (an http link that
// became https, a GUID scheme change), so that the feed's later polls match
// it directly. The update is conditional on what matching saw (no other row
// of the feed holds the names): a concurrent writer that changed that makes
// the transaction run again.
func (w *writer) rename(ctx context.Context, it NewItem, st step) error {
	old := st.old
	if err := w.changeOne(ctx, "update feed item", `UPDATE feed_items SET key = $1, guid = $2, norm_link = $3
		WHERE id = $4 AND NOT EXISTS (SELECT 1 FROM feed_items o
			WHERE o.feed_url = $5 AND o.id <> $4
				AND (o.key = $1 OR (o.norm_link <> '' AND o.norm_link = $3)))`,
		it.Key, st.guid, st.link, st.row.id, w.feedURL); err != nil {
		return err
	}
	if _, err := w.q.ExecContext(ctx, `UPDATE items SET key = $1, guid = $2, norm_link = $3
		WHERE id = $4 AND feed_url = $5 AND key = $6`,
		it.Key, st.guid, st.link, st.row.itemID, w.feedURL, old.key); err != nil {
		return fmt.Errorf("update item: %w", err)
	}
	w.s.log.Info("item identifiers changed", "feed_url", redact.URL(w.feedURL), "item_key", it.Key, "old_item_key", old.key,
		"guid", st.guid, "old_guid", old.guid, "link", st.link, "old_link", old.link)
	return nil
}

// keepContent stores what the feed shows of a known item now: its
// fingerprint for this feed, and, from the item's own feed, the title, date
// and payload its deliveries render (a pending one posts the latest text;
// a repost too).
func (w *writer) keepContent(ctx context.Context, it NewItem, st step) error {
	s := w.s
	if _, err := w.q.ExecContext(ctx, `UPDATE feed_items SET fingerprint = $1 WHERE id = $2`, st.content, st.row.id); err != nil {
		return fmt.Errorf("update feed item content: %w", err)
	}
	if _, err := w.q.ExecContext(ctx, `UPDATE items SET title = $1, published = $2, payload = $3 WHERE id = $4 AND feed_url = $5`,
		it.Title, s.ts(it.Published), it.Payload, st.row.itemID, w.feedURL); err != nil {
		return fmt.Errorf("update item content: %w", err)
	}
	return nil
}

// settleWaiting applies a decision other than Wait to a waiting item: it
// stops waiting and, decided Pending, its automatic deliveries open, due at
// NotBefore, with the content that made it a review. Clearing the flag is
// conditional, so of replicas deciding the same item at once one opens it;
// the others run again and find it no longer waiting.
//
// Clearing the flag locks the item's row (if keepContent has not already)
// before any delivery is opened. A replica giving the item's skipped
// deliveries to another feed's accounts holds that lock from before it
// writes them (addAccounts), so on PostgreSQL this waits for it to commit,
// and the UPDATE of the deliveries below, a statement begun after that,
// sees them and opens them with the others.
func (w *writer) settleWaiting(ctx context.Context, it NewItem, itemID int64, d Decision) error {
	s := w.s
	if err := w.changeOne(ctx, "settle waiting item", `UPDATE items SET waiting = FALSE WHERE id = $1 AND waiting`, itemID); err != nil {
		return err
	}
	if d.State != Pending {
		return nil
	}
	if _, err := w.q.ExecContext(ctx, `UPDATE items SET title = $1, published = $2, payload = $3 WHERE id = $4`,
		it.Title, s.ts(it.Published), it.Payload, itemID); err != nil {
		return fmt.Errorf("update item content: %w", err)
	}
	identity, err := w.identityOf(ctx, itemID)
	if err != nil {
		return err
	}
	// Its deliveries for the accounts of other feeds that carry it, routed
	// elsewhere, waited with it: they open too, so that each account gets
	// the review whichever feed showed it becoming one, rendered as the
	// feed that gave it the account says (each keeps its feed_url).
	if _, err := w.q.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', next_attempt = $2,
			created_at = $3, updated_at = $3
		WHERE item_id = $1 AND seq = 0 AND state = 'skipped'`,
		itemID, s.tsNonNull(d.NotBefore), s.ts(w.now)); err != nil {
		return fmt.Errorf("open deliveries of item %d: %w", itemID, err)
	}
	for _, acct := range w.accounts {
		// The delivery was created skipped with the item (or not at all, for
		// an account added since). It opens as if created now: a lookup of
		// an earlier post searches from here.
		if _, err := w.q.ExecContext(ctx, `INSERT INTO deliveries
			(item_id, account, seq, key, state, attempts, next_attempt, created_at, updated_at, feed_url)
			VALUES ($1, $2, 0, $3, 'pending', 0, $4, $5, $5, $6)
			ON CONFLICT (item_id, account, seq) DO UPDATE SET state = 'pending', next_attempt = excluded.next_attempt,
				created_at = excluded.created_at, updated_at = excluded.updated_at
			WHERE deliveries.state = 'skipped'`,
			itemID, acct, DeliveryKey(identity, acct, 0), s.tsNonNull(d.NotBefore), s.ts(w.now), w.feedURL); err != nil {
			return fmt.Errorf("open delivery for account %s: %w", acct, err)
		}
		w.opened = true
	}
	return nil
}

// changeOne runs an update that must change a row: one that changes none
// found what matching saw changed by a concurrent writer, and the record
// runs again.
func (w *writer) changeOne(ctx context.Context, what, query string, args ...any) error {
	res, err := w.q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return errRetry
	}
	return nil
}

// identityOf reads an item's identity, which its delivery keys derive from.
func (w *writer) identityOf(ctx context.Context, itemID int64) (string, error) {
	var identity string
	if err := w.q.QueryRowContext(ctx, `SELECT identity FROM items WHERE id = $1`, itemID).Scan(&identity); err != nil {
		return "", fmt.Errorf("read item %d: %w", itemID, err)
	}
	return identity, nil
}
