// Package ledgerfill fills a reelpost ledger with reviews already posted,
// by SQL, for the benchmarks of a grown ledger: the store's
// BenchmarkRecordGrowth and the benchrig's ledger scenario (issue 13,
// target 1). The rows are what years of a blog leave: n items of 100
// feeds, each named in its feed, each with one delivery, nine in ten
// posted and the rest skipped.
package ledgerfill

import (
	"strconv"
	"time"
)

// Statements are the statements that fill a ledger, whose schema is
// migrated, with n reviews first seen at at; run them in order, in one
// transaction. postgres selects PostgreSQL's dialect, else SQLite's (times
// as microseconds since the epoch).
func Statements(postgres bool, n int, at time.Time) []string {
	seq := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ` + strconv.Itoa(n) + `) `
	payload := `x'7b7d'`
	when := strconv.FormatInt(at.UnixMicro(), 10)
	if postgres {
		seq = `WITH n(i) AS (SELECT generate_series(1, ` + strconv.Itoa(n) + `)) `
		payload = `'\x7b7d'::bytea`
		when = `'` + at.Format(time.RFC3339Nano) + `'::timestamptz`
	}
	return []string{
		seq + `INSERT INTO items (identity, feed_url, key, guid, norm_link, title, published, payload, first_seen)
			SELECT 'https://fill.example/reviews/' || i, 'https://fill' || (i % 100) || '.example/feed/',
				'https://fill.example/?p=' || i, 'https://fill.example/?p=' || i, 'https://fill.example/reviews/' || i,
				'Review ' || i, ` + when + `, ` + payload + `, ` + when + ` FROM n`,
		`INSERT INTO feed_items (feed_url, key, guid, norm_link, item_id, first_seen, fingerprint)
			SELECT feed_url, key, guid, norm_link, id, first_seen, 'filled' FROM items WHERE identity LIKE 'https://fill.example/%'`,
		`INSERT INTO deliveries (item_id, account, seq, key, state, attempts, next_attempt, created_at, updated_at, posted_at)
			SELECT id, CASE id % 3 WHEN 0 THEN 'bluesky:main' WHEN 1 THEN 'mastodon:main' ELSE 'x:main' END,
				0, 'fill-' || id, CASE WHEN id % 10 = 0 THEN 'skipped' ELSE 'posted' END,
				1, first_seen, first_seen, first_seen, first_seen FROM items WHERE identity LIKE 'https://fill.example/%'`,
	}
}
