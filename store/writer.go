package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// writer holds the statements of one batch, bound to its transaction, the
// stored state of the batch's items and the stories whose membership it
// changed.
type writer struct {
	now                                         int64
	lookup, insert, update, rec, stories, inbox *sql.Stmt
	// stored holds the rows of the batch's items, as looked up before the
	// batch and then as written (an id may come twice in a batch).
	stored map[string]stored
	left   []string // stories that lost a member
}

// writerSQL are the statements of Apply, prepared once at Open on the
// writer connection (statements re-parsed in every transaction were a third
// of the CPU of a poll of unchanged feeds). The insert or update and rec run
// once per item; lookup and stories once per batch (run per item, they took
// 15% of the CPU of BenchmarkApplyFirstPoll; per batch, 5%).
var writerSQL = [...]string{
	lookupSQL,
	`INSERT INTO items (id, feed, story_id, in_feed, first_seen, published,
		updated, content_hash, guid, link, canonical_link, title, author, categories,
		summary, content, clean_html) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	`UPDATE items SET story_id = ?, in_feed = 1, published = ?, updated = ?,
		content_hash = ?, guid = ?, link = ?, canonical_link = ?, title = ?, author = ?,
		categories = ?, summary = ?, content = ?, clean_html = ? WHERE seq = ?`,
	`INSERT INTO item_records (item, window_at, record) VALUES (?, ?, ?)
		ON CONFLICT (item) DO UPDATE SET window_at = excluded.window_at, record = excluded.record`,
	bumpStoriesSQL,
	`INSERT INTO inbox (item, at, id, changed, prepared) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (item) DO UPDATE SET at = excluded.at, prepared = excluded.prepared`,
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
	for i, st := range w.stmts() {
		*st = tx.StmtContext(ctx, prepared[i])
	}
	return w
}

// stmts lists the writer's statements in the order of writerSQL.
func (w *writer) stmts() []**sql.Stmt {
	return []**sql.Stmt{&w.lookup, &w.insert, &w.update, &w.rec, &w.stories, &w.inbox}
}

func (w *writer) close() {
	for _, st := range w.stmts() {
		if *st != nil {
			(*st).Close()
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

// planned is what writing one entry takes: its story, its content hash and
// its row as stored before it.
type planned struct {
	e           news.Entry // a copy: the caller's batch is not modified
	story, hash string
	old         stored
}

// items writes the entries of feed in order: it looks up their stored rows
// in one query, creates or bumps the stories they join in one statement
// (before the items, which reference them), then inserts or updates each
// item and its record.
func (w *writer) items(ctx context.Context, feed string, in []news.Entry) error {
	if len(in) == 0 {
		return nil
	}
	if err := w.find(ctx, in); err != nil {
		return err
	}
	plans := make([]planned, len(in))
	var bump []string
	for i := range in {
		p := &plans[i]
		if err := w.plan(feed, &in[i], p); err != nil {
			return err
		}
		if !p.old.registered || p.old.hash != p.hash || p.old.story != p.story {
			bump = append(bump, p.story)
		}
	}
	if err := w.bump(ctx, bump); err != nil {
		return err
	}
	for i := range plans {
		if err := w.write(ctx, &plans[i]); err != nil {
			return fmt.Errorf("item %s: %w", plans[i].e.ID, err)
		}
	}
	return nil
}

// find loads the stored rows of the entries into w.stored.
func (w *writer) find(ctx context.Context, in []news.Entry) error {
	ids := make([]string, len(in))
	for i := range in {
		ids[i] = in[i].ID
	}
	arg, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := w.lookup.QueryContext(ctx, string(arg))
	if err != nil {
		return fmt.Errorf("look up items: %w", err)
	}
	defer rows.Close()
	w.stored = make(map[string]stored, len(in))
	for rows.Next() {
		var id string
		s := stored{registered: true}
		if err := rows.Scan(&id, &s.seq, &s.story, &s.hash, &s.firstSeen); err != nil {
			return fmt.Errorf("look up items: %w", err)
		}
		w.stored[id] = s
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up items: %w", err)
	}
	return nil
}

// plan checks entry in and works out p from the row stored for it,
// which it then replaces in w.stored with the row as it will be written
// (its seq is known once it is written).
func (w *writer) plan(feed string, in *news.Entry, p *planned) error {
	p.e = *in
	e := &p.e
	if e.Feed == "" {
		e.Feed = feed
	}
	if e.ID == "" || e.Feed != feed {
		return fmt.Errorf("item %q of feed %q: want an id and feed %q", e.ID, e.Feed, feed)
	}
	p.old = w.stored[e.ID]
	p.story = e.StoryID
	if p.story == "" {
		p.story = p.old.story
	}
	if p.story == "" {
		return fmt.Errorf("item %s: new item has no story id", e.ID)
	}
	p.hash = e.ContentHash()
	if p.old.registered && p.old.story != p.story {
		w.left = append(w.left, p.old.story)
	}
	now := stored{seq: p.old.seq, story: p.story, hash: p.hash, firstSeen: p.old.firstSeen, registered: true}
	if !p.old.registered {
		now.firstSeen = w.now
		if !e.FirstSeen.IsZero() {
			now.firstSeen = toDB(e.FirstSeen).(int64)
		}
	}
	w.stored[e.ID] = now
	return nil
}

// bump creates the stories that do not exist yet and sets the updated
// time of the others to now.
func (w *writer) bump(ctx context.Context, stories []string) error {
	if len(stories) == 0 {
		return nil
	}
	ids, err := json.Marshal(stories)
	if err != nil {
		return err
	}
	if _, err := w.stories.ExecContext(ctx, string(ids), w.now); err != nil {
		return fmt.Errorf("create or bump stories: %w", err)
	}
	return nil
}

// write stores the item row and its record.
func (w *writer) write(ctx context.Context, p *planned) error {
	e, it := &p.e, &p.e.Item
	cats, err := json.Marshal(nonNil(e.Categories))
	if err != nil {
		return err
	}
	// The row as planned, with its seq once inserted: p.old is registered
	// when the row was stored before the batch or by an earlier entry of it.
	old := w.stored[e.ID]
	if p.old.registered {
		_, err = w.update.ExecContext(ctx, p.story, toDB(it.Published), toDB(it.Updated), p.hash,
			it.GUID, it.Link, it.CanonicalLink, it.Title, it.Author, string(cats),
			it.Summary, it.Content, e.CleanHTML, old.seq)
	} else {
		var res sql.Result
		res, err = w.insert.ExecContext(ctx, e.ID, it.Feed, p.story, old.firstSeen,
			toDB(it.Published), toDB(it.Updated), p.hash, it.GUID, it.Link, it.CanonicalLink,
			it.Title, it.Author, string(cats), it.Summary, it.Content, e.CleanHTML)
		if err == nil {
			old.seq, err = res.LastInsertId()
			w.stored[e.ID] = old
		}
	}
	if err != nil {
		return err
	}
	rec := e.Record
	if rec == nil {
		rec = []byte{}
	}
	at := windowAt(it.Published, old.firstSeen)
	if _, err = w.rec.ExecContext(ctx, old.seq, at, rec); err != nil {
		return err
	}
	if e.Prepared != nil {
		// An item stored before is a changed one, unless it still waits
		// as a new one (the upsert keeps its changed flag).
		_, err = w.inbox.ExecContext(ctx, old.seq, at, e.ID, p.old.registered, e.Prepared)
	}
	return err
}

// windowAt is the time an item is kept in the dedupe window by: its publish
// time (the first-seen time when it has none).
func windowAt(published time.Time, firstSeen int64) int64 {
	if p, ok := toDB(published).(int64); ok {
		return p
	}
	return firstSeen
}

// finish bumps the stories that lost members and deletes those left
// empty.
func (w *writer) finish(ctx context.Context, tx *sql.Tx) error {
	if len(w.left) == 0 {
		return nil
	}
	left, err := json.Marshal(w.left)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE stories SET updated = max(updated, ?)
		WHERE id IN (SELECT value FROM json_each(?))`, w.now, string(left))
	if err != nil {
		return fmt.Errorf("touch stories: %w", err)
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, deleteEmptiedSQL, string(left))
	if err != nil {
		return fmt.Errorf("delete emptied stories: %w", err)
	}
	return nil
}
