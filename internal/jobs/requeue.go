package jobs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// requeueWorker runs the leader's periodic re-queuing pass.
type requeueWorker struct {
	river.WorkerDefaults[RequeueArgs]
	c *Cluster
}

// Work runs one pass; an error is logged by River, and the next period
// tries again.
func (w *requeueWorker) Work(ctx context.Context, _ *river.Job[RequeueArgs]) error {
	n, err := requeue(ctx, w.c, w.c.cfg.Settings(), time.Now())
	if n > 0 {
		w.c.cfg.Log.Info("queued polls of feeds that had none", "feeds", n)
	}
	return err
}

// requeueLockKey is the pg_advisory_xact_lock key of a re-queuing pass
// ("aggr" "requ" in ASCII): passes take turns, so that a second finds the
// jobs the first queued.
const requeueLockKey int64 = 0x61676772_72657175

// liveFeedsSQL lists the feeds that have a live poll job.
const liveFeedsSQL = `SELECT DISTINCT args->>'feed' FROM river_job
	WHERE kind = 'poll' AND state = ANY($1::river_job_state[])`

// requeue queues a poll for every configured feed of s that is not gone
// and has no live poll job (a crash between a refused attempt and the
// newer one's commit, a feed added, a job discarded after its attempts),
// at its first due time, and sets the feed's due time to it; it returns
// how many it queued. It reads the live jobs once, without writing, when
// every feed has one: a duplicate insert would lock and rewrite the live
// job's row. Passes, on any instance, take turns.
func requeue(ctx context.Context, c *Cluster, s *Settings, now time.Time) (int, error) {
	queued := 0
	err := pgx.BeginFunc(ctx, c.cfg.DB.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", requeueLockKey); err != nil {
			return err
		}
		live, err := liveFeeds(ctx, tx)
		if err != nil {
			return err
		}
		var missing []news.Feed
		for _, f := range s.Pipe.Feeds {
			if _, _, ok := s.feed(f.Name); ok && !live[f.Name] {
				missing = append(missing, f)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		queued, err = queuePolls(ctx, c, tx, s, missing, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("jobs: re-queue polls: %w", err)
	}
	return queued, nil
}

// liveFeeds returns the feeds that have a live poll job.
func liveFeeds(ctx context.Context, tx pgx.Tx) (map[string]bool, error) {
	states := make([]string, len(liveStates))
	for i, st := range liveStates {
		states[i] = string(st)
	}
	rows, err := tx.Query(ctx, liveFeedsSQL, states)
	if err != nil {
		return nil, fmt.Errorf("live poll jobs: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("live poll jobs: %w", err)
	}
	live := make(map[string]bool, len(names))
	for _, n := range names {
		live[n] = true
	}
	return live, nil
}

// queuePolls queues the first poll of each feed of missing (not gone) and
// sets its due time, in tx; it returns how many it queued.
func queuePolls(ctx context.Context, c *Cluster, tx pgx.Tx, s *Settings, missing []news.Feed, now time.Time) (int, error) {
	states, err := c.cfg.DB.FeedStates(ctx)
	if err != nil {
		return 0, err
	}
	var (
		fresh  []news.FeedState
		dues   []time.Time
		params []river.InsertManyParams
	)
	for _, f := range missing {
		_, sched, _ := s.feed(f.Name)
		st := pipeline.StateFor(states, f)
		due := firstDue(sched, f.Schedule != "", st, now)
		if due.IsZero() {
			continue // gone
		}
		args := pollArgs(f.Name, due)
		fresh, dues = append(fresh, st), append(dues, args.Due)
		params = append(params, river.InsertManyParams{Args: args, InsertOpts: scheduleAt(args.Due, now)})
	}
	if len(params) == 0 {
		return 0, nil
	}
	if err := postgres.SetDue(ctx, tx, fresh, dues); err != nil {
		return 0, err
	}
	// One statement for them all; the feeds are distinct, so the batch
	// holds no two equal unique jobs (which would fail it whole).
	for chunk := range slices.Chunk(params, 1000) {
		if _, err := c.client.InsertManyTx(ctx, tx, chunk); err != nil {
			return 0, fmt.Errorf("queue polls: %w", err)
		}
	}
	return len(params), nil
}
