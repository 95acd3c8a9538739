package postgres

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/wirestory/aggregator/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// templateDB is a database migrated once per test binary, with an ICU
// default collation ("en-US": "a" < "B", unlike byte order), copied for
// each test: a column that forgot COLLATE "C" orders otherwise than SQLite
// and fails the suite.
const templateDB = "tmpl_icu_migrated"

var (
	templateOnce sync.Once
	templateErr  error
)

// newDSN returns the DSN of a fresh database migrated to the current
// schema.
func newDSN(t testing.TB) string {
	t.Helper()
	c := pgtest.Shared(t)
	templateOnce.Do(func() { templateErr = makeTemplate(c) })
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	return pgtest.NewDatabaseFrom(t, templateDB)
}

func makeTemplate(c *pgtest.Cluster) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+templateDB+
		" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
	if err != nil {
		return err
	}
	_, err = Migrate(ctx, c.DSN(templateDB))
	return err
}

// openTest opens a fresh migrated database, closed at the end of the test.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), newDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// execDSN runs sql on the database dsn.
func execDSN(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// tableCount counts the tables of the public schema of dsn.
func tableCount(ctx context.Context, dsn string) (int, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n)
	return n, err
}
