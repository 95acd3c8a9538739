package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wirestory/aggregator/internal/pgtest"
)

// queryAfterRestart runs a query on a pool that was open across a restart:
// each stale idle connection fails one query ("terminating connection due
// to administrator command" or "conn closed"), then the pool dials afresh.
func queryAfterRestart(t *testing.T, pool *pgxpool.Pool, sql string, dest ...any) {
	t.Helper()
	var err error
	for range pool.Stat().TotalConns() + 1 {
		if err = pool.QueryRow(context.Background(), sql).Scan(dest...); err == nil {
			return
		}
		t.Logf("a stale connection after the restart: %v", err)
	}
	t.Fatal(err)
}

func TestRestartAndCrashKeepData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := pgtest.NewCluster(t, pgtest.Options{SyncCommit: true})
	if err := c.CreateDatabase(ctx, "kept", ""); err != nil {
		t.Fatal(err)
	}
	dsn := c.DSN("kept")
	pool := connect(t, dsn)
	if _, err := pool.Exec(ctx, "CREATE TABLE t (n int); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	port := c.Port()

	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	var n int
	queryAfterRestart(t, pool, "SELECT count(*) FROM t", &n)
	if n != 1 || c.Port() != port || c.DSN("kept") != dsn {
		t.Fatalf("after a restart: %d rows, port %d (was %d), DSN %s (was %s)", n, c.Port(), port, c.DSN("kept"), dsn)
	}

	if _, err := pool.Exec(ctx, "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	if err := c.Crash(); err != nil {
		t.Fatal(err)
	}
	if err := pool.Ping(ctx); err == nil {
		t.Fatal("ping succeeded while the server was down")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	queryAfterRestart(t, pool, "SELECT count(*) FROM t", &n)
	if n != 2 {
		t.Fatalf("after a crash with synchronous_commit on: %d rows, want 2", n)
	}
}
