-- The feed whose route gave a delivery its account (FEED_<n>_TO): its
-- template and hashtags are the post's. A review carried by two routed
-- feeds has one item, recorded by whichever feed was polled first, but each
-- account reads it as the route that brought it there. '' on deliveries
-- recorded before this migration: the item's own feed, as then.
ALTER TABLE deliveries ADD COLUMN feed_url TEXT NOT NULL DEFAULT '';
