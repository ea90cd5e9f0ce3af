package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const feedCols = `url, etag, last_modified, body_hash, last_poll, last_success, consecutive_errors, last_error, next_poll, initialized`

func scanFeed(sc interface{ Scan(...any) error }) (FeedState, error) {
	var f FeedState
	err := sc.Scan(&f.URL, &f.ETag, &f.LastModified, &f.BodyHash, tm(&f.LastPoll), tm(&f.LastSuccess),
		&f.ConsecutiveErrors, &f.LastError, tm(&f.NextPoll), &f.Initialized)
	return f, err
}

// Feed returns what the ledger keeps of one feed; false if it never saw it.
func (s *Store) Feed(ctx context.Context, url string) (FeedState, bool, error) {
	st, err := s.prepared(ctx, `SELECT `+feedCols+` FROM feeds WHERE url = $1`)
	if err != nil {
		return FeedState{}, false, fmt.Errorf("read feed %s: %w", url, err)
	}
	f, err := scanFeed(st.QueryRowContext(ctx, url))
	if errors.Is(err, sql.ErrNoRows) {
		return FeedState{}, false, nil
	}
	if err != nil {
		return FeedState{}, false, fmt.Errorf("read feed %s: %w", url, err)
	}
	return f, true, nil
}

// SaveFeed inserts or replaces the state of f.URL, except that it never
// clears Initialized: a replica saving a state it read before another's first
// sight must not make the next poll a first sight again (which would record
// that poll's news as skipped).
func (s *Store) SaveFeed(ctx context.Context, f FeedState) error {
	_, err := s.exec(ctx, saveFeedSQL, s.feedArgs(f)...)
	if err != nil {
		return fmt.Errorf("save feed %s: %w", f.URL, err)
	}
	return nil
}

// feedArgs are saveFeedSQL's arguments for f.
func (s *Store) feedArgs(f FeedState) []any {
	return []any{f.URL, f.ETag, f.LastModified, f.BodyHash, s.ts(f.LastPoll), s.ts(f.LastSuccess),
		f.ConsecutiveErrors, f.LastError, s.ts(f.NextPoll), f.Initialized}
}

// Feeds lists every feed the ledger knows, by URL.
func (s *Store) Feeds(ctx context.Context) ([]FeedState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedCols+` FROM feeds ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer rows.Close()
	var fs []FeedState
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	return fs, nil
}
