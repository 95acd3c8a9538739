package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/wirestory/aggregator/news"
)

// maxTxItems bounds the items Ingest writes in one transaction (a batch is
// never split), as in package store.
const maxTxItems = 1000

var errBatchNoTime = errors.New("batch has no time")

// Ingest writes the batches in order, several in one transaction, each
// batch in a savepoint of its own: a batch that fails is rolled back alone
// and the others are still written. It returns one error per batch, in the
// order of bs: nil for a batch written. Consecutive batches share a
// transaction until they hold about maxTxItems items, so readers see each
// batch whole. When a transaction cannot begin or commit, every batch in
// it gets that error and none of them is written.
//
// A batch writes the feed's state (bumping its generation), its items and
// their records, the stories they name (created, or bumped to Now), the
// items queued for placing, the carried flags and the furniture model. An
// update of an existing item keeps its first-seen time, and its story
// unless Entry.StoryID names another one; a story left without members by
// such a move is deleted. A transaction that wrote items bumps the stories
// version. Safe for concurrent use.
func (db *DB) Ingest(ctx context.Context, bs []news.Batch) []error {
	errs := make([]error, len(bs))
	for start := 0; start < len(bs); {
		end, n := start+1, len(bs[start].Items)
		for end < len(bs) && n+len(bs[end].Items) <= maxTxItems {
			n += len(bs[end].Items)
			end++
		}
		db.ingestTx(ctx, bs[start:end], errs[start:end])
		start = end
	}
	return wrapBatchErrs(bs, errs)
}

// IngestTx writes the batches as Ingest does, all in tx, the caller's
// transaction (a poll job's, which also moves the feed's due time and
// completes the job in it); the caller commits. A batch's error leaves tx
// usable; when tx itself fails, every batch not yet failed gets that error.
func (db *DB) IngestTx(ctx context.Context, tx pgx.Tx, bs []news.Batch) []error {
	errs := make([]error, len(bs))
	if err := ingestIn(ctx, tx, bs, errs); err != nil {
		fillErrs(errs, err)
	}
	return wrapBatchErrs(bs, errs)
}

func wrapBatchErrs(bs []news.Batch, errs []error) []error {
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("postgres: apply feed %q: %w", bs[i].State.Name, err)
		}
	}
	return errs
}

func fillErrs(errs []error, err error) {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
}

// ingestTx writes bs in one transaction and sets errs[i] when bs[i] is
// not written.
func (db *DB) ingestTx(ctx context.Context, bs []news.Batch, errs []error) {
	tx, err := db.pool.Begin(ctx)
	if err == nil {
		defer tx.Rollback(context.WithoutCancel(ctx))
		err = ingestIn(ctx, tx, bs, errs)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err() // the cause, rather than "conn closed" or "tx is closed"
		}
		fillErrs(errs, err)
	}
}

// ingestIn writes each batch in a savepoint of tx, and bumps the stories
// version when one that wrote items was written. It returns an error only
// when tx can no longer be used.
func ingestIn(ctx context.Context, tx pgx.Tx, bs []news.Batch, errs []error) error {
	known, err := lookup(ctx, tx, bs)
	if err != nil {
		return err
	}
	changed := false
	for i := range bs {
		if bs[i].Now.IsZero() {
			errs[i] = errBatchNoTime
			continue
		}
		w, err := planBatch(&bs[i], known)
		if err == nil {
			err = w.send(ctx, tx)
		}
		if err != nil {
			errs[i] = err
			if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT batch; RELEASE SAVEPOINT batch"); err != nil {
				return fmt.Errorf("roll back a failed batch: %w", err)
			}
			continue
		}
		w.commit(known)
		changed = changed || len(bs[i].Items) > 0
	}
	if changed {
		return bumpVersion(ctx, tx)
	}
	return nil
}

// bumpVersionSQL bumps the stories version; its NOTIFY is sent when the
// transaction commits.
const bumpVersionSQL = `WITH v AS (UPDATE stories_version SET version = version + 1 WHERE id = 1 RETURNING version)
	SELECT pg_notify('aggregator_stories', version::text) FROM v`

func bumpVersion(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, bumpVersionSQL); err != nil {
		return fmt.Errorf("bump the stories version: %w", err)
	}
	return nil
}

// lookup reads what the batches' writing needs of their items' stored
// rows, in one query.
func lookup(ctx context.Context, tx pgx.Tx, bs []news.Batch) (map[string]stored, error) {
	var ids []string
	for i := range bs {
		for j := range bs[i].Items {
			ids = append(ids, bs[i].Items[j].ID)
		}
	}
	known := make(map[string]stored, len(ids))
	if len(ids) == 0 {
		return known, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, story_id, content_hash, first_seen FROM items WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("look up items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		s := stored{registered: true, inDB: true}
		if err := rows.Scan(&id, &s.story, &s.hash, &s.firstSeen); err != nil {
			return nil, fmt.Errorf("look up items: %w", err)
		}
		known[id] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up items: %w", err)
	}
	return known, nil
}
