package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wirestory/aggregator/news"
)

// What a poll job, the re-queuer, the one-shot fetch and the metrics of
// several instances need beyond the store and scale.go.

// Options tune the connections of OpenWith. The zero value is Open's.
type Options struct {
	// AppName is the application_name of the connections (shown in
	// pg_stat_activity); "" leaves PostgreSQL's default.
	AppName string
	// IdleInTransaction ends a session that stays idle inside a
	// transaction for longer (idle_in_transaction_session_timeout), so
	// that a process paused in a transaction (SIGSTOP, a frozen VM) does
	// not hold its locks for ever; 0 leaves the server's setting. A DSN
	// that sets either parameter wins.
	IdleInTransaction time.Duration
	// MaxConns caps the pool's connections; 0 keeps pgx's default, as does
	// a DSN that sets pool_max_conns.
	MaxConns int32
}

// OpenWith is Open with the connection options o.
func OpenWith(ctx context.Context, dsn string, o Options) (*DB, error) {
	name := Redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", name, errBadDSN)
	}
	params := cfg.ConnConfig.RuntimeParams
	if _, set := params["application_name"]; !set && o.AppName != "" {
		params["application_name"] = o.AppName
	}
	if _, set := params["idle_in_transaction_session_timeout"]; !set && o.IdleInTransaction > 0 {
		params["idle_in_transaction_session_timeout"] = strconv.FormatInt(o.IdleInTransaction.Milliseconds(), 10)
	}
	if o.MaxConns > 0 && !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = o.MaxConns
	}
	return open(ctx, cfg, name)
}

// CheckSchema fails with ErrNotMigrated or ErrSchemaTooNew when the
// database's schema is no longer the one this binary knows (another
// binary migrated it since Open): /readyz calls it.
func (db *DB) CheckSchema(ctx context.Context) error {
	if err := checkSchema(ctx, db.pool); err != nil {
		return fmt.Errorf("postgres: %s: %w", db.name, err)
	}
	return nil
}

// PollStart is what a poll job reads of its feed before it fetches.
type PollStart struct {
	// State is the feed's saved state; Saved is false when it has none.
	State news.FeedState
	Saved bool
	// Generation is the fencing number of the state (see Advance).
	Generation int64
	// Due is the poll time a job is queued for; zero when none.
	Due time.Time
	// Model is the feed's furniture model; nil when it has none.
	Model []byte
}

// PollStart reads the feed's state, generation, due time and furniture
// model in one snapshot: the model is the one learned by the commit that
// wrote that generation.
func (db *DB) PollStart(ctx context.Context, feed string) (PollStart, error) {
	var (
		ps                              PollStart
		attempt, success, next, lastNew pgtype.Int8
		due                             pgtype.Int8
		count, status, fails, interval  int64
	)
	st := &ps.State
	err := db.pool.QueryRow(ctx, `SELECT `+feedColumns+`, f.generation, f.due, m.model
		FROM feeds f LEFT JOIN feed_models m ON m.feed = f.name WHERE f.name = $1`, feed).Scan(
		&st.Name, &st.URL, &st.ConfigURL, &st.ETag, &st.LastModified, &st.BodyHash,
		&st.RedirectTo, &count, &attempt, &success, &status, &st.LastError, &fails, &next, &st.Gone,
		&interval, &lastNew, &ps.Generation, &due, &ps.Model)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return PollStart{}, nil
	case err != nil:
		return PollStart{}, fmt.Errorf("postgres: poll start of feed %q: %w", feed, err)
	}
	st.RedirectCount, st.LastStatus, st.Failures = int(count), int(status), int(fails)
	st.LastAttempt, st.LastSuccess, st.NextPoll = fromNanos(attempt), fromNanos(success), fromNanos(next)
	st.Interval, st.LastNew = time.Duration(interval), fromNanos(lastNew)
	ps.Saved, ps.Due = true, fromNanos(due)
	return ps, nil
}

// Advance, in a poll job's commit transaction tx, moves the feed's due
// time from due (the job's) to next and bumps its generation from
// generation (what PollStart read), locking the feed's row until tx ends.
// It fails with ErrFenced when the feed is no longer due at due (this
// (feed, due) was committed already, or re-queued) or another commit
// moved the generation on: so each (feed, due) commits at most once, and
// a zombie attempt's commit is refused.
func Advance(ctx context.Context, tx pgx.Tx, feed string, generation int64, due, next time.Time) error {
	tag, err := tx.Exec(ctx, `UPDATE feeds SET generation = generation + 1, due = $4
		WHERE name = $1 AND generation = $2 AND due = $3`, feed, generation, nanos(due), nanos(next))
	switch {
	case err != nil:
		return fmt.Errorf("postgres: advance feed %q: %w", feed, err)
	case tag.RowsAffected() == 0:
		return fmt.Errorf("postgres: advance feed %q: %w (generation %d, due %s)", feed, ErrFenced,
			generation, due.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// SetDue, in the re-queuing transaction tx, sets the due time of each
// feed fresh[i].Name to due[i], saving fresh[i] as its state when it has
// none (a feed never polled), and locks the feeds' rows until tx ends. A
// job queued for another due time can then no longer commit (Advance).
// The statements go in one round trip.
func SetDue(ctx context.Context, tx pgx.Tx, fresh []news.FeedState, due []time.Time) error {
	if len(fresh) != len(due) {
		return fmt.Errorf("postgres: set due: %d feeds, %d times", len(fresh), len(due))
	}
	var q queue
	for i, st := range fresh {
		if st.Name == "" {
			return fmt.Errorf("postgres: set due: %w", errNoName)
		}
		q.add("set due of "+strconv.Quote(st.Name), setDueSQL, append(feedArgs(st), nanos(due[i]))...)
	}
	if err := q.run(ctx, tx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

const setDueSQL = `INSERT INTO feeds (` + feedColumns + `, generation, due)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18)
	ON CONFLICT (name) DO UPDATE SET due = excluded.due`

// InboxLag returns how many items wait in the inbox to be placed and when
// the oldest of them was queued (zero when none).
func (db *DB) InboxLag(ctx context.Context) (rows int64, oldest time.Time, err error) {
	var at pgtype.Timestamptz
	err = db.pool.QueryRow(ctx, "SELECT count(*), min(queued_at) FROM inbox").Scan(&rows, &at)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("postgres: inbox lag: %w", err)
	}
	if at.Valid {
		oldest = at.Time
	}
	return rows, oldest, nil
}

// ErrBusy is returned by TryLockPolls when another process holds the
// poll lock.
var ErrBusy = errors.New("another process is polling this database")

// pollLockKey is the pg_advisory_lock key of one-shot polls ("aggr"
// "poll" in ASCII), as the SQLite store's poll lock file.
const pollLockKey int64 = 0x61676772_706f6c6c

// LockPolls takes the database's poll lock, waiting for it: one-shot polls
// (aggregator fetch) take turns. The lock is a session-level advisory
// lock on a connection of its own, released by unlock or when the process
// dies.
func (db *DB) LockPolls(ctx context.Context) (unlock func(), err error) {
	return db.lockPolls(ctx, "SELECT true, pg_advisory_lock($1)")
}

// TryLockPolls takes the poll lock if it is free, else fails with ErrBusy.
func (db *DB) TryLockPolls(ctx context.Context) (unlock func(), err error) {
	return db.lockPolls(ctx, "SELECT pg_try_advisory_lock($1), null")
}

func (db *DB) lockPolls(ctx context.Context, sql string) (func(), error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: poll lock: %w", err)
	}
	var ok bool
	var ignored any
	if err := conn.QueryRow(ctx, sql, pollLockKey).Scan(&ok, &ignored); err != nil {
		conn.Release()
		return nil, fmt.Errorf("postgres: poll lock: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, ErrBusy
	}
	return func() {
		// Should the unlock fail, closing the session releases the lock.
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", pollLockKey); err != nil {
			_ = conn.Conn().Close(context.Background())
		}
		conn.Release()
	}, nil
}
