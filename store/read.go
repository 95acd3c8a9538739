package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Known returns what the store has for the given item ids; ids not stored
// are absent from the map. It is safe to call while Apply runs and sees the
// last committed state.
func (db *DB) Known(ctx context.Context, ids []string) (map[string]news.Known, error) {
	out := make(map[string]news.Known, len(ids))
	err := db.pairs(ctx, ids, knownSQL,
		func(rows *sql.Rows) error {
			var id string
			var k news.Known
			if err := rows.Scan(&id, &k.StoryID, &k.ContentHash); err != nil {
				return err
			}
			out[id] = k
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: known items: %w", err)
	}
	return out, nil
}

// StoriesByLink returns, for each canonical link that some placed item (of
// any feed) has, the story of that item; when several items share a link,
// the one stored first wins. Empty and unknown links are absent.
func (db *DB) StoriesByLink(ctx context.Context, links []string) (map[string]string, error) {
	out := make(map[string]string, len(links))
	err := db.pairs(ctx, links, byLinkSQL,
		func(rows *sql.Rows) error {
			var link, story string
			if err := rows.Scan(&link, &story); err != nil {
				return err
			}
			out[link] = story
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: stories by link: %w", err)
	}
	return out, nil
}

// pairs runs query with keys as a JSON array and calls scan on each row.
func (db *DB) pairs(ctx context.Context, keys []string, query string, scan func(*sql.Rows) error) error {
	if len(keys) == 0 {
		return nil
	}
	arg, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	rows, err := db.r.QueryContext(ctx, query, string(arg))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Window calls fn for every placed item published at or after since (first
// seen, when it has no publish time), in the order the items were stored
// (their Seq), which is not the window's order (see news.WindowItem).
// Items that wait in the inbox to be placed for the first time are left
// out. It stops at the first error from fn and returns it unwrapped. fn
// runs while a read snapshot is held and must not call Apply and wait for
// it. Rebuilding a window of 100,000 items takes a fraction of a second
// (see BenchmarkWindow100k).
func (db *DB) Window(ctx context.Context, since time.Time, fn func(news.WindowItem) error) error {
	from := int64(-1 << 63)
	if n, ok := toDB(since).(int64); ok {
		from = n
	}
	rows, err := db.r.QueryContext(ctx, windowSQL, from)
	if err != nil {
		return fmt.Errorf("store: window: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it news.WindowItem
		var published int64
		// The record is scanned without database/sql's copy (a third of
		// the read's CPU): the driver hands every row's blob over in a
		// Go slice of its own (C.GoBytes), never reused, so the callee
		// may keep it. TestWindowRecordsKept checks that.
		var record sql.RawBytes
		if err := rows.Scan(&it.ID, &it.Feed, &it.StoryID, &published, &it.Seq, &record); err != nil {
			return fmt.Errorf("store: window: %w", err)
		}
		it.Record = record
		it.Published = time.Unix(0, published).UTC()
		if err := fn(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: window: %w", err)
	}
	return nil
}
