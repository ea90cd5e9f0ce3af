-- What TMDB said about a film, kept so that a restart, a repost or a second
-- account asks TMDB nothing again. key is the film package's cache key (the
-- review's evidence and the post language); payload is its encoded answer,
-- opaque to the ledger; checked_at (microseconds since the epoch, UTC) is
-- when it was last written.
CREATE TABLE film_cache (
    key        TEXT PRIMARY KEY,
    payload    BLOB NOT NULL,
    checked_at INTEGER NOT NULL
);
