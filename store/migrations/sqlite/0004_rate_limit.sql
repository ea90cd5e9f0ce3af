-- An account a network rate-limited (a 429 with its reset): until
-- limited_until Claim takes none of its deliveries; after it, one at a time
-- (the probe) until one is posted, which clears it. In the ledger, not in a
-- process, so that replicas wait out one window together.
ALTER TABLE account_pace ADD COLUMN limited_until INTEGER;
