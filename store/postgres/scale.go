package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// What several instances sharing the database need beyond the store: the
// placer's lease, the stories version and its notifications, and the
// feeds' generations that fence poll commits.

// Lease is a term of the placer's lease: Holder names the instance (unique
// per process), Term is the fencing number (bumped whenever the lease is
// acquired), TTL how long each renewal keeps it. Expiry runs on the
// database's clock, so the instances' clocks do not matter.
type Lease struct {
	Holder string
	Term   int64
	TTL    time.Duration
}

// ErrLeaseLost is returned when a lease cannot be renewed: it expired, or
// another holder took it (a later term).
var ErrLeaseLost = errors.New("placer lease lost")

// ErrFenced is returned by Fence when the feed's generation moved on: a
// newer poll committed since this one began.
var ErrFenced = errors.New("feed generation moved on")

// AcquireLease takes the placer's lease for holder when it is free
// (expired, or held by holder itself) and starts a new term; ok is false
// when another holder has it.
func (db *DB) AcquireLease(ctx context.Context, holder string, ttl time.Duration) (l Lease, ok bool, err error) {
	err = db.pool.QueryRow(ctx, `UPDATE placer_lease
		SET holder = $1, term = term + 1, expires_at = clock_timestamp() + $2 * interval '1 microsecond'
		WHERE id = 1 AND (holder = $1 OR expires_at <= clock_timestamp())
		RETURNING term`, holder, ttl.Microseconds()).Scan(&l.Term)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return Lease{}, false, nil
	case err != nil:
		return Lease{}, false, fmt.Errorf("postgres: acquire placer lease: %w", err)
	}
	l.Holder, l.TTL = holder, ttl
	return l, true, nil
}

// RenewLease extends l by its TTL from now, or fails with ErrLeaseLost.
func (db *DB) RenewLease(ctx context.Context, l Lease) error {
	if err := renewLease(ctx, db.pool, l); err != nil {
		return fmt.Errorf("postgres: renew placer lease: %w", err)
	}
	return nil
}

func renewLease(ctx context.Context, e execer, l Lease) error {
	tag, err := e.Exec(ctx, `UPDATE placer_lease
		SET expires_at = clock_timestamp() + $3 * interval '1 microsecond'
		WHERE id = 1 AND holder = $1 AND term = $2 AND expires_at > clock_timestamp()`,
		l.Holder, l.Term, l.TTL.Microseconds())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w (holder %s, term %d)", ErrLeaseLost, l.Holder, l.Term)
	}
	return nil
}

// ReleaseLease gives l up (it expires now), so that another instance takes
// it at once; a lease already lost is not an error.
func (db *DB) ReleaseLease(ctx context.Context, l Lease) error {
	_, err := db.pool.Exec(ctx, `UPDATE placer_lease SET expires_at = '-infinity'
		WHERE id = 1 AND holder = $1 AND term = $2`, l.Holder, l.Term)
	if err != nil {
		return fmt.Errorf("postgres: release placer lease: %w", err)
	}
	return nil
}

// LeaseHolder returns the holder and term of the placer's lease, and
// whether it is live now (for /metrics).
func (db *DB) LeaseHolder(ctx context.Context) (holder string, term int64, live bool, err error) {
	err = db.pool.QueryRow(ctx, `SELECT holder, term, expires_at > clock_timestamp()
		FROM placer_lease WHERE id = 1`).Scan(&holder, &term, &live)
	if err != nil {
		return "", 0, false, fmt.Errorf("postgres: placer lease: %w", err)
	}
	return holder, term, live, nil
}

// WithLease returns a store that shares db's connections and whose Place
// renews l in its transaction: when l is lost, Place writes nothing and
// fails with an error wrapping ErrLeaseLost. A placer hands it to the
// pipeline for its term.
func (db *DB) WithLease(l Lease) *DB {
	c := *db
	c.lease = &l
	return &c
}

// StoriesVersion returns the stories version: it moves whenever a
// committed transaction changed what Stories returns.
func (db *DB) StoriesVersion(ctx context.Context) (int64, error) {
	v, err := storiesVersion(ctx, db.pool)
	if err != nil {
		return 0, fmt.Errorf("postgres: stories version: %w", err)
	}
	return v, nil
}

func storiesVersion(ctx context.Context, q querier) (int64, error) {
	var v int64
	err := q.QueryRow(ctx, "SELECT version FROM stories_version WHERE id = 1").Scan(&v)
	return v, err
}

// notifyChannel is the channel the stories version is announced on.
const notifyChannel = "aggregator_stories"

// Listen calls fn with the stories version once it listens (so that no
// change is missed between a read and the first notification), then with
// each version announced, in order, on a connection of its own. It
// returns nil when ctx is done and an error when the connection fails; the
// caller calls it again (and meanwhile polls StoriesVersion: a
// notification is a hint). fn runs on Listen's goroutine.
func (db *DB) Listen(ctx context.Context, fn func(version int64)) error {
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return listenErr(ctx, err)
	}
	conn := pc.Hijack() // LISTEN state must not go back to the pool
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return listenErr(ctx, err)
	}
	v, err := storiesVersion(ctx, conn)
	if err != nil {
		return listenErr(ctx, err)
	}
	fn(v)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return listenErr(ctx, err)
		}
		if v, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			fn(v)
		}
	}
}

func listenErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("postgres: listen for stories: %w", err)
}

// Generation returns the generation of the feed's state: 0 for a feed
// never saved. A poll reads it when it begins and passes it to Fence when
// it commits.
func (db *DB) Generation(ctx context.Context, feed string) (int64, error) {
	var g int64
	err := db.pool.QueryRow(ctx, "SELECT generation FROM feeds WHERE name = $1", feed).Scan(&g)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres: generation of feed %q: %w", feed, err)
	}
	return g, nil
}

// Fence, in a poll's commit transaction tx, bumps the feed's generation
// from generation (what Generation returned when the poll began) and locks
// the feed's row until tx ends; it fails with ErrFenced when another
// commit moved the generation on (a zombie's commit is refused so), or the
// feed's state was deleted meanwhile. A feed never saved has generation 0:
// of two polls fencing it at once, the second waits for the first's commit
// and is then refused.
func Fence(ctx context.Context, tx pgx.Tx, feed string, generation int64) error {
	var g int64
	err := tx.QueryRow(ctx, `INSERT INTO feeds AS f (name, generation) SELECT $1, 1 WHERE $2::bigint = 0
		ON CONFLICT (name) DO UPDATE SET generation = f.generation + 1 WHERE f.generation = $2
		RETURNING generation`, feed, generation).Scan(&g)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: fence feed %q: %w (from %d)", feed, ErrFenced, generation)
	case err != nil:
		return fmt.Errorf("postgres: fence feed %q: %w", feed, err)
	}
	return nil
}
