package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrationFiles holds our schema as numbered SQL files: NNNN_name.sql
// brings the schema to version NNNN. The versions applied are rows of
// aggregator_migration.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockKey is the pg_advisory_lock key Migrate holds ("aggr" "migr"
// in ASCII): two instances migrating one database at once take turns, the
// second finding nothing left to do. rivermigrate takes no lock of its own.
const migrateLockKey int64 = 0x61676772_6d696772

// ErrNotMigrated is returned by Open for a database whose schema (ours or
// River's) is missing or older than this binary's.
var ErrNotMigrated = errors.New("database schema is not migrated: run `aggregator migrate --config FILE` first")

// ErrSchemaTooNew is returned by Open and Migrate for a database whose
// schema (ours or River's) was written by a newer binary.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary supports: upgrade the binary")

type migration struct {
	version int
	sql     string
}

// migrations returns our migrations in version order: 1, 2, 3, ... with
// no gap (a missing file would be a migration never applied).
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]migration, len(names))
	for i, n := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(n), "_", 2)[0])
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("migration file %s: want version %d", n, i+1)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out[i] = migration{version: v, sql: string(b)}
	}
	return out, nil
}

// Applied lists the migrations Migrate applied (none when the schema was
// current).
type Applied struct {
	// Ours and River are the versions applied of our schema and River's.
	Ours, River []int
}

// Migrate brings the database dsn to this binary's schema, ours and then
// River's (rivermigrate), under a session-level pg_advisory_lock, so that
// instances migrating at once take turns. Each migration commits in a
// transaction of its own with its version row. A schema newer than this
// binary's is refused with ErrSchemaTooNew and left as it is.
func Migrate(ctx context.Context, dsn string) (Applied, error) {
	name := Redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return Applied{}, fmt.Errorf("postgres: migrate %s: %w", name, errBadDSN)
	}
	cfg.MaxConns = max(cfg.MaxConns, 2) // the lock's and River's
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return Applied{}, fmt.Errorf("postgres: migrate %s: %w", name, err)
	}
	defer pool.Close()
	applied, err := migrateLocked(ctx, pool)
	if err != nil {
		return applied, fmt.Errorf("postgres: migrate %s: %w", name, err)
	}
	return applied, nil
}

func migrateLocked(ctx context.Context, pool *pgxpool.Pool) (Applied, error) {
	var applied Applied
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return applied, err
	}
	// Closing the session releases the lock too, should the unlock fail.
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return applied, fmt.Errorf("take the migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey)
	if applied.Ours, err = migrateOurs(ctx, conn.Conn()); err != nil {
		return applied, err
	}
	m, err := riverMigrator(pool)
	if err != nil {
		return applied, err
	}
	if _, err := m.ExistingVersions(ctx); err != nil {
		return applied, riverVersionsErr(err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return applied, fmt.Errorf("river: %w", err)
	}
	for _, v := range res.Versions {
		applied.River = append(applied.River, v.Version)
	}
	return applied, nil
}

func riverMigrator(pool *pgxpool.Pool) (*rivermigrate.Migrator[pgx.Tx], error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("river: %w", err)
	}
	return m, nil
}

// migrateOurs applies our missing migrations on conn, each in a
// transaction with its version row, and returns the versions applied.
func migrateOurs(ctx context.Context, conn *pgx.Conn) ([]int, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS aggregator_migration (
		version integer PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return nil, fmt.Errorf("create aggregator_migration: %w", err)
	}
	have, err := ourVersion(ctx, conn)
	if err != nil {
		return nil, err
	}
	if last := lastVersion(ms); have > last {
		return nil, fmt.Errorf("%w (version %d, this binary knows %d)", ErrSchemaTooNew, have, last)
	}
	var done []int
	for _, m := range ms {
		if m.version <= have {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO aggregator_migration (version) VALUES ($1)", m.version)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("migrate to schema version %d: %w", m.version, err)
		}
		done = append(done, m.version)
	}
	return done, nil
}

// lastVersion is the version of the last of ms, 0 for none.
func lastVersion(ms []migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// querier is what a connection, a pool and a transaction offer.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ourVersion is the highest version in aggregator_migration; 0 when the
// table is missing or empty.
func ourVersion(ctx context.Context, q querier) (int, error) {
	var exists bool
	err := q.QueryRow(ctx, "SELECT to_regclass('aggregator_migration') IS NOT NULL").Scan(&exists)
	if err != nil || !exists {
		return 0, wrapIf("read schema version", err)
	}
	var v int
	err = q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM aggregator_migration").Scan(&v)
	return v, wrapIf("read schema version", err)
}

// wrapIf wraps a non-nil err with op.
func wrapIf(op string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// checkSchema refuses a database whose schema, ours or River's, is not the
// one this binary knows.
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	have, err := ourVersion(ctx, pool)
	last := lastVersion(ms)
	switch {
	case err != nil:
		return err
	case have > last:
		return fmt.Errorf("%w (version %d, this binary knows %d)", ErrSchemaTooNew, have, last)
	case have < last:
		return fmt.Errorf("%w (version %d, this binary's is %d)", ErrNotMigrated, have, last)
	}
	m, err := riverMigrator(pool)
	if err != nil {
		return err
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return riverVersionsErr(err)
	}
	all := m.AllVersions()
	if len(existing) == 0 || existing[len(existing)-1].Version < all[len(all)-1].Version {
		return fmt.Errorf("river: %w (%d of %d versions)", ErrNotMigrated, len(existing), len(all))
	}
	return nil
}

// riverVersionsErr explains an error of rivermigrate's ExistingVersions,
// which fails with "migration N not found in migrator bundle" on a version
// this River does not know (a newer one).
func riverVersionsErr(err error) error {
	if strings.Contains(err.Error(), "not found in migrator bundle") {
		return fmt.Errorf("river: %w (%w)", ErrSchemaTooNew, err)
	}
	return fmt.Errorf("river: read schema versions: %w", err)
}
