package pgtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// inboxWorker writes the job's feed into our inbox table and completes the
// job in the same transaction; for feed "rollback" it rolls back instead and
// cancels the job.
type inboxWorker struct {
	river.WorkerDefaults[pollArgs]
	pool      *pgxpool.Pool
	completed chan rivertype.JobState // the state JobCompleteTx returned
}

func (w *inboxWorker) Work(ctx context.Context, job *river.Job[pollArgs]) error {
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "INSERT INTO inbox (feed) VALUES ($1)", job.Args.Feed); err != nil {
		return err
	}
	done, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	if err != nil {
		return err
	}
	w.completed <- done.State
	if job.Args.Feed == "rollback" {
		return river.JobCancel(errors.New("rolled back on purpose"))
	}
	return tx.Commit(ctx)
}

// TestRiverCompleteTx: JobCompleteTx inside our transaction commits or rolls
// back together with our own rows.
func TestRiverCompleteTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := migratedPool(t)
	if _, err := pool.Exec(ctx, "CREATE TABLE inbox (feed text)"); err != nil {
		t.Fatal(err)
	}
	worker := &inboxWorker{pool: pool, completed: make(chan rivertype.JobState, 2)}
	workers := river.NewWorkers()
	river.AddWorker(workers, worker)
	client := newClient(t, pool, &river.Config{
		Workers: workers,
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
	})
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled)
	defer cancel()
	due := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ids := map[string]int64{}
	for _, feed := range []string{"commit", "rollback"} {
		res, err := client.Insert(ctx, pollArgs{Feed: feed, Due: due}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[feed] = res.Job.ID
	}
	waitEvents(t, events, 2)
	for range 2 {
		if state := <-worker.completed; state != rivertype.JobStateCompleted {
			t.Errorf("JobCompleteTx returned a job in state %s, want completed", state)
		}
	}
	var inbox []string
	rows, _ := pool.Query(ctx, "SELECT feed FROM inbox")
	inbox, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0] != "commit" {
		t.Errorf("inbox %v, want [commit]", inbox)
	}
	if state, _ := jobState(t, pool, ids["commit"]); state != rivertype.JobStateCompleted {
		t.Errorf("committed job: %s, want completed", state)
	}
	if state, _ := jobState(t, pool, ids["rollback"]); state != rivertype.JobStateCancelled {
		t.Errorf("rolled back job: %s, want cancelled (not completed)", state)
	}
	// A completed job still holds its unique key: the same (feed, due)
	// cannot be queued again until the job cleaner deletes the row (24 h).
	again, err := client.Insert(ctx, pollArgs{Feed: "commit", Due: due}, nil)
	if err != nil || !again.UniqueSkippedAsDuplicate {
		t.Errorf("insert of a completed job's args: %+v, %v; want skipped as duplicate", again, err)
	}
}

// tickArgs is the periodic job's argument: which client queued it.
type tickArgs struct {
	By string `json:"by"`
}

func (tickArgs) Kind() string { return "tick" }

// TestRiverPeriodicOnLeaderOnly: of two clients with the same periodic job,
// only the elected leader queues it; when the leader stops, the other takes
// over and queues it (RunOnStart).
func TestRiverPeriodicOnLeaderOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := migratedPool(t)
	ran := make(chan string, 4) // who queued each tick that ran
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(_ context.Context, job *river.Job[tickArgs]) error {
		ran <- job.Args.By
		return nil
	}))
	clients := map[string]*river.Client[pgx.Tx]{}
	for _, id := range []string{"a", "b"} {
		clients[id] = newClient(t, pool, &river.Config{
			ID:      id,
			Workers: workers,
			Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
			PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(
				river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return tickArgs{By: id}, nil },
				&river.PeriodicJobOpts{ID: "requeue", RunOnStart: true},
			)},
		})
	}
	leader := waitTick(t, ran)
	var elected string
	if err := pool.QueryRow(ctx, "SELECT leader_id FROM river_leader").Scan(&elected); err != nil {
		t.Fatal(err)
	}
	if elected != leader {
		t.Fatalf("tick queued by %s, but the leader is %s", leader, elected)
	}
	start := time.Now()
	if err := clients[leader].Stop(ctx); err != nil { // resigns with a NOTIFY
		t.Fatal(err)
	}
	follower := waitTick(t, ran)
	t.Logf("leader %s stopped; %s queued the periodic job %v later", leader, follower, time.Since(start).Round(time.Millisecond))
	if follower == leader {
		t.Fatalf("the stopped leader %s queued again", leader)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'tick'").Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d tick jobs (%v), want 2: one per leadership", n, err)
	}
}

func waitTick(t *testing.T, ran <-chan string) string {
	t.Helper()
	select {
	case by := <-ran:
		return by
	case <-time.After(15 * time.Second):
		t.Fatal("no periodic job ran within 15 s")
		return ""
	}
}
