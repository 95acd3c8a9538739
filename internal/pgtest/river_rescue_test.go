package pgtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// errSuperseded: a newer attempt of the job was fetched after this one.
var errSuperseded = errors.New("superseded by a newer attempt")

// errPolled: the feed's poll for this due time is already committed.
var errPolled = errors.New("due time already polled")

// commitPoll is the fenced commit of a poll: in one transaction, the job's
// attempt must still be the newest (River's attempt counter is raised by
// every fetch, under the row lock taken here), the feed's row must still be
// due at the job's due time (our generation guard), then our row and
// JobCompleteTx. JobCompleteTx alone does not fence: it completes any
// running job, whichever attempt runs it, and does nothing (no error) to a
// job that is not running.
func commitPoll(ctx context.Context, pool *pgxpool.Pool, job *river.Job[pollArgs], body string) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var attempt int
	if err := tx.QueryRow(ctx, "SELECT attempt FROM river_job WHERE id = $1 FOR UPDATE", job.ID).Scan(&attempt); err != nil {
		return err
	}
	if attempt != job.Attempt {
		return fmt.Errorf("attempt %d: %w (%d)", job.Attempt, errSuperseded, attempt)
	}
	tag, err := tx.Exec(ctx, `UPDATE feeds SET body = $3, due = due + interval '1 hour', commits = commits + 1
		WHERE id = $1 AND due = $2`, job.Args.Feed, job.Args.Due, body)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errPolled
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// unfencedState is what JobCompleteTx alone makes of the job: the state it
// returns, in a transaction rolled back.
func unfencedState(ctx context.Context, pool *pgxpool.Pool, job *river.Job[pollArgs]) (rivertype.JobState, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	done, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	if err != nil {
		return "", err
	}
	return done.State, nil
}

type attemptResult struct {
	attempt  int
	unfenced rivertype.JobState
	err      error
}

// gates hold each attempt until the test opens its gate.
type gates struct {
	mu   sync.Mutex
	gate map[int]chan struct{}
	all  bool // every gate open, now and later
}

func (g *gates) get(attempt int) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gate == nil {
		g.gate = map[int]chan struct{}{}
	}
	ch := g.gate[attempt]
	if ch == nil {
		ch = make(chan struct{})
		g.gate[attempt] = ch
		if g.all {
			close(ch)
		}
	}
	return ch
}

func (g *gates) open(attempt int) {
	ch := g.get(attempt)
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// openAll lets every attempt go, so a failed test does not leave workers
// hanging when its clients stop.
func (g *gates) openAll() {
	g.mu.Lock()
	g.all = true
	attempts := make([]int, 0, len(g.gate))
	for attempt := range g.gate {
		attempts = append(attempts, attempt)
	}
	g.mu.Unlock()
	for _, attempt := range attempts {
		g.open(attempt)
	}
}

// hangingWorker announces each attempt, then waits for the test to release
// it, ignoring its context: a hung or paused process.
type hangingWorker struct {
	river.WorkerDefaults[pollArgs]
	pool    *pgxpool.Pool
	started chan *river.Job[pollArgs]
	release gates
	results chan attemptResult
}

// NextRetry retries a rescued job at once (the default waits attempt^4 s).
func (*hangingWorker) NextRetry(*river.Job[pollArgs]) time.Time { return time.Now() }

func (w *hangingWorker) Work(ctx context.Context, job *river.Job[pollArgs]) error {
	w.started <- job
	<-w.release.get(job.Attempt)
	res := attemptResult{attempt: job.Attempt}
	var err error
	res.unfenced, err = unfencedState(ctx, w.pool, job)
	res.err = errors.Join(err, commitPoll(ctx, w.pool, job, fmt.Sprintf("attempt %d", job.Attempt)))
	w.results <- res
	// A refused attempt returns nil: River applies a Work result to the job
	// whatever attempt now runs it, and an error would make the newer
	// attempt's job retryable under its feet.
	return nil
}

// TestRiverRescueAndZombie: a job whose worker hangs is rescued by the
// leader after RescueStuckJobsAfter and run again; when the hung attempt
// wakes up (a zombie), River alone would accept its completion, and the
// fence of commitPoll refuses it. Time is not waited for: the job's
// attempted_at is moved two hours back. (A real zombie usually wakes with
// its context past JobTimeout, which stops its queries; this one has a live
// context, as a zombie paused inside its commit path would.)
func TestRiverRescueAndZombie(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := migratedPool(t)
	due := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, err := pool.Exec(ctx, "CREATE TABLE feeds (id text PRIMARY KEY, due timestamptz, body text, commits int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "INSERT INTO feeds VALUES ('f', $1, '', 0)", due); err != nil {
		t.Fatal(err)
	}
	w := &hangingWorker{pool: pool, started: make(chan *river.Job[pollArgs], 4), results: make(chan attemptResult, 4)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}}
	// The first client never leads, so no rescuer runs until the second starts.
	first := newClient(t, pool, &river.Config{ID: "first", Workers: workers, Queues: queues, LeaderElectionDisabled: true})
	events, cancel := first.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	t.Cleanup(w.release.openAll) // runs before the clients stop
	res, err := first.Insert(ctx, pollArgs{Feed: "f", Due: due}, nil)
	if err != nil {
		t.Fatal(err)
	}
	zombie := waitStarted(t, w.started)
	if _, err := pool.Exec(ctx, "UPDATE river_job SET attempted_at = now() - interval '2 hours' WHERE id = $1", res.Job.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	newClient(t, pool, &river.Config{ID: "leader", Workers: workers, Queues: queues, RescueStuckJobsAfter: time.Hour})
	t.Cleanup(w.release.openAll)
	rerun := waitStarted(t, w.started)
	t.Logf("rescued and re-run %v after the leader started", time.Since(start).Round(time.Millisecond))
	if zombie.Attempt != 1 || rerun.Attempt != 2 || rerun.ID != zombie.ID {
		t.Fatalf("attempts %d then %d (jobs %d, %d), want 1 then 2 of one job", zombie.Attempt, rerun.Attempt, zombie.ID, rerun.ID)
	}
	checkRescued(t, pool, res.Job.ID)

	w.release.open(1) // the zombie wakes while attempt 2 runs
	r1 := <-w.results
	if r1.unfenced != rivertype.JobStateCompleted {
		t.Errorf("JobCompleteTx of the zombie returned %s; River was expected to accept it (completed)", r1.unfenced)
	}
	if !errors.Is(r1.err, errSuperseded) {
		t.Fatalf("fenced commit of the zombie: %v, want refused as superseded", r1.err)
	}
	waitEvents(t, events, 1) // the zombie's nil is applied to attempt 2's job
	if state, attempt := jobState(t, pool, res.Job.ID); state != rivertype.JobStateCompleted || attempt != 2 {
		t.Fatalf("after the zombie returned: %s attempt %d, want completed attempt 2 (River applies a stale result)", state, attempt)
	}

	w.release.open(2)
	if r2 := <-w.results; r2.err != nil || r2.unfenced != rivertype.JobStateCompleted {
		t.Fatalf("attempt 2: fenced commit %v, JobCompleteTx state %s; want committed, completed", r2.err, r2.unfenced)
	}
	var body string
	var commits int
	if err := pool.QueryRow(ctx, "SELECT body, commits FROM feeds WHERE id = 'f'").Scan(&body, &commits); err != nil {
		t.Fatal(err)
	}
	if body != "attempt 2" || commits != 1 {
		t.Errorf("feed row: %q after %d commits, want attempt 2's, once", body, commits)
	}
}

func waitStarted(t *testing.T, started <-chan *river.Job[pollArgs]) *river.Job[pollArgs] {
	t.Helper()
	select {
	case job := <-started:
		return job
	case <-time.After(15 * time.Second):
		t.Fatal("no attempt started within 15 s")
		return nil
	}
}

// checkRescued checks the rescuer's marks: an error and a rescue count.
func checkRescued(t *testing.T, pool *pgxpool.Pool, id int64) {
	t.Helper()
	var errs []string
	var rescues int
	err := pool.QueryRow(context.Background(), `SELECT ARRAY(SELECT e->>'error' FROM unnest(errors) e),
		(metadata->>'river:rescue_count')::int FROM river_job WHERE id = $1`, id).Scan(&errs, &rescues)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "Stuck job rescued") || rescues != 1 {
		t.Errorf("rescued job: errors %q, rescue count %d", errs, rescues)
	}
}
