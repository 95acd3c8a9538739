package store

// The queries on the hot paths, named so that plan_test.go can check that
// each is answered from an index, never by scanning the items table.
// JSON arrays bound as parameters and read with json_each stand in for
// variable-length IN lists.
const (
	// knownSQL: ?1 item ids.
	knownSQL = `SELECT id, story_id, content_hash FROM items
		WHERE id IN (SELECT value FROM json_each(?1))`

	// lookupSQL: ?1 item ids; what Apply needs of the stored rows.
	lookupSQL = `SELECT id, seq, story_id, content_hash, first_seen FROM items
		WHERE id IN (SELECT value FROM json_each(?1))`

	// bumpStoriesSQL: ?1 story ids, ?2 now. Creates the stories that do not
	// exist and moves the updated time of the others up to now. ("WHERE
	// true" tells the parser that ON CONFLICT is the upsert's.)
	bumpStoriesSQL = `INSERT INTO stories (id, created, updated)
		SELECT value, ?2, ?2 FROM json_each(?1) WHERE true
		ON CONFLICT (id) DO UPDATE SET updated = max(updated, excluded.updated)`

	// byLinkSQL: ?1 canonical links; the first stored item of a link wins.
	byLinkSQL = `SELECT canonical_link, story_id FROM items
		WHERE seq IN (SELECT min(seq) FROM items
			WHERE canonical_link IN (SELECT value FROM json_each(?1)) AND canonical_link <> ''
				AND NOT EXISTS (SELECT 1 FROM inbox b WHERE b.item = items.seq AND b.changed = 0)
			GROUP BY canonical_link)`

	// windowSQL: ?1 the window's start. The records are read in the order
	// they were stored, from the first one in the window on: a sequential
	// read, where reading them by window_at (in item_records_by_window's
	// order) visited the rows at random (500,000 records of a 5.5 GB file:
	// 7.5 s read so, 1.3 s in this order). items_window covers the
	// columns read from items, so the wide item rows are not visited.
	windowSQL = `SELECT i.id, i.feed, i.story_id, coalesce(i.published, i.first_seen), r.item, r.record
		FROM item_records r JOIN items i INDEXED BY items_window ON i.seq = r.item
		WHERE r.item >= (SELECT min(item) FROM item_records INDEXED BY item_records_by_window WHERE window_at >= ?1)
			AND +r.window_at >= ?1
			AND NOT EXISTS (SELECT 1 FROM inbox b WHERE b.item = r.item AND b.changed = 0)
		ORDER BY r.item`

	// saveModelSQL: ?1 feed, ?2 its furniture model.
	saveModelSQL = `INSERT INTO feed_models (feed, model) VALUES (?1, ?2)
		ON CONFLICT (feed) DO UPDATE SET model = excluded.model`

	// unplacedSQL: ?1 the limit, ?2 and ?3 the key to start after. The
	// first items of the inbox in placing order (inbox_order): by publish
	// time (first seen when none), then item id.
	unplacedSQL = `SELECT i.id, i.feed, i.story_id, b.changed, b.at, i.canonical_link, b.prepared
		FROM inbox b JOIN items i ON i.seq = b.item
		WHERE (b.at, b.id) > (?2, ?3)
		ORDER BY b.at, b.id LIMIT ?1`

	// uncarrySQL and carrySQL: ?1 carried ids, ?2 feed. Only the few items
	// still marked carried are visited (items_by_feed), then the carried ids
	// are looked up by id; '+' keeps the planner off items_by_feed there,
	// which would walk the feed's whole history.
	uncarrySQL = `UPDATE items SET in_feed = 0
		WHERE feed = ?2 AND in_feed = 1 AND id NOT IN (SELECT value FROM json_each(?1))`
	carrySQL = `UPDATE items SET in_feed = 1
		WHERE id IN (SELECT value FROM json_each(?1)) AND +feed = ?2 AND +in_feed = 0`

	// deleteEmptiedSQL: ?1 ids of stories that lost members in this Apply.
	deleteEmptiedSQL = `DELETE FROM stories WHERE id IN (SELECT value FROM json_each(?1))
		AND NOT EXISTS (SELECT 1 FROM items WHERE items.story_id = stories.id)`

	// purgeItemsSQL: ?1 the cutoff. purgeRecordsSQL and purgeInboxSQL delete the
	// records and inbox rows of those items first (the schema's ON DELETE
	// CASCADE, which the store does not have SQLite enforce).
	purgeItemsSQL   = `DELETE FROM items WHERE in_feed = 0 AND first_seen < ?1`
	purgeRecordsSQL = `DELETE FROM item_records WHERE item IN (SELECT seq FROM items WHERE in_feed = 0 AND first_seen < ?1)`
	purgeInboxSQL   = `DELETE FROM inbox WHERE item IN (SELECT seq FROM items WHERE in_feed = 0 AND first_seen < ?1)`

	// purgeStoriesSQL deletes every story without members.
	purgeStoriesSQL = `DELETE FROM stories
		WHERE NOT EXISTS (SELECT 1 FROM items WHERE items.story_id = stories.id)`
)
