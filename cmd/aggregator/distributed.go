package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/internal/jobs"
	"github.com/wirestory/aggregator/store/postgres"
)

// distributed is what serve does differently on PostgreSQL, where several
// instances share one database (docs/scale-out.md): instead of the
// scheduler and the poll runner polling every feed, River's poll jobs
// (internal/jobs) poll them on whichever instance is free, the instance
// holding the placer's lease places the inbox, and every instance renders
// again when the stories version moves (announced with NOTIFY, and read
// every watchInterval by watchStore as the fallback). The daemon's runner
// still runs this instance's publishes, one at a time.
type distributed struct {
	d       *daemon
	db      *postgres.DB
	id      string
	cluster *jobs.Cluster
	cache   atomic.Pointer[jobSettings]
	stop    []func()  // stops the goroutines start began, in order
	render  time.Time // when the last render ended; the runner's goroutine only
}

// jobSettings are the jobs' settings made from one current.
type jobSettings struct {
	cur *current
	s   *jobs.Settings
}

// newDistributed wires the cluster part of the daemon d on db.
func newDistributed(d *daemon, db *postgres.DB) (*distributed, error) {
	cfg := d.cur.Load().cfg
	x := &distributed{d: d, db: db, id: instanceID("serve")}
	met := newClusterMetrics(d.met, db, &d.published)
	c, err := jobs.New(jobs.Config{
		DB: db, Log: d.app.log, ID: x.id, Settings: x.settings, Workers: workersOf(cfg),
		JobTimeout: cfg.Cluster.JobTimeout, RescueAfter: cfg.Cluster.RescueAfter,
		LeaseTTL: cfg.Cluster.PlacerLease, Observer: met,
	})
	if err != nil {
		return nil, err
	}
	x.cluster = c
	return x, nil
}

// workersOf is how many poll jobs one instance runs at once.
func workersOf(cfg *config.Config) int {
	switch {
	case cfg.Cluster.Workers > 0:
		return cfg.Cluster.Workers
	case cfg.Fetch.Concurrency > 0:
		return cfg.Fetch.Concurrency
	}
	return fetch.DefaultConcurrency
}

// poolOptions are the database connections' settings of cfg: named after
// the process, a session idle inside a transaction for longer than the
// placer's lease (at least 5 s, at most 30 s, below the 30 s River's
// rescuer waits for a row) ended so that a paused process does not hold
// its locks, and a pool for the poll jobs and River's own work.
func poolOptions(cfg *config.Config) postgres.Options {
	idle := min(max(cfg.Cluster.PlacerLease, 5*time.Second), 30*time.Second)
	return postgres.Options{AppName: "aggregator", IdleInTransaction: idle, MaxConns: int32(workersOf(cfg) + 10)}
}

// instanceID names this process among the instances: host, pid and a
// random part (a pid is reused after a restart).
func instanceID(role string) string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%s-%d-%x", role, host, os.Getpid(), b)
}

// settings returns the jobs' settings of the config in force.
func (x *distributed) settings() *jobs.Settings {
	cur := x.d.cur.Load()
	if c := x.cache.Load(); c != nil && c.cur == cur {
		return c.s
	}
	// a feed without a schedule of its own is polled at the global
	// schedule's ticks, or sooner at its learned interval (jobs.nextDue)
	own := feedSchedules(cur.cfg)
	global, _ := config.CronParser.Parse(cur.cfg.Schedule)
	schedules := make(map[string]jobs.Schedule, len(cur.cfg.Feeds))
	for _, f := range cur.cfg.Feeds {
		s, ok := own[f.Name]
		if !ok {
			s = global
		}
		if s != nil {
			schedules[f.Name] = s
		}
	}
	s := jobs.NewSettings(cur.pipe, schedules)
	x.cache.Store(&jobSettings{cur: cur, s: s})
	return s
}

// start starts the poll jobs, the placer and the listener, then asks for
// a publish (which makes the instance ready). A failure ends the daemon.
func (x *distributed) start() {
	d := x.d
	cfg := d.cur.Load().cfg
	d.app.log.Info("distributed mode: polls are River jobs shared by the instances on this database", "instance", x.id,
		"workers", workersOf(cfg), "job_timeout", cfg.Cluster.JobTimeout, "rescue_after", cfg.Cluster.RescueAfter,
		"placer_lease", cfg.Cluster.PlacerLease)
	if cfg.Output.Link == "http://"+cfg.Output.Listen+"/" {
		d.app.log.Warn("output.link is this instance's listen address: set it to the public URL all instances share, or their feeds differ")
	}
	if err := x.cluster.Start(context.Background()); err != nil {
		d.fail(err)
		return
	}
	x.stop = append(x.stop, x.listen(), every(refreshEvery(cfg), func() bool { d.polls.republish(); return true }))
	d.polls.republish()
}

// refreshEvery is how often the page is rendered again when no story
// changed, for its feed health table: the schedule's interval, at least a
// minute.
func refreshEvery(cfg *config.Config) time.Duration {
	return max(pollInterval(cfg.Schedule), time.Minute)
}

// shutdown stops the listener, the placer (releasing its lease) and the
// poll jobs (running ones get grace, then their contexts are cancelled
// and River hands them to another instance).
func (x *distributed) shutdown(grace time.Duration) {
	for _, stop := range x.stop {
		stop()
	}
	if err := x.cluster.Stop(grace); err != nil {
		x.d.app.log.Warn("stop the poll jobs", "err", err)
	}
}

// poll is the runner's work in distributed mode: a publish, and for a
// poll request (a reload added feeds) a re-queuing pass first, so that new
// feeds are polled now rather than at the leader's next pass.
func (x *distributed) poll(ctx context.Context, cur *current, feeds []string, publishOnly bool) {
	if !publishOnly {
		if n, err := x.cluster.Requeue(ctx); err != nil {
			x.d.app.log.Error("queue polls", "err", err)
		} else if n > 0 {
			x.d.app.log.Info("queued polls of feeds that had none", "feeds", n)
		}
	}
	// While polls commit, the version moves with each: render at most every
	// minRender (the runner merges the requests made meanwhile).
	if wait := minRender - time.Since(x.render); wait > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	if x.d.publish(context.WithoutCancel(ctx), cur) {
		x.d.ready.Store(true)
	}
	x.render = time.Now()
}

// minRender is the least time between two renders of an instance: each
// reads the newest stories from the database (1.9-2.7 s at 10,000 feeds,
// docs/performance.md), and every committed poll with new items moves the
// stories version.
const minRender = 2 * time.Second

// listen hears the stories version: the placer may have work, and the
// output is rendered again when the version is not the one published. It
// reconnects after a failure; the returned function stops it.
func (x *distributed) listen() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
			err := x.db.Listen(ctx, func(v int64) {
				x.cluster.Wake()
				if v != x.d.published.Load() {
					x.d.polls.republish()
				}
			})
			if err == nil {
				return // ctx ended
			}
			x.d.app.log.Warn("listen for story changes (watching every 5 s meanwhile)", "err", err, "retry_in", wait)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}()
	return func() { cancel(); <-done }
}
