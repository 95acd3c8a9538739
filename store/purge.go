package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Purge deletes, in one transaction, the items first seen before `before`
// that their feed no longer carries (an item its feed still carries is never
// purged: it would be ingested again at the next poll), with their records,
// and then every story left without members. It returns how many items and
// stories it deleted.
func (db *DB) Purge(ctx context.Context, before time.Time) (items, stories int, err error) {
	items, stories, err = db.purge(ctx, before)
	if err != nil {
		return 0, 0, fmt.Errorf("store: purge before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	return items, stories, nil
}

func (db *DB) purge(ctx context.Context, before time.Time) (items, stories int, err error) {
	cut, ok := toDB(before).(int64)
	if !ok {
		return 0, 0, nil // nothing is first seen before the zero time
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	for _, q := range []string{purgeRecordsSQL, purgeInboxSQL} {
		if _, err := tx.ExecContext(ctx, q, cut); err != nil {
			return 0, 0, err
		}
	}
	res, err := tx.ExecContext(ctx, purgeItemsSQL, cut)
	if err != nil {
		return 0, 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	res, err = tx.ExecContext(ctx, purgeStoriesSQL)
	if err != nil {
		return 0, 0, err
	}
	m, err := res.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	return int(n), int(m), tx.Commit()
}

// Stats is a summary of the store's contents for `aggregator stats`.
type Stats struct {
	// Items and Stories count the rows; Merged = Items - Stories is the
	// number of items that joined a story another item founded.
	Items, Stories, Merged int
	// PerFeed counts the items of each feed that has any.
	PerFeed map[string]int
	// Bytes is the database's size on disk: the main file plus the WAL.
	Bytes int64
}

// Stats counts items and stories in one read snapshot and measures the
// database files.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	st, err := db.stats(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}

func (db *DB) stats(ctx context.Context) (Stats, error) {
	st := Stats{PerFeed: make(map[string]int)}
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM stories").Scan(&st.Stories); err != nil {
		return st, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT feed, count(*) FROM items GROUP BY feed")
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var feed string
		var n int
		if err := rows.Scan(&feed, &n); err != nil {
			return st, err
		}
		st.PerFeed[feed] = n
		st.Items += n
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	st.Merged = st.Items - st.Stories
	for _, name := range []string{db.path, db.path + "-wal"} {
		fi, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return st, err
		}
		st.Bytes += fi.Size()
	}
	return st, nil
}
