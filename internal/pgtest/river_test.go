package pgtest_test

// A spike against a throwaway PostgreSQL: the behaviours of River v0.51.2
// (github.com/riverqueue/river) that the scale-out design (issue 16) relies
// on, written as tests so an upgrade that changes one of them fails here.
// The sources are cited in /work/notes/river.md.

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/wirestory/aggregator/internal/pgtest"
)

// pollArgs is the shape of a poll job: one (feed, due time), unique by its
// arguments.
type pollArgs struct {
	Feed string    `json:"feed"`
	Due  time.Time `json:"due"`
}

func (pollArgs) Kind() string { return "poll" }

func (pollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// riverLogger shows River's warnings and errors on stderr.
func riverLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// migratedPool returns a pool on a fresh database with River's schema.
func migratedPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := connect(t, pgtest.NewDatabase(t))
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: riverLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrator.Migrate(context.Background(), rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	return pool
}

// newClient makes a River client; a config with Queues is started and
// stopped at the end of the test.
func newClient(t *testing.T, pool *pgxpool.Pool, cfg *river.Config) *river.Client[pgx.Tx] {
	t.Helper()
	cfg.Logger = riverLogger()
	cfg.TestOnly = true // no random start-up stagger of the leader's services
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Queues == nil {
		return client
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := client.StopAndCancel(ctx); err != nil {
			t.Error(err)
		}
	})
	return client
}

func TestRiverMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := connect(t, pgtest.NewDatabase(t))
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: riverLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := migrator.Validate(ctx, nil); err != nil || res.OK {
		t.Fatalf("Validate on an empty database: %+v, %v; want not OK", res, err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := migrator.AllVersions()
	if len(res.Versions) != len(all) || all[len(all)-1].Version != 8 {
		t.Fatalf("applied %d of %d versions; the last known is %d, want 8", len(res.Versions), len(all), all[len(all)-1].Version)
	}
	if res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil || len(res.Versions) != 0 {
		t.Fatalf("a second Migrate applied %v, %v; want nothing", res, err)
	}
	if res, err := migrator.Validate(ctx, nil); err != nil || !res.OK {
		t.Fatalf("Validate after Migrate: %+v, %v", res, err)
	}
	for _, table := range []string{"river_job", "river_leader", "river_queue", "river_migration", "river_notification"} {
		var found *string
		if err := pool.QueryRow(ctx, "SELECT to_regclass($1)::text", table).Scan(&found); err != nil || found == nil {
			t.Errorf("table %s: %v, %v", table, found, err)
		}
	}
	// A schema newer than this River: ExistingVersions refuses it, which is
	// what `serve` needs to refuse to start.
	if _, err := pool.Exec(ctx, "INSERT INTO river_migration (line, version) VALUES ('main', 99)"); err != nil {
		t.Fatal(err)
	}
	if _, err := migrator.ExistingVersions(ctx); err == nil || !strings.Contains(err.Error(), "99") {
		t.Fatalf("ExistingVersions with an unknown version 99: %v, want an error naming it", err)
	}
}

func TestRiverUniqueByArgs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := migratedPool(t)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[pollArgs]) error { return nil }))
	client := newClient(t, pool, &river.Config{Workers: workers}) // insert-only: no Queues
	due := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	first, err := client.Insert(ctx, pollArgs{Feed: "a", Due: due}, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.Insert(ctx, pollArgs{Feed: "a", Due: due}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.UniqueSkippedAsDuplicate || !again.UniqueSkippedAsDuplicate || again.Job.ID != first.Job.ID {
		t.Fatalf("first %+v, again %+v: want the second skipped as a duplicate of the first", first, again)
	}
	next, err := client.Insert(ctx, pollArgs{Feed: "a", Due: due.Add(time.Hour)}, nil)
	if err != nil || next.UniqueSkippedAsDuplicate {
		t.Fatalf("another due time: %+v, %v; want a new job", next, err)
	}
	// Two equal unique jobs in one InsertMany fail the whole batch (its
	// INSERT ... ON CONFLICT DO UPDATE cannot touch one row twice): a
	// batch must be deduplicated by its caller.
	_, err = client.InsertMany(ctx, []river.InsertManyParams{
		{Args: pollArgs{Feed: "b", Due: due}}, {Args: pollArgs{Feed: "b", Due: due}},
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "21000" { // cardinality_violation
		t.Errorf("InsertMany with two equal unique jobs: %v, want cardinality_violation", err)
	}
	// InsertTx rolled back with our transaction: no job.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.InsertTx(ctx, tx, pollArgs{Feed: "c", Due: due}, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var feeds []string
	rows, _ := pool.Query(ctx, "SELECT args->>'feed' FROM river_job ORDER BY id")
	if feeds, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "a"}; !slices.Equal(feeds, want) {
		t.Errorf("jobs of feeds %v, want %v", feeds, want)
	}
}

// waitEvents collects n events of the subscription, failing after 15 s.
func waitEvents(t *testing.T, events <-chan *river.Event, n int) []*river.Event {
	t.Helper()
	var got []*river.Event
	timeout := time.After(15 * time.Second)
	for len(got) < n {
		select {
		case e := <-events:
			got = append(got, e)
		case <-timeout:
			t.Fatalf("%d of %d job events after 15 s", len(got), n)
		}
	}
	return got
}

// jobState reads a job's state and attempt from the database.
func jobState(t *testing.T, pool *pgxpool.Pool, id int64) (rivertype.JobState, int) {
	t.Helper()
	var state string
	var attempt int
	err := pool.QueryRow(context.Background(), "SELECT state, attempt FROM river_job WHERE id = $1", id).Scan(&state, &attempt)
	if err != nil {
		t.Fatal(err)
	}
	return rivertype.JobState(state), attempt
}
