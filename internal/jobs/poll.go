package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// errRefused marks a commit the fence refused.
var errRefused = errors.New("refused by the fence")

// pollWorker runs poll jobs.
type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	c *Cluster
}

// NextRetry retries a poll taken from a lost instance at once: River's
// rescuer asks for a job that has run for RescueAfter (it passes the job
// as it was, without the rescue's error). A failed poll (the store failed,
// or the job ran out of time) is retried soon: after 10 s, 20 s, ... a
// minute at most, instead of River's attempt⁴ seconds.
func (w *pollWorker) NextRetry(job *river.Job[PollArgs]) time.Time {
	now := time.Now()
	if job.AttemptedAt != nil && now.Sub(*job.AttemptedAt) >= w.c.cfg.RescueAfter {
		return now
	}
	return now.Add(min(time.Duration(job.Attempt)*10*time.Second, time.Minute))
}

// Work polls the job's feed once and commits it with the fence (see the
// package doc). A refused attempt, and a job with nothing to do, return
// nil; an error (the store failed, the context ended) has River retry the
// job, unless a newer attempt has taken it over.
func (w *pollWorker) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	c := w.c
	if rescued(job) {
		c.obs.Rescued()
	}
	s := c.cfg.Settings()
	feed, sched, ok := s.feed(job.Args.Feed)
	if !ok {
		c.cfg.Log.Warn("poll job for a feed not in this instance's config: dropped", "feed", job.Args.Feed)
		c.obs.Polled(pipeline.FeedReport{Name: job.Args.Feed}, Skipped)
		return nil
	}
	ps, err := c.cfg.DB.PollStart(ctx, feed.Name)
	if err != nil {
		return w.failed(job, err)
	}
	if !ps.Due.Equal(job.Args.Due) {
		c.cfg.Log.Debug("poll job no longer due: skipped", "feed", feed.Name, "due", job.Args.Due, "feed_due", ps.Due)
		c.obs.Polled(pipeline.FeedReport{Name: feed.Name}, Skipped)
		return nil
	}
	now := time.Now().UTC()
	st := pipeline.StateFor(map[string]news.FeedState{feed.Name: ps.State}, feed)
	st = s.Pipe.Fetcher.Begin(st, now)
	// The model of the commit whose generation this poll is fenced on:
	// another instance may have polled the feed last.
	c.fetch.Learned(news.Batch{State: news.FeedState{Name: feed.Name}, Furniture: ps.Model})
	b, rep, err := c.fetch.FetchFeed(ctx, s.Pipe, st, now)
	if err == nil {
		err = ctx.Err() // a shutdown or the job's timeout: not the feed's failure
	}
	if err != nil {
		return w.failed(job, err)
	}
	next := nextDue(sched, feed.Schedule != "", job.Args.Due, now, b.State)
	switch err := w.commit(ctx, job, ps.Generation, b, next, now); {
	case errors.Is(err, errRefused):
		c.cfg.Log.Info("poll commit refused by the fence", "feed", feed.Name, "due", job.Args.Due, "attempt", job.Attempt, "why", err)
		c.obs.Polled(rep, Refused)
		return nil
	case err != nil:
		return w.failed(job, err)
	}
	c.fetch.Learned(b)
	c.obs.Polled(rep, Committed)
	c.cfg.Log.Debug("polled", "feed", feed.Name, "status", rep.Status, "new", rep.New, "next", next)
	return nil
}

// pollOutput is recorded on a committed poll job (River's output
// metadata), for inspection and the tests: which instance committed it.
type pollOutput struct {
	Committed bool   `json:"committed"`
	By        string `json:"by"`
	New       int    `json:"new"`
}

// commit writes the poll in one transaction, fenced (see the package doc);
// it fails with an error wrapping errRefused when the fence refuses it.
// The transaction runs in the job's context: a zombie whose context
// ended cannot commit.
func (w *pollWorker) commit(ctx context.Context, job *river.Job[PollArgs], gen int64, b news.Batch, next, now time.Time) (err error) {
	c := w.c
	tx, err := c.cfg.DB.Pool().Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// River's attempt counter is raised by every fetch of the job under
	// this row lock: a different number is a newer attempt.
	var attempt int
	if err := tx.QueryRow(ctx, "SELECT attempt FROM river_job WHERE id = $1 FOR UPDATE", job.ID).Scan(&attempt); err != nil {
		return fmt.Errorf("lock the job: %w", err)
	}
	if attempt != job.Attempt {
		return fmt.Errorf("%w: attempt %d, the job is at attempt %d", errRefused, job.Attempt, attempt)
	}
	if err := postgres.Advance(ctx, tx, job.Args.Feed, gen, job.Args.Due, next); err != nil {
		if errors.Is(err, postgres.ErrFenced) {
			return fmt.Errorf("%w: %w", errRefused, err)
		}
		return err
	}
	if err := c.cfg.DB.IngestTx(ctx, tx, []news.Batch{b})[0]; err != nil {
		return err
	}
	if !next.IsZero() {
		args := pollArgs(job.Args.Feed, next)
		if _, err := c.client.InsertTx(ctx, tx, args, scheduleAt(args.Due, now)); err != nil {
			return fmt.Errorf("queue the next poll: %w", err)
		}
	}
	if err := river.RecordOutput(ctx, pollOutput{Committed: true, By: c.cfg.ID, New: len(b.Items)}); err != nil {
		return err
	}
	defer func() {
		if err != nil { // not committed after all: River records the attempt's error
			_ = river.RecordOutput(ctx, pollOutput{By: c.cfg.ID})
		}
	}()
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("complete the job: %w", err)
	}
	return tx.Commit(ctx)
}

// failed returns err for River to retry the job, unless the job no longer
// runs this attempt (a zombie: River would apply the error to the newer
// attempt), in which case it returns nil.
func (w *pollWorker) failed(job *river.Job[PollArgs], err error) error {
	c := w.c
	if superseded(c, job) {
		c.cfg.Log.Info("poll attempt superseded while it failed", "feed", job.Args.Feed, "attempt", job.Attempt, "err", err)
		c.obs.Polled(pipeline.FeedReport{Name: job.Args.Feed}, Refused)
		return nil
	}
	c.obs.Polled(pipeline.FeedReport{Name: job.Args.Feed}, Failed)
	return fmt.Errorf("poll %s due %s: %w", job.Args.Feed, job.Args.Due.Format(time.RFC3339), err)
}

// superseded reports whether the job's row no longer runs this attempt. It
// reads the row in a context of its own (the job's may have ended): a read,
// never a commit.
func superseded(c *Cluster, job *river.Job[PollArgs]) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var attempt int
	var state rivertype.JobState
	err := c.cfg.DB.Pool().QueryRow(ctx, "SELECT attempt, state FROM river_job WHERE id = $1", job.ID).Scan(&attempt, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return true
	}
	return err == nil && (attempt != job.Attempt || state != rivertype.JobStateRunning)
}

// rescued reports whether this attempt follows a rescue: River's rescuer
// records an error on the job when it takes it from a presumed lost
// instance.
func rescued(job *river.Job[PollArgs]) bool {
	n := len(job.Errors)
	return n > 0 && strings.Contains(job.Errors[n-1].Error, "Stuck job rescued")
}
