package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wirestory/aggregator/news"
)

// stored is what an item's row holds that writing a batch needs.
type stored struct {
	story, hash string
	firstSeen   int64
	registered  bool // the row exists, or an earlier entry of the batch made it
	inDB        bool // the row exists in the database (else it is inserted)
}

// writer is one batch planned: the rows as they will be after it and the
// statements that write them, sent in one round trip.
type writer struct {
	b     *news.Batch
	now   int64
	known map[string]stored // the rows before the batch
	rows  map[string]stored // the rows the batch wrote
	order []string          // the ids written, by first appearance
	last  map[string]*news.Entry
	inbox map[string]*queuedRow
	bump  []string // stories created or bumped to now
	left  []string // stories that lost a member
}

type queuedRow struct {
	at       int64
	changed  bool
	prepared []byte
}

// planBatch works out what writing b does, entry after entry as package
// store's writer does (an id may come twice in a batch: inserted, then
// updated), from the rows known before it.
func planBatch(b *news.Batch, known map[string]stored) (*writer, error) {
	w := &writer{b: b, now: nanos(b.Now).Int64, known: known, rows: make(map[string]stored, len(b.Items)),
		last: make(map[string]*news.Entry, len(b.Items)), inbox: make(map[string]*queuedRow)}
	for i := range b.Items {
		e := b.Items[i] // a copy: the caller's batch is not modified
		if err := w.plan(&e); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *writer) get(id string) stored {
	if s, ok := w.rows[id]; ok {
		return s
	}
	return w.known[id]
}

func (w *writer) plan(e *news.Entry) error {
	feed := w.b.State.Name
	if e.Feed == "" {
		e.Feed = feed
	}
	if e.ID == "" || e.Feed != feed {
		return fmt.Errorf("item %q of feed %q: want an id and feed %q", e.ID, e.Feed, feed)
	}
	old := w.get(e.ID)
	story := e.StoryID
	if story == "" {
		story = old.story
	}
	if story == "" {
		return fmt.Errorf("item %s: new item has no story id", e.ID)
	}
	hash := e.ContentHash()
	if old.registered && old.story != story {
		w.left = append(w.left, old.story)
	}
	if !old.registered || old.hash != hash || old.story != story {
		w.bump = append(w.bump, story)
	}
	now := stored{story: story, hash: hash, firstSeen: old.firstSeen, registered: true, inDB: old.inDB}
	if !old.registered {
		now.firstSeen = w.now
		if !e.FirstSeen.IsZero() {
			now.firstSeen = nanos(e.FirstSeen).Int64
		}
	}
	if _, seen := w.rows[e.ID]; !seen {
		w.order = append(w.order, e.ID)
	}
	w.rows[e.ID] = now
	w.last[e.ID] = e
	if e.Prepared != nil {
		at := windowAt(e.Published, now.firstSeen)
		if q := w.inbox[e.ID]; q != nil {
			q.at, q.prepared = at, e.Prepared // the upsert keeps the changed flag
		} else {
			// An item stored before is a changed one, unless it still waits
			// as a new one (the upsert keeps its flag).
			w.inbox[e.ID] = &queuedRow{at: at, changed: old.registered, prepared: e.Prepared}
		}
	}
	return nil
}

// windowAt is the time an item is kept in the dedupe window by: its
// publish time (the first-seen time when it has none).
func windowAt(published time.Time, firstSeen int64) int64 {
	if p := nanos(published); p.Valid {
		return p.Int64
	}
	return firstSeen
}

// commit records the rows the batch wrote as known, for the batches after
// it in the transaction.
func (w *writer) commit(known map[string]stored) {
	for id, s := range w.rows {
		s.inDB = true
		known[id] = s
	}
}

// The statements of a batch. $1 is always the batch's feed where it is
// used.
const (
	// bumpStoriesSQL: $1 story ids (distinct, sorted so that concurrent
	// writers lock them in one order), $2 now.
	bumpStoriesSQL = `INSERT INTO stories (id, created, updated)
		SELECT id, $2, $2 FROM unnest($1::text[]) AS u (id)
		ON CONFLICT (id) DO UPDATE SET updated = greatest(stories.updated, excluded.updated)`

	// insertItemsSQL inserts in the order of the arrays, which is the order
	// seq is given in (the order Window lists ties in).
	insertItemsSQL = `INSERT INTO items (id, feed, story_id, in_feed, first_seen, published, updated,
			content_hash, guid, link, canonical_link, title, author, categories, summary, content, clean_html)
		SELECT u.id, $1, u.story, true, u.first_seen, u.published, u.updated, u.hash, u.guid, u.link,
			u.clink, u.title, u.author, u.cats::jsonb, u.summary, u.content, u.clean
		FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[],
			$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
			$15::text[], $16::text[]) WITH ORDINALITY
			AS u (id, story, first_seen, published, updated, hash, guid, link, clink, title, author,
				cats, summary, content, clean, ord)
		ORDER BY u.ord`

	// updateItemsSQL takes the arrays of insertItemsSQL ($2 on) as $1 on.
	updateItemsSQL = `UPDATE items SET story_id = u.story, in_feed = true, published = u.published,
			updated = u.updated, content_hash = u.hash, guid = u.guid, link = u.link,
			canonical_link = u.clink, title = u.title, author = u.author, categories = u.cats::jsonb,
			summary = u.summary, content = u.content, clean_html = u.clean
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
			$14::text[], $15::text[])
			AS u (id, story, first_seen, published, updated, hash, guid, link, clink, title, author,
				cats, summary, content, clean)
		WHERE items.id = u.id`

	// recordsSQL: $1 ids, $2 window times, $3 records.
	recordsSQL = `INSERT INTO item_records (item, window_at, record)
		SELECT i.seq, u.at, u.rec FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS u (id, at, rec)
			JOIN items i ON i.id = u.id
		ON CONFLICT (item) DO UPDATE SET window_at = excluded.window_at, record = excluded.record`

	// queueSQL: $1 ids, $2 placing times, $3 changed flags, $4 prepared.
	// An item still waiting keeps its changed flag.
	queueSQL = `INSERT INTO inbox (item, at, id, changed, prepared)
		SELECT i.seq, u.at, u.id, u.changed, u.prepared
		FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::bytea[]) AS u (id, at, changed, prepared)
			JOIN items i ON i.id = u.id
		ON CONFLICT (item) DO UPDATE SET at = excluded.at, prepared = excluded.prepared`

	// uncarrySQL and carrySQL: $1 feed, $2 ids. The items written are
	// carried already; carrySQL is given the others.
	uncarrySQL = `UPDATE items SET in_feed = false WHERE feed = $1 AND in_feed AND id <> ALL($2::text[])`
	carrySQL   = `UPDATE items SET in_feed = true WHERE id = ANY($2::text[]) AND feed = $1 AND NOT in_feed`

	saveModelSQL = `INSERT INTO feed_models (feed, model) VALUES ($1, $2)
		ON CONFLICT (feed) DO UPDATE SET model = excluded.model`

	// touchSQL and deleteEmptiedSQL: $1 stories that lost members, $2 now.
	touchSQL         = `UPDATE stories SET updated = greatest(updated, $2) WHERE id = ANY($1::text[])`
	deleteEmptiedSQL = `DELETE FROM stories s WHERE s.id = ANY($1::text[])
		AND NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id)`
)

// send writes the batch in a savepoint, in one round trip; on error the
// caller rolls the savepoint back.
func (w *writer) send(ctx context.Context, tx pgx.Tx) error {
	if w.b.State.Name == "" {
		return fmt.Errorf("save state: %w", errNoName)
	}
	feed := w.b.State.Name
	var q queue
	q.add("savepoint", "SAVEPOINT batch")
	q.add("save state", saveFeedSQL, feedArgs(w.b.State)...)
	if len(w.bump) > 0 {
		q.add("create or bump stories", bumpStoriesSQL, distinctSorted(w.bump), w.now)
	}
	if err := w.items(&q); err != nil {
		return err
	}
	if c := w.b.Carried; c != nil {
		q.add("set carried", uncarrySQL, feed, c)
		if rest := w.notWritten(c); len(rest) > 0 {
			q.add("set carried", carrySQL, feed, rest)
		}
	}
	if w.b.Furniture != nil {
		q.add("save furniture", saveModelSQL, feed, w.b.Furniture)
	}
	if len(w.left) > 0 {
		left := distinctSorted(w.left)
		q.add("touch stories", touchSQL, left, w.now)
		q.add("delete emptied stories", deleteEmptiedSQL, left)
	}
	q.add("release savepoint", "RELEASE SAVEPOINT batch")
	return q.run(ctx, tx)
}

// notWritten returns the carried ids the batch did not write.
func (w *writer) notWritten(carried []string) []string {
	var rest []string
	for _, id := range carried {
		if _, ok := w.rows[id]; !ok {
			rest = append(rest, id)
		}
	}
	return rest
}

func distinctSorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// itemColumns are the arrays of insertItemsSQL and updateItemsSQL, $2 on.
type itemColumns struct {
	id, story                                    []string
	firstSeen                                    []int64
	published, updated                           []pgtype.Int8
	hash, guid, link, clink, title, author, cats []string
	summary, content, clean                      []string
}

func (c *itemColumns) add(e *news.Entry, s stored) error {
	cats, err := json.Marshal(nonNil(e.Categories))
	if err != nil {
		return err
	}
	it := &e.Item
	c.id, c.story, c.firstSeen = append(c.id, e.ID), append(c.story, s.story), append(c.firstSeen, s.firstSeen)
	c.published, c.updated = append(c.published, nanos(it.Published)), append(c.updated, nanos(it.Updated))
	c.hash, c.guid, c.link = append(c.hash, s.hash), append(c.guid, it.GUID), append(c.link, it.Link)
	c.clink, c.title, c.author = append(c.clink, it.CanonicalLink), append(c.title, it.Title), append(c.author, it.Author)
	c.cats, c.summary = append(c.cats, string(cats)), append(c.summary, it.Summary)
	c.content, c.clean = append(c.content, it.Content), append(c.clean, e.CleanHTML)
	return nil
}

func (c *itemColumns) args(feed string) []any {
	return []any{feed, c.id, c.story, c.firstSeen, c.published, c.updated, c.hash, c.guid, c.link,
		c.clink, c.title, c.author, c.cats, c.summary, c.content, c.clean}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// items queues the statements that write the batch's items, their records
// and their inbox rows, each id once with its last entry.
func (w *writer) items(q *queue) error {
	if len(w.order) == 0 {
		return nil
	}
	var ins, upd itemColumns
	var recIDs, qIDs []string
	var recAt, qAt []int64
	var recs, prepared [][]byte
	var changed []bool
	for _, id := range w.order {
		e, s := w.last[id], w.rows[id]
		cols := &upd
		if !s.inDB {
			cols = &ins
		}
		if err := cols.add(e, s); err != nil {
			return fmt.Errorf("item %s: %w", id, err)
		}
		rec := e.Record
		if rec == nil {
			rec = []byte{}
		}
		recIDs, recAt, recs = append(recIDs, id), append(recAt, windowAt(e.Published, s.firstSeen)), append(recs, rec)
		if r := w.inbox[id]; r != nil {
			qIDs, qAt, changed, prepared = append(qIDs, id), append(qAt, r.at), append(changed, r.changed), append(prepared, r.prepared)
		}
	}
	feed := w.b.State.Name
	if len(ins.id) > 0 {
		q.add("insert items", insertItemsSQL, ins.args(feed)...)
	}
	if len(upd.id) > 0 {
		q.add("update items", updateItemsSQL, upd.args(feed)[1:]...)
	}
	q.add("write records", recordsSQL, recIDs, recAt, recs)
	if len(qIDs) > 0 {
		q.add("queue items", queueSQL, qIDs, qAt, changed, prepared)
	}
	return nil
}
