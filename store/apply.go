package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"aggregator/news"
)

// Batch is one feed's poll result, written by Apply in one transaction.
// The zero value is not a valid batch: State.Name and Now must be set.
type Batch struct {
	// State is the feed's new state, upserted by State.Name.
	State news.FeedState
	// Carried lists the ids of every item in the fetched body when the feed
	// was fetched (200); nil when the feed was not modified (304 or identical
	// body). When non-nil, items of this feed not in Carried get in_feed=0
	// and those in it in_feed=1. An empty non-nil Carried marks every item of
	// the feed as no longer carried.
	Carried []string
	// Items are the new or changed items of this feed, inserted or updated
	// by ID. The story an Entry names is created if it does not exist yet.
	// A story gets its updated time bumped to Now when it gains a member,
	// loses one to another story, or a member's content hash changes.
	Items []Entry
	// Touched lists further stories whose updated time is bumped to Now, for
	// changes Items do not show (say, a new representative chosen); ids
	// that do not exist are ignored. May be nil.
	Touched []string
	// Now is the time recorded as first_seen, created and updated.
	Now time.Time
}

// Entry is one item to store, with its dedupe record.
type Entry struct {
	// StoredItem holds ID (news.ItemID(Feed, Key()), required), StoryID,
	// FirstSeen (zero: use Batch.Now; kept from the stored row on update),
	// CleanHTML and the Item fields. Item.Feed may be empty (it is the
	// batch's feed); any other feed is an error.
	news.StoredItem
	// Record is dedupe's opaque record for rebuilding its window; nil is
	// stored as empty.
	Record []byte
}

// Apply writes the batch in one transaction: the feed's state, its items
// and their records, the stories they name, and the carried flags. Either
// all of it is written or, on error, none of it. An update of an existing
// item (same ID) keeps its first_seen, and its story unless Entry.StoryID
// names another one (an empty StoryID keeps it); a story left without
// members by such a move is deleted. A new item needs a StoryID.
func (db *DB) Apply(ctx context.Context, b Batch) error {
	if err := db.apply(ctx, b); err != nil {
		return fmt.Errorf("store: apply feed %q: %w", b.State.Name, err)
	}
	return nil
}

func (db *DB) apply(ctx context.Context, b Batch) error {
	if b.Now.IsZero() {
		return errors.New("batch has no time")
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := saveFeedState(ctx, tx, b.State); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	w := newWriter(ctx, tx, db.prepared, b.Now)
	defer w.close()
	for i := range b.Items {
		if err := w.entry(ctx, b.State.Name, &b.Items[i]); err != nil {
			return err
		}
	}
	if err := setCarried(ctx, tx, b.State.Name, b.Carried); err != nil {
		return err
	}
	if err := w.finish(ctx, tx, b.Touched); err != nil {
		return err
	}
	return tx.Commit()
}

// setCarried sets in_feed for every item of feed from the carried ids.
func setCarried(ctx context.Context, tx *sql.Tx, feed string, carried []string) error {
	if carried == nil {
		return nil
	}
	ids, err := json.Marshal(carried)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, uncarrySQL, string(ids), feed)
	if err == nil {
		_, err = tx.ExecContext(ctx, carrySQL, string(ids), feed)
	}
	if err != nil {
		return fmt.Errorf("set carried: %w", err)
	}
	return nil
}

// writer holds the statements of one Apply, bound to its transaction, and
// the stories whose membership it changed.
type writer struct {
	now                               int64
	lookup, insert, update, rec, bump *sql.Stmt
	left                              []string // stories that lost a member
}

// writerSQL are the statements of Apply, prepared once at Open on the
// writer connection (statements re-parsed in every transaction were a third
// of the CPU of a poll of unchanged feeds).
var writerSQL = [...]string{
	`SELECT seq, story_id, content_hash, first_seen FROM items WHERE id = ?`,
	`INSERT INTO items (id, feed, story_id, in_feed, first_seen, published,
		updated, content_hash, guid, link, canonical_link, title, author, categories,
		summary, content, clean_html) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	`UPDATE items SET story_id = ?, in_feed = 1, published = ?, updated = ?,
		content_hash = ?, guid = ?, link = ?, canonical_link = ?, title = ?, author = ?,
		categories = ?, summary = ?, content = ?, clean_html = ? WHERE seq = ?`,
	`INSERT INTO item_records (item, window_at, record) VALUES (?, ?, ?)
		ON CONFLICT (item) DO UPDATE SET window_at = excluded.window_at, record = excluded.record`,
	`INSERT INTO stories (id, created, updated) VALUES (?1, ?2, ?2)
		ON CONFLICT (id) DO UPDATE SET updated = max(updated, excluded.updated)`,
}

// prepareWriter prepares writerSQL on the writer connection.
func prepareWriter(ctx context.Context, w *sql.DB) ([]*sql.Stmt, error) {
	stmts := make([]*sql.Stmt, 0, len(writerSQL))
	for _, q := range writerSQL {
		st, err := w.PrepareContext(ctx, q)
		if err != nil {
			closeAll(stmts)
			return nil, fmt.Errorf("prepare: %w", err)
		}
		stmts = append(stmts, st)
	}
	return stmts, nil
}

func closeAll(stmts []*sql.Stmt) {
	for _, st := range stmts {
		st.Close()
	}
}

// newWriter binds the prepared statements to tx (on the one writer
// connection this reuses them rather than preparing again).
func newWriter(ctx context.Context, tx *sql.Tx, prepared []*sql.Stmt, now time.Time) *writer {
	w := &writer{now: toDB(now).(int64)}
	for i, st := range []**sql.Stmt{&w.lookup, &w.insert, &w.update, &w.rec, &w.bump} {
		*st = tx.StmtContext(ctx, prepared[i])
	}
	return w
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.lookup, w.insert, w.update, w.rec, w.bump} {
		if st != nil {
			st.Close()
		}
	}
}

// stored is what an item's existing row holds that Apply needs.
type stored struct {
	seq        int64
	story      string
	hash       string
	firstSeen  int64
	registered bool
}

// entry inserts or updates one item, its record and its story.
func (w *writer) entry(ctx context.Context, feed string, in *Entry) error {
	e := *in // the caller's batch is not modified
	if e.Feed == "" {
		e.Feed = feed
	}
	if e.ID == "" || e.Feed != feed {
		return fmt.Errorf("item %q of feed %q: want an id and feed %q", e.ID, e.Feed, feed)
	}
	old, err := w.find(ctx, e.ID)
	if err != nil {
		return fmt.Errorf("item %s: %w", e.ID, err)
	}
	story := e.StoryID
	if story == "" {
		story = old.story
	}
	if story == "" {
		return fmt.Errorf("item %s: new item has no story id", e.ID)
	}
	hash := e.ContentHash()
	if !old.registered || old.hash != hash || old.story != story {
		if _, err := w.bump.ExecContext(ctx, story, w.now); err != nil {
			return fmt.Errorf("item %s: story %s: %w", e.ID, story, err)
		}
	}
	if old.registered && old.story != story {
		w.left = append(w.left, old.story)
	}
	if err := w.write(ctx, &e, old, story, hash); err != nil {
		return fmt.Errorf("item %s: %w", e.ID, err)
	}
	return nil
}

func (w *writer) find(ctx context.Context, id string) (stored, error) {
	var s stored
	err := w.lookup.QueryRowContext(ctx, id).Scan(&s.seq, &s.story, &s.hash, &s.firstSeen)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return stored{}, nil
	case err != nil:
		return stored{}, err
	}
	s.registered = true
	return s, nil
}

// write stores the item row and its record.
func (w *writer) write(ctx context.Context, e *Entry, old stored, story, hash string) error {
	cats, err := json.Marshal(nonNil(e.Categories))
	if err != nil {
		return err
	}
	it := &e.Item
	seq, firstSeen := old.seq, old.firstSeen
	if old.registered {
		_, err = w.update.ExecContext(ctx, story, toDB(it.Published), toDB(it.Updated), hash,
			it.GUID, it.Link, it.CanonicalLink, it.Title, it.Author, string(cats),
			it.Summary, it.Content, e.CleanHTML, seq)
	} else {
		firstSeen = w.now
		if !e.FirstSeen.IsZero() {
			firstSeen = toDB(e.FirstSeen).(int64)
		}
		var res sql.Result
		res, err = w.insert.ExecContext(ctx, e.ID, it.Feed, story, firstSeen,
			toDB(it.Published), toDB(it.Updated), hash, it.GUID, it.Link, it.CanonicalLink,
			it.Title, it.Author, string(cats), it.Summary, it.Content, e.CleanHTML)
		if err == nil {
			seq, err = res.LastInsertId()
		}
	}
	if err != nil {
		return err
	}
	rec := e.Record
	if rec == nil {
		rec = []byte{}
	}
	_, err = w.rec.ExecContext(ctx, seq, windowAt(it.Published, firstSeen), rec)
	return err
}

// windowAt is the time an item is kept in the dedupe window by: the later
// of its published and first-seen times.
func windowAt(published time.Time, firstSeen int64) int64 {
	if p, ok := toDB(published).(int64); ok && p > firstSeen {
		return p
	}
	return firstSeen
}

// finish bumps the stories named in touched and those that lost members,
// and deletes the stories left empty.
func (w *writer) finish(ctx context.Context, tx *sql.Tx, touched []string) error {
	ids, err := json.Marshal(append(append([]string{}, touched...), w.left...))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE stories SET updated = max(updated, ?)
		WHERE id IN (SELECT value FROM json_each(?))`, w.now, string(ids))
	if err != nil {
		return fmt.Errorf("touch stories: %w", err)
	}
	if len(w.left) == 0 {
		return nil
	}
	left, err := json.Marshal(w.left)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, deleteEmptiedSQL, string(left))
	if err != nil {
		return fmt.Errorf("delete emptied stories: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
