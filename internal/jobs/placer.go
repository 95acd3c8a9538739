package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// placer places the inbox while this instance holds the placer's lease,
// and tries to take the lease while another holds it.
type placer struct {
	c     *Cluster
	hint  chan struct{} // holds a token when woken
	clock func() time.Time
}

func newPlacer(c *Cluster) *placer {
	return &placer{c: c, hint: make(chan struct{}, 1), clock: time.Now}
}

// wake leaves a token for the placer; it never waits.
func (pl *placer) wake() {
	select {
	case pl.hint <- struct{}{}:
	default:
	}
}

// run tries to take the lease every quarter of its TTL and places while it
// holds it, until ctx ends.
func (pl *placer) run(ctx context.Context) {
	ttl := pl.c.cfg.LeaseTTL
	for ctx.Err() == nil {
		l, ok, err := pl.c.cfg.DB.AcquireLease(ctx, pl.c.cfg.ID, ttl)
		switch {
		case err != nil && ctx.Err() == nil:
			pl.c.cfg.Log.Warn("take the placer lease", "err", err)
		case ok:
			pl.term(ctx, l)
			continue // another term at once when it was not our choice to stop
		}
		pl.sleep(ctx, ttl/4)
	}
}

// sleep waits for d, a hint or the end of ctx.
func (pl *placer) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-pl.hint:
	}
}

// term places for one term of the lease, on a pipeline of its own (its
// first Place rebuilds the dedupe window from the store), until the lease
// is lost (it steps down) or ctx ends (it releases the lease, so that
// another instance takes over at once).
func (pl *placer) term(ctx context.Context, l postgres.Lease) {
	c := pl.c
	log := c.cfg.Log.With("term", l.Term)
	log.Info("placer lease taken: this instance places")
	c.obs.Lease(true, l.Term)
	defer c.obs.Lease(false, l.Term)
	t := &termState{pl: pl, lease: l, db: c.cfg.DB.WithLease(l), renewed: pl.clock()}
	t.pipe = pipeline.New(t.db, log)
	for {
		wait, err := t.step(ctx)
		if ctx.Err() != nil {
			rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := c.cfg.DB.ReleaseLease(rctx, l); err != nil {
				log.Warn("release the placer lease", "err", err)
			}
			return
		}
		if errors.Is(err, postgres.ErrLeaseLost) {
			log.Warn("placer lease lost: stepping down", "err", err)
			return
		}
		if err != nil {
			log.Error("place", "err", err)
		}
		pl.sleep(ctx, wait)
	}
}

// termState is one term of the lease.
type termState struct {
	pl      *placer
	lease   postgres.Lease
	db      *postgres.DB // renews the lease in each Place
	pipe    *pipeline.Pipeline
	renewed time.Time // the last renewal
	waiting time.Time // since when the inbox waits for polls in flight; zero when not
}

// pollWait is how often the placer looks again while the inbox waits for
// the polls in flight.
const pollWait = time.Second

// step places the inbox when it has rows and no due poll is in flight (or
// the inbox has waited for longer than holdMax), renews the lease when it
// is due, and returns how long to wait before the next step.
func (t *termState) step(ctx context.Context) (wait time.Duration, err error) {
	c := t.pl.c
	renewEvery := c.cfg.LeaseTTL / 3
	defer func() {
		if err == nil && t.pl.clock().Sub(t.renewed) >= renewEvery {
			if err = c.cfg.DB.RenewLease(ctx, t.lease); err == nil {
				t.renewed = t.pl.clock()
			}
		}
	}()
	rows, _, err := c.cfg.DB.InboxLag(ctx)
	if err != nil || rows == 0 {
		t.waiting = time.Time{}
		return renewEvery, err
	}
	inFlight, err := duePollsInFlight(ctx, c)
	if err != nil {
		return renewEvery, err
	}
	now := t.pl.clock()
	if t.waiting.IsZero() {
		t.waiting = now
	}
	if inFlight > 0 && now.Sub(t.waiting) < t.holdMax() {
		return pollWait, nil
	}
	if inFlight > 0 {
		c.cfg.Log.Warn("placing while polls are still in flight: the inbox waited too long", "in_flight", inFlight, "waited", now.Sub(t.waiting).Round(time.Second))
	}
	s := c.cfg.Settings()
	start := t.pl.clock()
	if err := t.pipe.Place(ctx, s.Pipe, nil); err != nil {
		return renewEvery, err
	}
	t.renewed, t.waiting = start, time.Time{} // Place renewed it
	t.pipe.Purge(ctx, s.Pipe)
	c.cfg.Log.Info("placed the inbox", "items", rows, "duration", t.pl.clock().Sub(start).Round(time.Millisecond))
	return 0, nil // look again at once: more may have come meanwhile
}

// holdMax bounds how long the inbox waits for the polls in flight: a poll
// held by a lost instance is rescued after RescueAfter plus up to 35 s
// (River's rescuer runs every 30 s, its scheduler every 5 s) and retried
// after at most a minute.
func (t *termState) holdMax() time.Duration {
	return t.pl.c.cfg.RescueAfter + t.pl.c.cfg.JobTimeout + 2*time.Minute
}

// duePollsInFlightSQL counts the poll jobs due now that have not ended:
// running, waiting to be retried, or waiting to run at a time that has
// come (River's scheduler makes scheduled jobs available every 5 s, up to
// 5 s early).
const duePollsInFlightSQL = `SELECT count(*) FROM river_job WHERE kind = 'poll'
	AND (state IN ('pending', 'running', 'retryable')
		OR (state IN ('available', 'scheduled') AND scheduled_at <= now()))`

func duePollsInFlight(ctx context.Context, c *Cluster) (int, error) {
	var n int
	err := c.cfg.DB.Pool().QueryRow(ctx, duePollsInFlightSQL).Scan(&n)
	return n, err
}
