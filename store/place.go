package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Unplaced returns the first limit items of the inbox in placing order
// (by publish time, first-seen time when it has none, then item id) that
// come after the key; the zero key reads from the start. The placer takes
// them, places them and records it with Place, which removes them from the
// inbox; it asks for the next ones after the last it took, so that it can
// read them while Place writes.
func (db *DB) Unplaced(ctx context.Context, after news.InboxKey, limit int) ([]news.Unplaced, error) {
	rows, err := db.r.QueryContext(ctx, unplacedSQL, limit, after.AtNanos(), after.ID)
	if err != nil {
		return nil, fmt.Errorf("store: unplaced: %w", err)
	}
	defer rows.Close()
	var out []news.Unplaced
	for rows.Next() {
		var u news.Unplaced
		var at int64
		if err := rows.Scan(&u.ID, &u.Feed, &u.StoryID, &u.Changed, &at, &u.CanonicalLink, &u.Prepared); err != nil {
			return nil, fmt.Errorf("store: unplaced: %w", err)
		}
		u.Published = time.Unix(0, at).UTC()
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unplaced: %w", err)
	}
	return out, nil
}

// placeSQL are Place's statements: the items' rows, a move to another
// story, the inbox row's removal.
const (
	placeLookupSQL = `SELECT id, seq, story_id FROM items WHERE id IN (SELECT value FROM json_each(?1))`
	placeMoveSQL   = `UPDATE items SET story_id = ?1 WHERE seq = ?2`
	placeDoneSQL   = `DELETE FROM inbox WHERE item = ?1`
)

// Place records in one transaction where the placer put items of the
// inbox: each moves to its placement's story (created when missing), the
// stories that gained a member are bumped to now, those left empty are
// deleted, and the items leave the inbox; then the merges are applied in
// order. A placement of an item no longer stored (purged meanwhile) is
// skipped. Either all of it is written or none.
func (db *DB) Place(ctx context.Context, ps []news.Placement, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	// The items moved and dequeued are anywhere in the file: with the
	// writer's small cache most of their pages were read again by system
	// calls (9.7 of the 40 CPU-s of a first poll of 1,000 × 50).
	db.setCache(ctx, applyAllCacheKiB)
	defer db.setCache(context.WithoutCancel(ctx), writerCacheKiB)
	if err := db.place(ctx, ps, now); err != nil {
		return fmt.Errorf("store: place %d items: %w", len(ps), err)
	}
	db.cp.poke()
	return nil
}

func (db *DB) place(ctx context.Context, ps []news.Placement, now time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := placedRows(ctx, tx, ps)
	if err != nil {
		return err
	}
	move, err := tx.PrepareContext(ctx, placeMoveSQL)
	if err != nil {
		return err
	}
	defer move.Close()
	done, err := tx.PrepareContext(ctx, placeDoneSQL)
	if err != nil {
		return err
	}
	defer done.Close()
	// The stories joined exist before the items move into them.
	var joined, left []string
	for _, p := range ps {
		if r, ok := rows[p.ID]; ok && r.story != p.StoryID {
			joined, left = append(joined, p.StoryID), append(left, r.story)
		}
	}
	if len(joined) > 0 {
		ids, err := json.Marshal(joined)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, bumpStoriesSQL, string(ids), toDB(now)); err != nil {
			return fmt.Errorf("create or bump stories: %w", err)
		}
	}
	for _, p := range ps {
		r, ok := rows[p.ID]
		if !ok {
			continue
		}
		if r.story != p.StoryID {
			if _, err := move.ExecContext(ctx, p.StoryID, r.seq); err != nil {
				return fmt.Errorf("move item %s: %w", p.ID, err)
			}
		}
		if _, err := done.ExecContext(ctx, r.seq); err != nil {
			return fmt.Errorf("dequeue item %s: %w", p.ID, err)
		}
	}
	for _, p := range ps {
		if p.From != "" && p.ID == "" {
			if err := mergeStory(ctx, tx, p.From, p.StoryID, now); err != nil {
				return err
			}
		}
	}
	if len(left) > 0 {
		ids, err := json.Marshal(left)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteEmptiedSQL, string(ids)); err != nil {
			return fmt.Errorf("delete emptied stories: %w", err)
		}
	}
	return tx.Commit()
}

// mergeStory moves every item of story from into story into (bumped to
// now) and deletes from.
func mergeStory(ctx context.Context, tx *sql.Tx, from, into string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO stories (id, created, updated) VALUES (?1, ?2, ?2)
		ON CONFLICT (id) DO UPDATE SET updated = max(updated, excluded.updated)`, into, toDB(now)); err != nil {
		return fmt.Errorf("merge story %s into %s: %w", from, into, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET story_id = ?1 WHERE story_id = ?2`, into, from); err != nil {
		return fmt.Errorf("merge story %s into %s: %w", from, into, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM stories WHERE id = ?1`, from); err != nil {
		return fmt.Errorf("merge story %s into %s: %w", from, into, err)
	}
	return nil
}

// placedRow is what Place needs of an item's row.
type placedRow struct {
	seq   int64
	story string
}

// placedRows looks up the rows of the placed items.
func placedRows(ctx context.Context, tx *sql.Tx, ps []news.Placement) (map[string]placedRow, error) {
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		if p.ID != "" {
			ids = append(ids, p.ID)
		}
	}
	arg, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, placeLookupSQL, string(arg))
	if err != nil {
		return nil, fmt.Errorf("look up items: %w", err)
	}
	defer rows.Close()
	out := make(map[string]placedRow, len(ps))
	for rows.Next() {
		var id string
		var r placedRow
		if err := rows.Scan(&id, &r.seq, &r.story); err != nil {
			return nil, fmt.Errorf("look up items: %w", err)
		}
		out[id] = r
	}
	return out, rows.Err()
}

// Furniture returns the stored furniture model of every feed that has
// one, by feed name.
func (db *DB) Furniture(ctx context.Context) (map[string][]byte, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT feed, model FROM feed_models")
	if err != nil {
		return nil, fmt.Errorf("store: furniture: %w", err)
	}
	defer rows.Close()
	out := make(map[string][]byte)
	for rows.Next() {
		var feed string
		var m []byte
		if err := rows.Scan(&feed, &m); err != nil {
			return nil, fmt.Errorf("store: furniture: %w", err)
		}
		out[feed] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: furniture: %w", err)
	}
	return out, nil
}
