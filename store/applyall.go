package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/wirestory/aggregator/news"
)

// maxTxItems bounds the items Ingest writes in one transaction, so that
// the pages a transaction changes stay in the writer's page cache, which
// Ingest (and Place) raise from writerCacheKiB to applyAllCacheKiB while
// they run (with 2,000 KiB they were spilled to the WAL and written again:
// 89 CPU-µs an item in BenchmarkIngestFirstPoll, 72 with 16 MiB; 8 MiB, a
// poll's memory being the point of issue 17, measured 112-152 against
// 184-197 for 16 MiB in alternating runs on a loaded machine: no worse).
const (
	maxTxItems       = 1000
	applyAllCacheKiB = 8 << 10
)

// Ingest writes the batches as Apply would, in order, several in one
// transaction, each batch in a savepoint of its own: a batch that fails is
// rolled back alone and the others are still written. It returns one error
// per batch, in the order of bs: nil for a batch written. Consecutive batches
// share a transaction until they hold about maxTxItems items (a batch is
// never split), so readers see each batch whole, and the batches of one
// transaction at once. When a transaction cannot begin or commit, every
// batch in it gets that error and none of them is written. It is cheaper
// than Apply per batch: pages that several batches change (the items'
// indexes, mostly) are written once per transaction. Safe for concurrent
// use; writes are serialised with Apply's.
func (db *DB) Ingest(ctx context.Context, bs []news.Batch) []error {
	errs := make([]error, len(bs))
	if len(bs) == 0 {
		return errs
	}
	db.setCache(ctx, applyAllCacheKiB)
	defer db.setCache(context.WithoutCancel(ctx), writerCacheKiB)
	for start := 0; start < len(bs); {
		end, n := start+1, len(bs[start].Items)
		for end < len(bs) && n+len(bs[end].Items) <= maxTxItems {
			n += len(bs[end].Items)
			end++
		}
		db.applyTx(ctx, bs[start:end], errs[start:end])
		start = end
	}
	db.cp.poke()
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("store: apply feed %q: %w", bs[i].State.Name, err)
		}
	}
	return errs
}

// applyTx writes bs in one transaction, each in a savepoint, and sets
// errs[i] when bs[i] is not written.
func (db *DB) applyTx(ctx context.Context, bs []news.Batch, errs []error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err == nil {
		defer tx.Rollback()
		for i := range bs {
			if err = db.savepoint(ctx, tx, bs[i], &errs[i]); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err() // the cause, rather than "transaction has already been rolled back"
		}
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
}

// savepoint writes b in a savepoint of tx; when that fails it rolls the
// savepoint back and sets *failed. It returns an error only when the
// transaction itself can no longer be used.
func (db *DB) savepoint(ctx context.Context, tx *sql.Tx, b news.Batch, failed *error) error {
	if b.Now.IsZero() {
		*failed = errBatchNoTime
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT batch"); err != nil {
		return err
	}
	if err := db.write(ctx, tx, b); err != nil {
		*failed = err
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO batch"); err != nil {
			return fmt.Errorf("roll back a failed batch: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, "RELEASE batch")
	return err
}

// setCache sets the size of the writer's page cache. The size only
// changes speed, so an error is ignored: a writer that fails here fails the
// transactions that follow.
func (db *DB) setCache(ctx context.Context, kib int) {
	// PRAGMA takes no bound parameters; kib is a constant.
	db.w.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", -kib))
}
