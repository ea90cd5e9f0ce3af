-- The delivery ledger. Times are timestamptz (microseconds, UTC).

CREATE TABLE feeds (
    url                TEXT PRIMARY KEY,
    etag               TEXT NOT NULL DEFAULT '',
    last_modified      TEXT NOT NULL DEFAULT '',
    body_hash          TEXT NOT NULL DEFAULT '',
    last_poll          TIMESTAMPTZ,
    last_success       TIMESTAMPTZ,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT NOT NULL DEFAULT '',
    next_poll          TIMESTAMPTZ,
    initialized        BOOLEAN NOT NULL DEFAULT FALSE
);

-- One row per review. identity (the first normalised link, else feed|key)
-- never changes, names the review across feeds and seeds delivery keys.
CREATE TABLE items (
    id         BIGSERIAL PRIMARY KEY,
    identity   TEXT NOT NULL UNIQUE,
    feed_url   TEXT NOT NULL,
    key        TEXT NOT NULL,
    guid       TEXT NOT NULL DEFAULT '',
    norm_link  TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    published  TIMESTAMPTZ,
    payload    BYTEA,
    first_seen TIMESTAMPTZ NOT NULL
);

-- How each feed names an item: the item's own feed and every other feed that
-- carries the same review (an alias). Per-feed uniqueness lives here.
CREATE TABLE feed_items (
    id         BIGSERIAL PRIMARY KEY,
    feed_url   TEXT NOT NULL,
    key        TEXT NOT NULL,
    guid       TEXT NOT NULL DEFAULT '',
    norm_link  TEXT NOT NULL DEFAULT '',
    item_id    BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    first_seen TIMESTAMPTZ NOT NULL,
    UNIQUE (feed_url, key)
);
CREATE UNIQUE INDEX feed_items_feed_norm_link ON feed_items (feed_url, norm_link) WHERE norm_link <> '';
CREATE INDEX feed_items_feed_guid ON feed_items (feed_url, guid) WHERE guid <> '';
CREATE INDEX feed_items_norm_link ON feed_items (norm_link) WHERE norm_link <> '';
CREATE INDEX feed_items_guid ON feed_items (guid) WHERE guid <> '';
CREATE INDEX feed_items_item ON feed_items (item_id);

CREATE TABLE deliveries (
    id            BIGSERIAL PRIMARY KEY,
    item_id       BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    account       TEXT NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0,
    key           TEXT NOT NULL UNIQUE,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'posting', 'posted', 'failed', 'skipped')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TIMESTAMPTZ NOT NULL,
    lease_owner   TEXT NOT NULL DEFAULT '',
    lease_expires TIMESTAMPTZ,
    unknown       BOOLEAN NOT NULL DEFAULT FALSE,
    remote_id     TEXT NOT NULL DEFAULT '',
    remote_url    TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    claimed_at    TIMESTAMPTZ,
    posted_at     TIMESTAMPTZ,
    UNIQUE (item_id, account, seq)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt, id) WHERE state = 'pending';
CREATE INDEX deliveries_lease ON deliveries (lease_expires) WHERE state = 'posting';
CREATE INDEX deliveries_account_state ON deliveries (account, state);
CREATE INDEX deliveries_account_posted ON deliveries (account, posted_at);
CREATE INDEX deliveries_updated ON deliveries (updated_at, id);

-- One row per account, locked by Claim to space posts across replicas.
CREATE TABLE account_pace (
    account    TEXT PRIMARY KEY,
    last_claim TIMESTAMPTZ
);
