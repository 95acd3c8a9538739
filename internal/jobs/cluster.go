package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// Outcome is what became of one poll job's attempt.
type Outcome string

// Outcomes of a poll job.
const (
	// Committed: the poll was stored and the feed's next poll queued.
	Committed Outcome = "committed"
	// Refused: the fence refused the commit (a newer attempt of the job
	// ran, or the feed's due time or generation moved on meanwhile).
	Refused Outcome = "refused"
	// Skipped: nothing to do (the feed's poll for that time was committed
	// or re-queued before this attempt began, or the feed is not in this
	// instance's config).
	Skipped Outcome = "skipped"
	// Failed: the store or the context failed; River retries the job.
	Failed Outcome = "failed"
)

// Observer hears what the jobs do, for metrics. Its methods are called
// from the jobs' goroutines, concurrently.
type Observer interface {
	// Polled reports one poll job's attempt: the feed's report (zero
	// unless it was fetched) and the outcome.
	Polled(rep pipeline.FeedReport, o Outcome)
	// Rescued reports an attempt that re-runs a job River's rescuer took
	// from an instance presumed lost.
	Rescued()
	// Lease reports the placer's lease taken (held, with its term) or
	// given up.
	Lease(held bool, term int64)
}

type nopObserver struct{}

func (nopObserver) Polled(pipeline.FeedReport, Outcome) {}
func (nopObserver) Rescued()                            {}
func (nopObserver) Lease(bool, int64)                   {}

// Config is what New needs. The zero durations take the defaults noted.
type Config struct {
	DB  *postgres.DB
	Log *slog.Logger
	// ID names this instance: unique among the running processes (River's
	// client id, the lease holder).
	ID string
	// Settings returns the settings in force (a reload swaps them).
	Settings func() *Settings
	// Workers is how many poll jobs this instance runs at once.
	Workers int
	// JobTimeout bounds one poll job; RescueAfter is when River's leader
	// presumes a running job's instance lost (at least JobTimeout).
	JobTimeout, RescueAfter time.Duration
	// LeaseTTL is how long the placer's lease lasts unrenewed.
	LeaseTTL time.Duration
	// RequeueEvery is the period of the leader's re-queuing pass (default
	// one minute).
	RequeueEvery time.Duration
	// Observer hears what the jobs do; nil hears nothing.
	Observer Observer
}

// Cluster is this instance's part of the cluster: a River client working
// the poll jobs and the placer. Create it with New, then Start it; Stop
// ends both. It is safe for concurrent use.
type Cluster struct {
	cfg    Config
	client *river.Client[pgx.Tx]
	fetch  *pipeline.Pipeline // the poll jobs' pipeline: furniture only
	obs    Observer
	placer *placer

	mu      sync.Mutex
	cancel  context.CancelFunc // ends the placer
	stopped chan struct{}      // closed when the placer has returned
}

// New returns the cluster part of this instance, not started.
func New(cfg Config) (*Cluster, error) {
	if cfg.RequeueEvery <= 0 {
		cfg.RequeueEvery = time.Minute
	}
	c := &Cluster{cfg: cfg, obs: cfg.Observer, fetch: pipeline.New(cfg.DB, cfg.Log)}
	if c.obs == nil {
		c.obs = nopObserver{}
	}
	c.placer = newPlacer(c)
	workers := river.NewWorkers()
	river.AddWorker(workers, &pollWorker{c: c})
	river.AddWorker(workers, &requeueWorker{c: c})
	requeue := river.NewPeriodicJob(river.PeriodicInterval(cfg.RequeueEvery),
		func() (river.JobArgs, *river.InsertOpts) { return RequeueArgs{}, nil },
		&river.PeriodicJobOpts{ID: KindRequeue, RunOnStart: true})
	client, err := river.NewClient(riverpgxv5.New(cfg.DB.Pool()), &river.Config{
		ID:                   cfg.ID,
		Logger:               slog.New(quieter{cfg.Log.Handler()}).With("component", "river"),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(1, cfg.Workers)}},
		Workers:              workers,
		PeriodicJobs:         []*river.PeriodicJob{requeue},
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          maxAttempts,
		// A client fetches jobs at most once per cooldown, up to its free
		// workers: River's 100 ms default caps an instance at ten times its
		// workers polls a second (160 with 16), a tenth of what one
		// instance on SQLite does on loopback feeds. 10 ms lifts the cap;
		// a fetch is still made only when workers are free.
		FetchCooldown: 10 * time.Millisecond,
		// Completed poll jobs are kept an hour for inspection; a day's (the
		// default) of 10,000 feeds polled every 10 minutes is 1.4 million
		// rows.
		CompletedJobRetentionPeriod: time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	c.client = client
	return c, nil
}

// Start starts working poll jobs and placing. ctx bounds the start only.
func (c *Cluster) Start(ctx context.Context) error {
	if err := c.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start river: %w", err)
	}
	pctx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	c.cancel, c.stopped = cancel, make(chan struct{})
	c.mu.Unlock()
	go func() {
		defer close(c.stopped)
		c.placer.run(pctx)
	}()
	return nil
}

// Stop stops the placer (releasing its lease, so that another instance
// takes over at once) and River: running poll jobs may finish within
// grace, then their contexts are cancelled (River puts them back for
// another instance) and waited for. It returns River's error, if any.
func (c *Cluster) Stop(grace time.Duration) error {
	c.mu.Lock()
	cancel, stopped := c.cancel, c.stopped
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-stopped
	}
	ctx, done := context.WithTimeout(context.Background(), grace)
	defer done()
	err := c.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		c.cfg.Log.Warn("poll jobs still running at the end of the grace period: cancelled them", "grace", grace)
		return c.client.StopAndCancel(context.Background())
	}
	return err
}

// Wake tells the placer that the inbox may have rows (a hint: it also
// looks on its own).
func (c *Cluster) Wake() { c.placer.wake() }

// Requeue runs a re-queuing pass now (after a reload added feeds).
func (c *Cluster) Requeue(ctx context.Context) (int, error) {
	return requeue(ctx, c, c.cfg.Settings(), time.Now())
}

// quieter hands River's records to h with info demoted to debug: River
// logs its routine work at info (each producer's job counts every few
// seconds, each maintenance pass).
type quieter struct{ h slog.Handler }

func (q quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return q.h.Enabled(ctx, demote(l))
}

func (q quieter) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return q.h.Handle(ctx, r)
}

func (q quieter) WithAttrs(as []slog.Attr) slog.Handler { return quieter{q.h.WithAttrs(as)} }
func (q quieter) WithGroup(name string) slog.Handler    { return quieter{q.h.WithGroup(name)} }

func demote(l slog.Level) slog.Level {
	if l == slog.LevelInfo {
		return slog.LevelDebug
	}
	return l
}
