package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"
)

// The film cache keeps what TMDB answered about a film, by a key the film
// package makes, so that every process sharing the ledger (a restart, a
// repost, a second account, another replica) asks TMDB once per film. The
// ledger stores the payload as given: when an answer goes stale is the film
// package's to judge (it dates its own payloads), so nothing here expires.
// *Store meets film.Cache; the film package is not imported, as the ledger
// stands below it.

// maxFilmKey bounds a key: the film package's keys carry a title, a
// director and cast, so a feed could make one as long as it likes.
const maxFilmKey = 2048

// Get returns the payload stored under key; ok is false when none is.
func (s *Store) Get(ctx context.Context, key string) (payload []byte, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT payload FROM film_cache WHERE key = $1`, key).Scan(&payload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read film cache %q: %w", shortKey(key), err)
	}
	if payload == nil {
		payload = []byte{}
	}
	return payload, true, nil
}

// Put stores payload under key, replacing what was there: two processes
// asking TMDB about the same film at once both write, and the later answer
// stands.
func (s *Store) Put(ctx context.Context, key string, payload []byte) error {
	switch {
	case key == "":
		return errors.New("write film cache: empty key")
	case len(key) > maxFilmKey:
		return fmt.Errorf("write film cache %q: key of %d bytes, at most %d", shortKey(key), len(key), maxFilmKey)
	}
	if payload == nil {
		payload = []byte{} // the column is NOT NULL; an empty answer is still an answer
	}
	_, err := s.exec(ctx, `INSERT INTO film_cache (key, payload, checked_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, checked_at = excluded.checked_at`,
		key, payload, s.tsNonNull(s.now()))
	if err != nil {
		return fmt.Errorf("write film cache %q: %w", shortKey(key), err)
	}
	return nil
}

// shortKey is key cut for an error message.
func shortKey(key string) string {
	const max = 80
	if len(key) <= max {
		return key
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(key[cut]) {
		cut--
	}
	return key[:cut] + "…"
}
