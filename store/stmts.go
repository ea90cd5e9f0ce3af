package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The statements of a poll's record (Record) are prepared once per Store
// and run in each transaction through Tx.StmtContext, which reuses a
// statement already prepared on the transaction's connection. modernc's
// SQLite parses and plans every statement it is given as text: at a
// feed's first sight (ten items, three inserts each) that was a third of
// the store's CPU, and the first round of 5,000 feeds is mostly first
// sights (issue 13, target 5; BENCHMARKS.md).
//
// Statements with a list of values come in a few fixed sizes, so that
// the prepared set stays small whatever the feeds hold: a lookup's IN
// lists are padded to lookupSizes with the empty string, which names
// nothing (see loadFeed), and rows are inserted in chunks of insertSizes.

// lookupSizes are the lengths a lookup's IN lists are padded to; the last
// is batch, the most items one lookup asks about.
var lookupSizes = []int{4, 16, 64, batch}

// lookupSize is the padded length of a list of n values.
func lookupSize(n int) int {
	for _, s := range lookupSizes {
		if n <= s {
			return s
		}
	}
	return n
}

// insertSizes are the row counts of the multi-row inserts, largest first:
// n rows are written as chunks of these (11 = 8+2+1).
var insertSizes = []int{16, 8, 4, 2, 1}

// chunks yields, for n rows, each chunk's start and size: n rows are
// written as chunks of insertSizes.
func chunks(n int) func(yield func(start, size int) bool) {
	return func(yield func(int, int) bool) {
		start := 0
		for _, size := range insertSizes {
			for ; n-start >= size; start += size {
				if !yield(start, size) {
					return
				}
			}
		}
	}
}

// values renders n rows of cols placeholders each, numbered from 1.
func values(n, cols int) string {
	var b strings.Builder
	for r := range n {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		b.WriteString(placeholders(r*cols+1, cols))
		b.WriteByte(')')
	}
	return b.String()
}

const (
	markInitializedSQL = `INSERT INTO feeds (url, initialized) VALUES ($1, TRUE)
		ON CONFLICT (url) DO UPDATE SET initialized = TRUE WHERE NOT feeds.initialized`
	saveFeedSQL = `INSERT INTO feeds (` + feedCols + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (url) DO UPDATE SET
			etag = excluded.etag, last_modified = excluded.last_modified, body_hash = excluded.body_hash,
			last_poll = excluded.last_poll, last_success = excluded.last_success,
			consecutive_errors = excluded.consecutive_errors, last_error = excluded.last_error,
			next_poll = excluded.next_poll, initialized = (feeds.initialized OR excluded.initialized)`
	ensurePaceSQL = `INSERT INTO account_pace (account) VALUES ($1) ON CONFLICT DO NOTHING`
)

// buildFeedLookupSQL is loadFeed's query for n items: $1 the feed, then n keys,
// n links and n GUIDs. Each OR arm repeats its partial index's condition
// (norm_link <> ”, guid <> ”) so that both databases search the indexes
// arm by arm instead of scanning the table.
func buildFeedLookupSQL(n int) string {
	const cols = `SELECT f.id, f.item_id, f.key, f.guid, f.norm_link, f.fingerprint, i.waiting
			FROM feed_items f JOIN items i ON i.id = f.item_id WHERE f.feed_url = $1 AND `
	return cols + `f.key IN (` + placeholders(2, n) + `)
			UNION ALL ` + cols + `f.norm_link <> '' AND f.norm_link IN (` + placeholders(2+n, n) + `)
			UNION ALL ` + cols + `f.guid <> '' AND f.guid IN (` + placeholders(2+2*n, n) + `)`
}

// buildCrossLookupSQL is loadCross's query for n items: $1 the feed, then n
// links, n global GUIDs and n identities.
func buildCrossLookupSQL(n int) string {
	return `SELECT f.item_id, f.norm_link, f.guid, '', i.waiting
				FROM feed_items f JOIN items i ON i.id = f.item_id
				WHERE f.feed_url <> $1 AND ((f.norm_link <> '' AND f.norm_link IN (` + placeholders(2, n) + `))
					OR (f.guid <> '' AND f.guid IN (` + placeholders(2+n, n) + `)))
			UNION ALL SELECT id, '', '', identity, waiting FROM items WHERE identity <> '' AND identity IN (` + placeholders(2+2*n, n) + `)`
}

const (
	itemInsertCols     = 10
	feedItemInsertCols = 7
	deliveryInsertCols = 8
)

// buildInsertItemsSQL creates n items; a row that conflicts (a concurrent
// record created the same review) is not returned.
func buildInsertItemsSQL(n int) string {
	return `INSERT INTO items (identity, feed_url, key, guid, norm_link, title, published, payload, first_seen, waiting)
		VALUES ` + values(n, itemInsertCols) + ` ON CONFLICT DO NOTHING RETURNING id, identity`
}

// buildInsertFeedItemsSQL records how a feed names n items; a row that
// conflicts is not returned.
func buildInsertFeedItemsSQL(n int) string {
	return `INSERT INTO feed_items (feed_url, key, guid, norm_link, item_id, first_seen, fingerprint)
		VALUES ` + values(n, feedItemInsertCols) + ` ON CONFLICT DO NOTHING RETURNING id, key`
}

// buildInsertDeliveriesSQL creates n automatic deliveries (seq 0); one that
// exists already is left as it is.
func buildInsertDeliveriesSQL(n int) string {
	rows := make([]string, n)
	for r := range n {
		p := r*deliveryInsertCols + 1
		// created_at and updated_at are both $p+5.
		rows[r] = fmt.Sprintf("($%d, $%d, 0, $%d, $%d, 0, $%d, $%d, $%d, $%d, $%d)", p, p+1, p+2, p+3, p+4, p+5, p+5, p+6, p+7)
	}
	return `INSERT INTO deliveries
		(item_id, account, seq, key, state, attempts, next_attempt, created_at, updated_at, last_error, feed_url)
		VALUES ` + strings.Join(rows, ",") + ` ON CONFLICT DO NOTHING`
}

// The statements' texts, built once for each size.
var (
	feedLookups, crossLookups                = sized(lookupSizes, buildFeedLookupSQL), sized(lookupSizes, buildCrossLookupSQL)
	itemInserts, feedItemInserts, delInserts = sized(insertSizes, buildInsertItemsSQL), sized(insertSizes, buildInsertFeedItemsSQL), sized(insertSizes, buildInsertDeliveriesSQL)
)

func sized(sizes []int, build func(int) string) map[int]string {
	m := make(map[int]string, len(sizes))
	for _, n := range sizes {
		m[n] = build(n)
	}
	return m
}

func feedLookupSQL(n int) string       { return textOf(feedLookups, n, buildFeedLookupSQL) }
func crossLookupSQL(n int) string      { return textOf(crossLookups, n, buildCrossLookupSQL) }
func insertItemsSQL(n int) string      { return textOf(itemInserts, n, buildInsertItemsSQL) }
func insertFeedItemsSQL(n int) string  { return textOf(feedItemInserts, n, buildInsertFeedItemsSQL) }
func insertDeliveriesSQL(n int) string { return textOf(delInserts, n, buildInsertDeliveriesSQL) }

// textOf is m's text for n, or one built for a size not in it.
func textOf(m map[int]string, n int, build func(int) string) string {
	if q, ok := m[n]; ok {
		return q
	}
	return build(n)
}

// recordQueries are the statements a record of b may run, for
// prepareRecord: those of the sizes its items and accounts can need, so
// that a daemon of small feeds does not hold the large lookups (a
// prepared statement of 200 values is about 200 KB of SQLite's memory, on
// each connection that ran it).
func recordQueries(b Batch) []string {
	var qs []string
	if b.Sight == First {
		qs = append(qs, markInitializedSQL)
	}
	if b.Feed != nil {
		qs = append(qs, saveFeedSQL)
	}
	if len(b.Accounts) > 0 {
		qs = append(qs, ensurePaceSQL)
	}
	n := len(b.Items)
	for start := 0; start < n; start += batch {
		size := lookupSize(min(batch, n-start))
		qs = append(qs, feedLookupSQL(size), crossLookupSQL(size))
	}
	for _, size := range insertSizes {
		if size <= n {
			qs = append(qs, insertItemsSQL(size), insertFeedItemsSQL(size))
		}
		if size <= n*len(b.Accounts) {
			qs = append(qs, insertDeliveriesSQL(size))
		}
	}
	return qs
}

// prepareRecord prepares the statements a record of b may run that are
// not prepared yet. It runs before Record's transaction, because
// preparing on the database takes a connection of its own, which a
// transaction waiting for one must never need (a full pool would wait for
// itself). A statement the transaction runs unprepared all the same (a
// size not foreseen) runs as text.
func (s *Store) prepareRecord(ctx context.Context, b Batch) error {
	for _, q := range recordQueries(b) {
		if _, err := s.prepared(ctx, q); err != nil {
			return fmt.Errorf("prepare statement: %w", err)
		}
	}
	return nil
}

// stmtRunner runs statements on a transaction, or on the database when tx
// is nil, through the Store's prepared statement of the same text where
// there is one, else as text.
type stmtRunner struct {
	s  *Store
	tx *sql.Tx
}

// stmt is the prepared statement of query for r, or nil.
func (r stmtRunner) stmt(ctx context.Context, query string) *sql.Stmt {
	r.s.stmtMu.Lock()
	st := r.s.stmts[query]
	r.s.stmtMu.Unlock()
	if st == nil || r.tx == nil {
		return st
	}
	return r.tx.StmtContext(ctx, st)
}

func (r stmtRunner) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if r.tx == nil {
		return r.s.db.ExecContext(ctx, query, args...)
	}
	return r.tx.ExecContext(ctx, query, args...)
}

func (r stmtRunner) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if r.tx == nil {
		return r.s.db.QueryContext(ctx, query, args...)
	}
	return r.tx.QueryContext(ctx, query, args...)
}

func (r stmtRunner) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if r.tx == nil {
		return r.s.db.QueryRowContext(ctx, query, args...)
	}
	return r.tx.QueryRowContext(ctx, query, args...)
}

type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}
