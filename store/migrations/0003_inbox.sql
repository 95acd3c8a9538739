-- Schema version 3: the inbox and the furniture models.
--
-- Items are stored as they are fetched, each in a story of its own, and
-- wait in the inbox until the placer puts them in their stories, in one
-- order whatever the chunks and the timing of the fetches were: by at (the
-- publish time, first seen when none), then the item's id. changed is 1 for
-- a placed item whose text changed: the placer updates it.
CREATE TABLE inbox (
	item     INTEGER PRIMARY KEY REFERENCES items (seq) ON DELETE CASCADE,
	at       INTEGER NOT NULL,
	id       TEXT NOT NULL,
	changed  INTEGER NOT NULL DEFAULT 0,
	prepared BLOB NOT NULL
) STRICT;

CREATE INDEX inbox_order ON inbox (at, id);

-- Each feed's learned page furniture (dedupe.Furniture), so that a restart,
-- explain and another instance use the models the poller learned.
CREATE TABLE feed_models (
	feed  TEXT PRIMARY KEY,
	model BLOB NOT NULL
) STRICT;

-- The window has one definition: an item is in the window starting at T
-- when it was published at or after T (fetch clamps publish times to the
-- fetch time, and sets it when the feed gave none).
UPDATE item_records SET window_at = coalesce(
	(SELECT coalesce(published, first_seen) FROM items WHERE items.seq = item_records.item), window_at);
