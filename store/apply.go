package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
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
func (db *DB) write(ctx context.Context, tx *sql.Tx, b Batch) error {
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
	return w.finish(ctx, tx, b.Touched)
}

// setCarried sets in_feed for every item of feed from the carried ids. The
// items just written already have in_feed=1, so only the other carried ids
// are looked up to be marked carried again.
func setCarried(ctx context.Context, tx *sql.Tx, feed string, carried []string, written []Entry) error {
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
