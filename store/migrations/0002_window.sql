-- Schema version 2: the dedupe records move out of items into a narrow
-- table keyed by the item's row, with the time the window is cut on, so that
-- rebuilding the dedupe window reads ~700-byte rows instead of walking the
-- overflow pages of items that carry kilobytes of HTML.
-- window_at = max(published, first_seen): an item is in a window starting at
-- T when it was published or first seen at or after T.

CREATE TABLE item_records (
	item      INTEGER PRIMARY KEY REFERENCES items (seq) ON DELETE CASCADE,
	window_at INTEGER NOT NULL,
	record    BLOB NOT NULL
) STRICT;

INSERT INTO item_records (item, window_at, record)
SELECT seq, max(coalesce(published, first_seen), first_seen), record FROM items;

ALTER TABLE items DROP COLUMN record;
DROP INDEX items_by_published;

CREATE INDEX item_records_by_window ON item_records (window_at);
-- Purge looks for items no longer carried, oldest first.
CREATE INDEX items_purgeable ON items (first_seen) WHERE in_feed = 0;

-- news.FeedState.ConfigURL: the URL the config gave when the state was made.
ALTER TABLE feeds ADD COLUMN config_url TEXT NOT NULL DEFAULT '';

-- Covers the columns Window reads from items, so that rebuilding the window
-- does not visit the wide item rows.
CREATE INDEX items_window ON items (seq, id, feed, story_id, published, first_seen);

-- A partial index cannot serve "canonical_link = ?" with a bound parameter
-- (the planner cannot prove it non-empty); a full one serves lookups by link
-- in first-seen order.
DROP INDEX items_by_link;
CREATE INDEX items_by_link ON items (canonical_link, first_seen, id);
