package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Purge deletes, in one transaction, the items first seen before `before`
// that their feed no longer carries (an item its feed still carries is never
// purged: it would be ingested again at the next poll), with their records
// and inbox rows, and then every story left without members; it bumps the
// stories version when it deleted anything. It returns how many items and
// stories it deleted.
func (db *DB) Purge(ctx context.Context, before time.Time) (items, stories int, err error) {
	cut := nanos(before)
	if !cut.Valid {
		return 0, 0, nil // nothing is first seen before the zero time
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM items WHERE NOT in_feed AND first_seen < $1`, cut)
		if err != nil {
			return err
		}
		items = int(tag.RowsAffected())
		tag, err = tx.Exec(ctx, `DELETE FROM stories s
			WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id)`)
		if err != nil {
			return err
		}
		stories = int(tag.RowsAffected())
		if items+stories > 0 {
			return bumpVersion(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: purge before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	return items, stories, nil
}

// Stats is a summary of the store's contents for `aggregator stats`; its
// fields are those of store.Stats.
type Stats struct {
	// Items and Stories count the rows; Merged = Items - Stories is the
	// number of items that joined a story another item founded.
	Items, Stories, Merged int
	// PerFeed counts the items of each feed that has any.
	PerFeed map[string]int
	// Bytes is the database's size on disk (pg_database_size).
	Bytes int64
}

// Stats counts items and stories in one snapshot and measures the
// database.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	st := Stats{PerFeed: make(map[string]int)}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, db.pool, opts, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "SELECT count(*), pg_database_size(current_database()) FROM stories").
			Scan(&st.Stories, &st.Bytes)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT feed, count(*) FROM items GROUP BY feed")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var feed string
			var n int
			if err := rows.Scan(&feed, &n); err != nil {
				return err
			}
			st.PerFeed[feed] = n
			st.Items += n
		}
		return rows.Err()
	})
	if err != nil {
		return Stats{}, fmt.Errorf("postgres: stats: %w", err)
	}
	st.Merged = st.Items - st.Stories
	return st, nil
}
