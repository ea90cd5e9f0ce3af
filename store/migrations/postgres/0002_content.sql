-- What a feed last showed of each item, so that the ledger, not its caller,
-- decides whether an item changed: fingerprint is a hash of the item's
-- title, date and payload as that feed gave them ('' for rows recorded
-- before this migration: their first poll after it refreshes them, and
-- counts as a change that posts nothing).
ALTER TABLE feed_items ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';

-- An item recorded as news that was not a review yet (its page could not be
-- fetched, its text or category came later, a Letterboxd diary entry without
-- a review): its deliveries are skipped until a later poll shows it as a
-- review, and then posted once. Clearing the flag is what makes that once.
ALTER TABLE items ADD COLUMN waiting BOOLEAN NOT NULL DEFAULT FALSE;

-- Claim filters by account (a replica claims only its own accounts' deliveries):
-- these let it search the due deliveries of an account, not all it ever had.
CREATE INDEX deliveries_account_due ON deliveries (account, next_attempt) WHERE state = 'pending';
CREATE INDEX deliveries_account_lease ON deliveries (account, lease_expires) WHERE state = 'posting';
