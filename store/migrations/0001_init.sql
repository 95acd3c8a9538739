-- Schema version 1: feeds' state, stories and items.
-- Times are UTC unix nanoseconds; NULL is the zero time.
-- Never edit a released migration: add a new file instead.

CREATE TABLE feeds (
	name           TEXT PRIMARY KEY,
	url            TEXT NOT NULL DEFAULT '',
	etag           TEXT NOT NULL DEFAULT '',
	last_modified  TEXT NOT NULL DEFAULT '',
	body_hash      TEXT NOT NULL DEFAULT '',
	redirect_to    TEXT NOT NULL DEFAULT '',
	redirect_count INTEGER NOT NULL DEFAULT 0,
	last_attempt   INTEGER,
	last_success   INTEGER,
	last_status    INTEGER NOT NULL DEFAULT 0,
	last_error     TEXT NOT NULL DEFAULT '',
	failures       INTEGER NOT NULL DEFAULT 0,
	next_poll      INTEGER,
	gone           INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE stories (
	id      TEXT PRIMARY KEY,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
) STRICT;

CREATE INDEX stories_by_created ON stories (created DESC, id);

-- seq is the row id reported as news.StoredItem.ID; id is news.ItemID.
CREATE TABLE items (
	seq            INTEGER PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	feed           TEXT NOT NULL,
	story_id       TEXT NOT NULL REFERENCES stories (id),
	in_feed        INTEGER NOT NULL DEFAULT 1,
	first_seen     INTEGER NOT NULL,
	published      INTEGER,
	updated        INTEGER,
	content_hash   TEXT NOT NULL,
	guid           TEXT NOT NULL DEFAULT '',
	link           TEXT NOT NULL DEFAULT '',
	canonical_link TEXT NOT NULL DEFAULT '',
	title          TEXT NOT NULL DEFAULT '',
	author         TEXT NOT NULL DEFAULT '',
	categories     TEXT NOT NULL DEFAULT '[]',
	record         BLOB NOT NULL DEFAULT x'',
	summary        TEXT NOT NULL DEFAULT '',
	content        TEXT NOT NULL DEFAULT '',
	clean_html     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX items_by_story ON items (story_id, published, id);
CREATE INDEX items_by_feed ON items (feed, in_feed);
CREATE INDEX items_by_link ON items (canonical_link) WHERE canonical_link <> '';
CREATE INDEX items_by_published ON items (published);
