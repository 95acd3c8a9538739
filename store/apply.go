package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/wirestory/aggregator/news"
)

// Apply writes the batch in one transaction: the feed's state, its items
// and their records, the stories they name, the items queued for placing,
// the carried flags and the feed's furniture. Either
// all of it is written or, on error, none of it. An update of an existing
// item (same ID) keeps its first_seen, and its story unless Entry.StoryID
// names another one (an empty StoryID keeps it); a story left without
// members by such a move is deleted. A new item needs a StoryID.
func (db *DB) Apply(ctx context.Context, b news.Batch) error {
	if err := db.apply(ctx, b); err != nil {
		return fmt.Errorf("store: apply feed %q: %w", b.State.Name, err)
	}
	return nil
}

func (db *DB) apply(ctx context.Context, b news.Batch) error {
	if b.Now.IsZero() {
		return errBatchNoTime
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.write(ctx, tx, b); err != nil {
		return err
	}
	return tx.Commit()
}

var errBatchNoTime = errors.New("batch has no time")

// write writes batch b in tx: what Apply does, without the transaction.
func (db *DB) write(ctx context.Context, tx *sql.Tx, b news.Batch) error {
	if err := saveFeedState(ctx, tx, b.State); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	w := newWriter(ctx, tx, db.prepared, b.Now)
	defer w.close()
	if err := w.items(ctx, b.State.Name, b.Items); err != nil {
		return err
	}
	if err := setCarried(ctx, tx, b.State.Name, b.Carried, b.Items); err != nil {
		return err
	}
	if b.Furniture != nil {
		if _, err := tx.ExecContext(ctx, saveModelSQL, b.State.Name, b.Furniture); err != nil {
			return fmt.Errorf("save furniture: %w", err)
		}
	}
	return w.finish(ctx, tx)
}

// setCarried sets in_feed for every item of feed from the carried ids. The
// items just written already have in_feed=1, so only the other carried ids
// are looked up to be marked carried again.
func setCarried(ctx context.Context, tx *sql.Tx, feed string, carried []string, written []news.Entry) error {
	if carried == nil {
		return nil
	}
	ids, err := json.Marshal(carried)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, uncarrySQL, string(ids), feed); err != nil {
		return fmt.Errorf("set carried: %w", err)
	}
	done := make(map[string]bool, len(written))
	for i := range written {
		done[written[i].ID] = true
	}
	rest := make([]string, 0, len(carried))
	for _, id := range carried {
		if !done[id] {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	if ids, err = json.Marshal(rest); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, carrySQL, string(ids), feed); err != nil {
		return fmt.Errorf("set carried: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
