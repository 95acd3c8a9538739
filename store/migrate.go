package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// migrationFiles holds the schema as numbered SQL files; file N (1-based,
// in name order) brings the schema from version N-1 to N. The version is
// kept in PRAGMA user_version.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the migration scripts in order.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}

// schemaTooNewError reports a database written by a newer binary.
type schemaTooNewError struct{ have, known int }

func (e *schemaTooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this binary supports (%d)", e.have, e.known)
}

// migrate brings the database on c up to the last migration, one migration per
// transaction, each committing together with its new user_version. The
// version is read inside the write transaction, so two processes opening the
// same new file at once do not both apply a migration.
func migrate(ctx context.Context, c *sql.DB) error {
	// journal_mode is set by the DSN; a failure to enter WAL (say, on a
	// read-only file system) surfaces here as an error from the first query.
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	deadline := time.Now().Add(busyTimeout)
	for wait := 5 * time.Millisecond; ; {
		done, err := migrateOne(ctx, c, ms)
		switch {
		case err == nil && done:
			return nil
		case err == nil:
			continue
		case !isBusy(err) || time.Now().After(deadline):
			return err
		}
		// Two processes creating one database at once: the connection
		// of the one that lost the race to switch the new file to WAL
		// reports SQLITE_BUSY without waiting for the busy timeout. The
		// other has the write lock now; try again once it is done.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// sqliteBusy is SQLite's primary result code SQLITE_BUSY.
const sqliteBusy = 5

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && int(e.Code) == sqliteBusy
}

// migrateOne applies the next migration, if any, and reports whether the
// schema was already current.
func migrateOne(ctx context.Context, c *sql.DB, ms []string) (done bool, err error) {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, fmt.Errorf("migrate: read schema version: %w", err)
	}
	switch {
	case v > len(ms):
		return false, &schemaTooNewError{have: v, known: len(ms)}
	case v == len(ms):
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, ms[v]); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", v+1, err)
	}
	// PRAGMA takes no bound parameters; v is an int we computed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", v+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate to schema version %d: %w", v+1, err)
	}
	return false, nil
}
