package pgtest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wirestory/aggregator/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// connect opens a pool closed at the end of the test.
func connect(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestSharedClusterSettings(t *testing.T) {
	t.Parallel()
	pool := connect(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	want := map[string]string{
		"fsync":              "off",
		"full_page_writes":   "off",
		"synchronous_commit": "off",
		"server_encoding":    "UTF8",
		"lc_collate":         "C",
		"listen_addresses":   "127.0.0.1",
		"TimeZone":           "UTC",
	}
	for name, value := range want {
		var got string
		if err := pool.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
	var socketDir string
	if err := pool.QueryRow(ctx, "SELECT current_setting('unix_socket_directories')").Scan(&socketDir); err != nil {
		t.Fatal(err)
	}
	if socketDir != pgtest.Shared(t).SocketDir() {
		t.Errorf("unix_socket_directories = %q, want %q", socketDir, pgtest.Shared(t).SocketDir())
	}
}

func TestTwoDatabasesAreApart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	if a == b {
		t.Fatalf("two databases with one DSN %s", a)
	}
	poolA, poolB := connect(t, a), connect(t, b)
	if _, err := poolA.Exec(ctx, "CREATE TABLE only_in_a (n int); INSERT INTO only_in_a VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := poolA.QueryRow(ctx, "SELECT n FROM only_in_a").Scan(&n); err != nil || n != 1 {
		t.Fatalf("database a: n=%d, %v", n, err)
	}
	_, err := poolB.Exec(ctx, "SELECT n FROM only_in_a")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42P01" { // undefined_table
		t.Fatalf("table of database a seen from b: err = %v, want undefined_table", err)
	}
}

func TestDatabaseFromTemplate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := pgtest.Shared(t)
	tmpl := pgtest.DatabaseName(t)
	if err := c.CreateDatabase(ctx, tmpl, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DropDatabase(context.Background(), tmpl) })
	conn, err := pgx.Connect(ctx, c.DSN(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE schema_version (v int); INSERT INTO schema_version VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(ctx); err != nil { // a template must have no sessions
		t.Fatal(err)
	}
	var v int
	err = connect(t, pgtest.NewDatabaseFrom(t, tmpl)).QueryRow(ctx, "SELECT v FROM schema_version").Scan(&v)
	if err != nil || v != 7 {
		t.Fatalf("copy of the template: v=%d, %v", v, err)
	}
}

// TestChildProcessEnv runs psql as a child process with Env, as an
// end-to-end test runs aggregator serve.
func TestChildProcessEnv(t *testing.T) {
	t.Parallel()
	c := pgtest.Shared(t)
	dsn := pgtest.NewDatabase(t)
	dbname := dsn[strings.LastIndex(dsn, "/")+1 : strings.Index(dsn, "?")]
	bin, err := pgtest.FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	psql := filepath.Join(bin, "psql")
	if _, err := os.Stat(psql); err != nil {
		t.Skip("no psql beside the server binaries")
	}
	cmd := exec.Command(psql, "-XtAc", "SELECT current_database()")
	cmd.Env = append(os.Environ(), c.Env(dbname)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != dbname {
		t.Errorf("child process reached %q, want %q", got, dbname)
	}
}
