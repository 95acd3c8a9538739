package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wirestory/aggregator/news"
)

// unplacedSQL: $1 the limit (NULL: none), $2 and $3 the key to start
// after. The first items of the inbox in placing order (inbox_order): by
// publish time (first seen when none), then item id in byte order (the
// column's COLLATE "C").
const unplacedSQL = `SELECT i.id, i.feed, i.story_id, b.changed, b.at, i.canonical_link, b.prepared
	FROM inbox b JOIN items i ON i.seq = b.item
	WHERE (b.at, b.id) > ($2, $3)
	ORDER BY b.at, b.id LIMIT $1`

// Unplaced returns the first limit items of the inbox in placing order
// (by publish time, first-seen time when it has none, then item id) that
// come after the key; the zero key reads from the start. A negative limit
// means no limit.
func (db *DB) Unplaced(ctx context.Context, after news.InboxKey, limit int) ([]news.Unplaced, error) {
	lim := pgtype.Int8{Int64: int64(limit), Valid: limit >= 0}
	rows, err := db.pool.Query(ctx, unplacedSQL, lim, after.AtNanos(), after.ID)
	if err != nil {
		return nil, fmt.Errorf("postgres: unplaced: %w", err)
	}
	defer rows.Close()
	var out []news.Unplaced
	for rows.Next() {
		var u news.Unplaced
		var at int64
		if err := rows.Scan(&u.ID, &u.Feed, &u.StoryID, &u.Changed, &at, &u.CanonicalLink, &u.Prepared); err != nil {
			return nil, fmt.Errorf("postgres: unplaced: %w", err)
		}
		u.Published = time.Unix(0, at).UTC()
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: unplaced: %w", err)
	}
	return out, nil
}

// Place's statements.
const (
	placeLookupSQL = `SELECT id, seq, story_id FROM items WHERE id = ANY($1::text[])`
	// placeMoveSQL: $1 item seqs, $2 their new stories.
	placeMoveSQL = `UPDATE items SET story_id = u.story
		FROM unnest($1::bigint[], $2::text[]) AS u (seq, story) WHERE items.seq = u.seq`
	placeDoneSQL = `DELETE FROM inbox WHERE item = ANY($1::bigint[])`
)

// Place records in one transaction where the placer put items of the
// inbox: each moves to its placement's story (created when missing), the
// stories that gained a member are bumped to now, those left empty are
// deleted, and the items leave the inbox. A placement of an item no longer
// stored (purged meanwhile) is skipped. Either all of it is written or
// none. When items moved, the stories version is bumped. On a store
// returned by WithLease, the lease is renewed in the same transaction, and
// nothing is written (ErrLeaseLost) when it cannot be.
func (db *DB) Place(ctx context.Context, ps []news.Placement, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if db.lease != nil {
			if err := renewLease(ctx, tx, *db.lease); err != nil {
				return err
			}
		}
		return place(ctx, tx, ps, now)
	})
	if err != nil {
		return fmt.Errorf("postgres: place %d items: %w", len(ps), err)
	}
	return nil
}

type placedRow struct {
	seq   int64
	story string
}

func place(ctx context.Context, tx pgx.Tx, ps []news.Placement, now time.Time) error {
	rows, err := placedRows(ctx, tx, ps)
	if err != nil {
		return err
	}
	// As package store does, placement after placement: an item moves to
	// each placement's story that differs from the one it had before.
	var joined, left, moveStory []string
	var moveSeq, done []int64
	for _, p := range ps {
		r, ok := rows[p.ID]
		if !ok {
			continue
		}
		if r.story != p.StoryID {
			joined, left = append(joined, p.StoryID), append(left, r.story)
			moveSeq, moveStory = append(moveSeq, r.seq), append(moveStory, p.StoryID)
		}
		done = append(done, r.seq)
	}
	var q queue
	if len(joined) > 0 {
		q.add("create or bump stories", bumpStoriesSQL, distinctSorted(joined), nanos(now))
		seqs, stories := lastMoves(moveSeq, moveStory)
		q.add("move items", placeMoveSQL, seqs, stories)
	}
	if len(done) > 0 {
		q.add("dequeue items", placeDoneSQL, done)
	}
	merged := false
	for _, p := range ps {
		if p.From != "" && p.ID == "" {
			q.add("merge stories: create the one kept", `INSERT INTO stories (id, created, updated) VALUES ($1, $2, $2)
				ON CONFLICT (id) DO UPDATE SET updated = greatest(stories.updated, excluded.updated)`, p.StoryID, nanos(now))
			q.add("merge stories: move the items", `UPDATE items SET story_id = $1 WHERE story_id = $2`, p.StoryID, p.From)
			q.add("merge stories: drop the one absorbed", `DELETE FROM stories WHERE id = $1`, p.From)
			merged = true
		}
	}
	if len(left) > 0 {
		q.add("delete emptied stories", deleteEmptiedSQL, distinctSorted(left))
	}
	if len(left) > 0 || merged {
		q.add("bump the stories version", bumpVersionSQL)
	}
	if len(q.names) == 0 {
		return nil
	}
	return q.run(ctx, tx)
}

// lastMoves keeps the last move of each item (an UPDATE ... FROM moves a
// row once).
func lastMoves(seqs []int64, stories []string) ([]int64, []string) {
	last := make(map[int64]int, len(seqs))
	for i, s := range seqs {
		last[s] = i
	}
	var outSeq []int64
	var outStory []string
	for i, s := range seqs {
		if last[s] == i {
			outSeq, outStory = append(outSeq, s), append(outStory, stories[i])
		}
	}
	return outSeq, outStory
}

// placedRows looks up the rows of the placed items.
func placedRows(ctx context.Context, tx pgx.Tx, ps []news.Placement) (map[string]placedRow, error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	rows, err := tx.Query(ctx, placeLookupSQL, ids)
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
	rows, err := db.pool.Query(ctx, "SELECT feed, model FROM feed_models")
	if err != nil {
		return nil, fmt.Errorf("postgres: furniture: %w", err)
	}
	defer rows.Close()
	out := make(map[string][]byte)
	for rows.Next() {
		var feed string
		var m []byte
		if err := rows.Scan(&feed, &m); err != nil {
			return nil, fmt.Errorf("postgres: furniture: %w", err)
		}
		out[feed] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: furniture: %w", err)
	}
	return out, nil
}
