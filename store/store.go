// Package store keeps the aggregator's state in an embedded SQLite database:
// each feed's polling state, the items the feeds delivered, the stories they
// were merged into, and the dedupe records from which the pipeline rebuilds
// its in-memory window at start-up.
//
// The store never invents identities: item ids are news.ItemID and story ids
// news.StoryID, both computed by the caller. All of one poll's results for a
// feed are written in a single transaction (DB.Apply), or in a savepoint of
// one shared by several feeds (DB.ApplyAll), so a process killed at any
// moment leaves a database that opens consistent.
//
// The database runs in WAL mode with one writer connection and a separate
// pool of read-only connections, so readers (HTTP handlers listing stories)
// are not blocked by a poll being written. Times are stored as UTC unix
// nanoseconds and read back in UTC.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// busyTimeout is how long a connection waits for a lock held by another
// connection (or process) before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// The writer's pages. A checkpoint copies the WAL into the database once
// walCheckpointPages pages have been appended to it (SQLite's default is
// 1,000; with 10,000 the WAL file grows to about 40 MB), and a page that
// several transactions changed in between is copied once. The
// checkpointer does it after Ingest's and Place's transactions; the
// writer's automatic checkpoint, at four times the mark, is for when the
// checkpointer lags. With random item
// ids, links and story ids, every new item changes a page of each of four
// indexes, so that most transactions rewrite pages the last ones wrote:
// BenchmarkApplyFirstPoll took 102 CPU-µs an item with 1,000 pages, 89 with
// 4,000, 83 with 10,000 and 80 with 20,000.
const walCheckpointPages = 10_000

// writerCacheKiB is the writer's page cache, SQLite's default: Apply ran no
// faster with 16 MiB, which cost 30 MB of resident memory
// (BenchmarkApplyFirstPoll's peak: 145 MB, 111 MB with the default).
// ApplyAll raises it while it runs (applyAllCacheKiB).
const writerCacheKiB = 2000

// readConns is the size of the read pool. Readers in WAL mode do not block
// each other or the writer; the machine is small, so a few suffice.
const readConns = 4

// DB is an open store. It is safe for concurrent use by multiple goroutines:
// writes are serialised on one connection, reads run on a pool and see the
// last committed state. The zero value is not usable; call Open.
type DB struct {
	path string
	id   fileID  // the file opened, for CheckFile
	w    *sql.DB // the single writer connection
	r    *sql.DB // read-only pool
	watchConn
	// prepared are Apply's statements (writerSQL), prepared once on w.
	prepared []*sql.Stmt
	cp       *checkpointer
}

// Open opens the database at path, creating the file (not its directory) if
// it is missing, and migrates its schema to the current version. A database
// whose schema is newer than this binary knows is refused with an error.
// Errors name the path.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("store: open %q: want a file path", path)
	}
	w, err := sql.Open(driverName, dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{path: path, w: w}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w%s", path, err, diagnose(path))
	}
	if db.prepared, err = prepareWriter(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// The read pool is opened after migration: the file then exists and is in
	// WAL mode, which the read-only connections cannot change.
	r, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(readConns + 1) // one is DataVersion's
	r.SetMaxIdleConns(readConns)
	db.r = r
	if db.cp, err = startCheckpointer(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if db.id, err = statID(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// diagnose names the likely cause when SQLite could not open path, which it
// reports only as "unable to open database file": a missing or unwritable
// directory (SQLite needs to create the -wal and -shm files beside the
// database) or an unwritable file. It probes by creating a file, since
// permission bits do not tell a read-only mount (or root's rights).
func diagnose(path string) string {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Sprintf(" (directory %s: %v)", dir, err)
	} else if !fi.IsDir() {
		return fmt.Sprintf(" (%s is not a directory)", dir)
	}
	probe, err := os.CreateTemp(dir, ".aggregator-probe-*")
	if err != nil {
		return fmt.Sprintf(" (directory %s is not writable: %v)", dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf(" (file not writable: %v)", errors.Unwrap(err))
	} else if err == nil {
		f.Close()
	}
	return ""
}

// dsn builds the driver's data source name for path. The writer takes its
// write lock at BEGIN (_txlock=immediate) so that a transaction never fails
// half-way on a lock upgrade. Readers are query-only. No connection maps
// the file into memory (mmap_size 0): a mapped reader made rebuilding the
// window no faster (BenchmarkWindow100k, 100,000 items: 320 CPU-ms with a
// 1 GiB map, 315-345 without) and Stories no faster, but every page a reader
// touched, and the kernel's fault-around neighbours, counted in the
// process's resident memory: the whole 900 MB file after one rebuild.
// synchronous=NORMAL in WAL mode keeps every commit across a process crash;
// only a power loss can undo the last commits, never corrupt the file.
func dsn(path string, readOnly bool) string {
	// A "file:" URI keeps any '?' or '#' in the path from being read as the
	// start of the parameters; '%' is escaped so it is taken literally.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := []string{
		fmt.Sprintf("_busy_timeout=%d", busyTimeout.Milliseconds()),
		// The schema's foreign keys are kept by the code that writes
		// (stories are created before their items, emptied ones deleted
		// with a check, purged items' records and inbox rows deleted with
		// them) and verified by the tests (PRAGMA foreign_key_check), not
		// enforced: the enforcement looked up a parent or a child on every
		// insert, move and delete of a first poll, and placing 50,000 items
		// took 8.2 s instead of 11.2 (aggregator-bench, 1,000 × 50).
		"_foreign_keys=0",
		"_synchronous=NORMAL",
	}
	if readOnly {
		q = append(q, "_query_only=1")
	} else {
		q = append(q, "_journal_mode=WAL", "_txlock=immediate", fmt.Sprintf("_cache_size=%d", -writerCacheKiB))
	}
	return "file:" + esc + "?" + strings.Join(q, "&")
}

// driverName is the SQLite driver with the settings dsn cannot carry
// (connPragmas), run on every connection it opens.
const driverName = "aggregator-sqlite3"

// connPragmas: no connection maps the file (see dsn); the pages a
// transaction's savepoints keep for a rollback stay in memory rather than
// going to a temporary file (which doubled the bytes
// BenchmarkApplyAllFirstPoll wrote); the writer's automatic checkpoint is
// for when the checkpointer lags.
var connPragmas = []string{
	"mmap_size = 0",
	"temp_store = MEMORY",
	fmt.Sprintf("wal_autocheckpoint = %d", 4*walCheckpointPages),
}

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		for _, p := range connPragmas {
			if _, err := c.Exec("PRAGMA "+p, nil); err != nil {
				return fmt.Errorf("PRAGMA %s: %w", p, err)
			}
		}
		return nil
	}})
}

// Close closes the database. It waits for nothing: the caller stops its
// writers and readers first. Calling Close twice is harmless.
func (db *DB) Close() error {
	var errs []error
	if db.r != nil {
		errs = append(errs, db.closeWatch(), db.r.Close())
	}
	if db.cp != nil {
		errs = append(errs, db.cp.close())
		db.cp = nil
	}
	closeAll(db.prepared)
	errs = append(errs, db.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close %s: %w", db.path, err)
	}
	return nil
}

// Ping runs a cheap query on a read connection and on the writer, so it
// fails when the writer is wedged; the systemd watchdog calls it.
func (db *DB) Ping(ctx context.Context) error {
	for _, c := range []*sql.DB{db.r, db.w} {
		var n int
		if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&n); err != nil {
			return fmt.Errorf("store: ping %s: %w", db.path, err)
		}
	}
	return nil
}

// Path returns the file name the database was opened with.
func (db *DB) Path() string { return db.path }

// Times are stored as unix nanoseconds in UTC, which cover the years 1678 to
// 2262; a time outside that range is clamped to it. The zero time is NULL.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// toDB converts t for storage: nil for the zero time, else unix nanoseconds.
func toDB(t time.Time) any {
	switch {
	case t.IsZero():
		return nil
	case t.Before(minTime):
		return int64(math.MinInt64)
	case t.After(maxTime):
		return int64(math.MaxInt64)
	}
	return t.UnixNano()
}

// fromDB converts a stored time back; NULL is the zero time.
func fromDB(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}
