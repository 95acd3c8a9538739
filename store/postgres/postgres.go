// Package postgres keeps the aggregator's state in PostgreSQL, so that
// several instances can share it (issue 16). It implements the same store
// as package store (SQLite) with the same semantics, checked by one
// conformance suite (store/storetest) run against both: each feed's
// polling state, the items, the stories they were merged into, the dedupe
// records the window is rebuilt from, the inbox and the furniture models.
//
// Beyond the SQLite store it holds what scale-out needs: each feed's due
// poll time and generation (a fencing number bumped by every poll commit),
// the placer's lease, and a stories version bumped and announced with
// NOTIFY whenever the stories change.
//
// The schema is created and upgraded by Migrate (`aggregator migrate`),
// never by Open, which refuses a database whose schema is not the one this
// binary knows. Times are stored as UTC unix nanoseconds, as in SQLite.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is an open PostgreSQL store. It is safe for concurrent use by several
// goroutines and by several processes sharing the database. The zero value
// is not usable; call Open.
type DB struct {
	pool *pgxpool.Pool
	name string // the DSN without secrets
	// lease, when set (WithLease), fences Place: see WithLease.
	lease *Lease
}

// Open connects to the database dsn (a postgres:// URL or a key=value
// string, as pgx takes) and checks that its schema, ours and River's, is
// the one this binary knows; it does not migrate (Migrate does). Errors
// name the database without its password.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenWith(ctx, dsn, Options{})
}

func open(ctx context.Context, cfg *pgxpool.Config, name string) (*DB, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", name, err)
	}
	db := &DB{pool: pool, name: name}
	if err := checkSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", name, err)
	}
	return db, nil
}

// Close closes the connections. It waits for queries in progress (the
// caller stops its writers and readers first). Calling it twice is
// harmless.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping runs a cheap query, so it fails when the database cannot be
// reached; /readyz and the watchdog call it.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("postgres: ping %s: %w", db.name, err)
	}
	return nil
}

// Name returns the database's DSN without secrets, for messages.
func (db *DB) Name() string { return db.name }

// Pool returns the store's connection pool, for River's driver
// (riverpgxv5.New) and for transactions that write with IngestTx.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Redact returns dsn as a postgres:// URL naming the user, the hosts, the
// port and the database, without the password or any other parameter
// (which may hold secrets: sslpassword, a passfile's path). A DSN that
// does not parse is shown as "postgres://(invalid dsn)".
func Redact(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "postgres://(invalid dsn)"
	}
	u := url.URL{Scheme: "postgres", Path: "/" + cfg.Database}
	if cfg.User != "" {
		u.User = url.User(cfg.User)
	}
	u.Host = hostPort(cfg.Host, cfg.Port)
	for _, fb := range cfg.Fallbacks {
		if fb.Host != cfg.Host || fb.Port != cfg.Port {
			u.Host += "," + hostPort(fb.Host, fb.Port)
			break
		}
	}
	return u.String()
}

func hostPort(host string, port uint16) string {
	if len(host) > 0 && host[0] == '/' { // a unix socket's directory
		return url.PathEscape(host) + ":" + strconv.Itoa(int(port))
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port)))
}

// errBadDSN replaces pgx's error for a DSN that does not parse: that error
// quotes the DSN, and pgx redacts its password only on a best-effort basis.
var errBadDSN = errors.New("invalid dsn (not a postgres:// URL or key=value string pgx can parse)")

// Times are stored as unix nanoseconds in UTC, which cover the years 1678
// to 2262; a time outside that range is clamped to it (as in package
// store). The zero time is NULL.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// nanos converts t for storage: NULL for the zero time, else unix
// nanoseconds.
func nanos(t time.Time) pgtype.Int8 {
	switch {
	case t.IsZero():
		return pgtype.Int8{}
	case t.Before(minTime):
		return pgtype.Int8{Int64: math.MinInt64, Valid: true}
	case t.After(maxTime):
		return pgtype.Int8{Int64: math.MaxInt64, Valid: true}
	}
	return pgtype.Int8{Int64: t.UnixNano(), Valid: true}
}

// fromNanos converts a stored time back; NULL is the zero time.
func fromNanos(n pgtype.Int8) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}
