-- Schema version 1 of the PostgreSQL store: the tables of the SQLite store
-- (store/migrations, at its version 3) and what several instances sharing
-- one database need (issue 16).
-- Never edit a released migration: add a new file instead.
--
-- Times are unix nanoseconds (bigint), as in SQLite, so that they round-trip
-- exactly and order as there; NULL is the zero time.
--
-- Every text column that is sorted or compared for order (item and story
-- ids, feed names, links) has COLLATE "C": PostgreSQL then compares bytes,
-- as SQLite does, whatever the database's default collation, so both stores
-- list stories and place the inbox in one order.

CREATE TABLE feeds (
	name           text COLLATE "C" PRIMARY KEY,
	url            text NOT NULL DEFAULT '',
	config_url     text NOT NULL DEFAULT '',
	etag           text NOT NULL DEFAULT '',
	last_modified  text NOT NULL DEFAULT '',
	body_hash      text NOT NULL DEFAULT '',
	redirect_to    text NOT NULL DEFAULT '',
	redirect_count bigint NOT NULL DEFAULT 0,
	last_attempt   bigint,
	last_success   bigint,
	last_status    bigint NOT NULL DEFAULT 0,
	last_error     text NOT NULL DEFAULT '',
	failures       bigint NOT NULL DEFAULT 0,
	next_poll      bigint,
	gone           boolean NOT NULL DEFAULT false,
	-- due is the poll time a job is queued for (unix ns; NULL: none): a
	-- poll's commit moves it on with "... WHERE name = $1 AND due = $2", so
	-- each (feed, due) commits at most once.
	due            bigint,
	-- generation is bumped by every write of the feed's state (every poll
	-- commit): a commit guarded by "WHERE name = $1 AND generation = $2"
	-- is refused once another commit came in between (a zombie's).
	generation     bigint NOT NULL DEFAULT 0
);

CREATE INDEX feeds_by_due ON feeds (due) WHERE due IS NOT NULL;

CREATE TABLE stories (
	id      text COLLATE "C" PRIMARY KEY,
	created bigint NOT NULL,
	updated bigint NOT NULL
);

CREATE INDEX stories_by_created ON stories (created DESC, id);

-- seq orders the items as they were stored; id is news.ItemID.
-- The bodies are compressed with lz4 (Debian's and PGDG's servers have
-- it) rather than pglz: BenchmarkIngestFirstPoll took 549-603 CPU-µs an
-- item (client and server) with pglz, 474-491 with lz4.
CREATE TABLE items (
	seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id             text COLLATE "C" NOT NULL UNIQUE,
	feed           text COLLATE "C" NOT NULL,
	story_id       text COLLATE "C" NOT NULL REFERENCES stories (id),
	in_feed        boolean NOT NULL DEFAULT true,
	first_seen     bigint NOT NULL,
	published      bigint,
	updated        bigint,
	content_hash   text NOT NULL,
	guid           text NOT NULL DEFAULT '',
	link           text NOT NULL DEFAULT '',
	canonical_link text COLLATE "C" NOT NULL DEFAULT '',
	title          text NOT NULL DEFAULT '',
	author         text NOT NULL DEFAULT '',
	categories     jsonb NOT NULL DEFAULT '[]',
	summary        text COMPRESSION lz4 NOT NULL DEFAULT '',
	content        text COMPRESSION lz4 NOT NULL DEFAULT '',
	clean_html     text COMPRESSION lz4 NOT NULL DEFAULT ''
);

CREATE INDEX items_by_story ON items (story_id, published, id);
CREATE INDEX items_by_feed ON items (feed) WHERE in_feed;
CREATE INDEX items_by_link ON items (canonical_link, first_seen, id);
CREATE INDEX items_purgeable ON items (first_seen) WHERE NOT in_feed;

-- The dedupe records, narrow rows for rebuilding the window; window_at is
-- the publish time (first seen when none).
CREATE TABLE item_records (
	item      bigint PRIMARY KEY REFERENCES items (seq) ON DELETE CASCADE,
	window_at bigint NOT NULL,
	record    bytea NOT NULL
);

CREATE INDEX item_records_by_window ON item_records (window_at, item);

-- The items waiting to be placed, in placing order: at (the publish time,
-- first seen when none), then the item's id (bytes, COLLATE "C"). changed
-- is true for a placed item whose text changed.
CREATE TABLE inbox (
	item     bigint PRIMARY KEY REFERENCES items (seq) ON DELETE CASCADE,
	at       bigint NOT NULL,
	id       text COLLATE "C" NOT NULL,
	changed  boolean NOT NULL DEFAULT false,
	prepared bytea NOT NULL
);

CREATE INDEX inbox_order ON inbox (at, id);

CREATE TABLE feed_models (
	feed  text COLLATE "C" PRIMARY KEY,
	model bytea NOT NULL
);

-- The placer's lease: one row. holder is the instance placing, term is
-- bumped at every change of holder (a fencing token), expires_at is on the
-- database's clock. A placer renews it inside each placing transaction.
CREATE TABLE placer_lease (
	id         integer PRIMARY KEY CHECK (id = 1),
	holder     text NOT NULL DEFAULT '',
	term       bigint NOT NULL DEFAULT 0,
	expires_at timestamptz NOT NULL DEFAULT '-infinity'
);

INSERT INTO placer_lease (id) VALUES (1);

-- The stories version: bumped in every transaction that changes what
-- Stories returns, with pg_notify('aggregator_stories', version) sent at
-- its commit; instances re-render when it moves.
CREATE TABLE stories_version (
	id      integer PRIMARY KEY CHECK (id = 1),
	version bigint NOT NULL DEFAULT 0
);

INSERT INTO stories_version (id) VALUES (1);
