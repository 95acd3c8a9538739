package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store"
	"github.com/wirestory/aggregator/store/postgres"
)

// storage is what the commands need of a store, SQLite (*store.DB) or
// PostgreSQL (*postgres.DB), each behind a thin adapter that maps the
// few methods whose types differ. Nothing else in the commands knows which
// store it has, except serve, which runs the jobs of several instances on
// PostgreSQL (distributed.go).
type storage interface {
	pipeline.Store
	Ping(ctx context.Context) error
	Close() error
	// Stats summarises the contents (aggregator stats).
	Stats(ctx context.Context) (storeStats, error)
	// ItemByLink finds a stored item; the error wraps errNoItem when none
	// has the link.
	ItemByLink(ctx context.Context, link string) (news.StoredItem, error)
	// LockPolls and TryLockPolls take the store's poll lock (one one-shot
	// poll at a time); TryLockPolls fails with errBusy when another
	// process holds it.
	LockPolls(ctx context.Context) (unlock func(), err error)
	TryLockPolls(ctx context.Context) (unlock func(), err error)
	// CheckFile fails when the store was deleted or replaced under the
	// daemon (SQLite); DataVersion changes when another process changed
	// what is stored.
	CheckFile() error
	DataVersion(ctx context.Context) (int64, error)
}

// storeStats is what aggregator stats prints; both stores' Stats have
// these fields.
type storeStats struct {
	Items, Stories, Merged int
	PerFeed                map[string]int
	Bytes                  int64
}

var (
	errNoItem = errors.New("no such item")
	errBusy   = errors.New("another process is polling")
)

// storeName is a store setting as it may be shown: a PostgreSQL URL
// without its password and parameters, a SQLite path as it is.
func storeName(s string) string {
	if config.IsPostgres(s) {
		return postgres.Redact(s)
	}
	return s
}

// openStorage opens the store of cfg. A PostgreSQL store must have been
// migrated (aggregator migrate); its connections take poolOptions(cfg).
func openStorage(ctx context.Context, cfg *config.Config) (storage, *postgres.DB, error) {
	if config.IsPostgres(cfg.Store) {
		db, err := postgres.OpenWith(ctx, cfg.Store, poolOptions(cfg))
		if err != nil {
			return nil, nil, err
		}
		return &pgStorage{DB: db, leaseWait: max(cfg.Cluster.PlacerLease, time.Second) + 5*time.Second}, db, nil
	}
	db, err := store.Open(ctx, cfg.Store)
	if err != nil {
		return nil, nil, err
	}
	return sqliteStorage{db}, nil, nil
}

// sqliteStorage adapts *store.DB.
type sqliteStorage struct{ *store.DB }

func (s sqliteStorage) Stats(ctx context.Context) (storeStats, error) {
	st, err := s.DB.Stats(ctx)
	return storeStats(st), err
}

func (s sqliteStorage) ItemByLink(ctx context.Context, link string) (news.StoredItem, error) {
	it, err := s.DB.ItemByLink(ctx, link)
	if errors.Is(err, store.ErrNotFound) {
		err = fmt.Errorf("%w: %w", errNoItem, err)
	}
	return it, err
}

func (s sqliteStorage) TryLockPolls(context.Context) (func(), error) {
	unlock, err := s.DB.TryLockPolls()
	if errors.Is(err, store.ErrBusy) {
		err = fmt.Errorf("%w: %w", errBusy, err)
	}
	return unlock, err
}

// pgStorage adapts *postgres.DB. While its poll lock is held (a one-shot
// fetch), it also holds the placer's lease, renewed in the background and
// in each Place: a fetch places the inbox, and only the lease holder may.
type pgStorage struct {
	*postgres.DB
	// leaseWait is how long a one-shot fetch waits for a lease another
	// holds: one lease time (a dead holder's lease then expires) and 5 s.
	leaseWait time.Duration
	mu        sync.Mutex
	leased    *postgres.DB // DB.WithLease while the poll lock is held
}

func (s *pgStorage) Stats(ctx context.Context) (storeStats, error) {
	st, err := s.DB.Stats(ctx)
	return storeStats(st), err
}

func (s *pgStorage) ItemByLink(ctx context.Context, link string) (news.StoredItem, error) {
	it, err := s.DB.ItemByLink(ctx, link)
	if errors.Is(err, postgres.ErrNotFound) {
		err = fmt.Errorf("%w: %w", errNoItem, err)
	}
	return it, err
}

// Ping also checks that the schema is still the one this binary knows (a
// newer binary may have migrated the database since): /readyz and the
// watchdog call it.
func (s *pgStorage) Ping(ctx context.Context) error {
	if err := s.DB.Ping(ctx); err != nil {
		return err
	}
	return s.DB.CheckSchema(ctx)
}

// CheckFile has nothing to check: the database is not a file of ours.
func (s *pgStorage) CheckFile() error { return nil }

// DataVersion is the stories version.
func (s *pgStorage) DataVersion(ctx context.Context) (int64, error) { return s.DB.StoriesVersion(ctx) }

// Place places with the placer's lease when it is held.
func (s *pgStorage) Place(ctx context.Context, ps []news.Placement, now time.Time) error {
	s.mu.Lock()
	db := s.leased
	s.mu.Unlock()
	if db == nil {
		return errors.New("postgres: place without the placer lease (take the poll lock first)")
	}
	return db.Place(ctx, ps, now)
}

func (s *pgStorage) LockPolls(ctx context.Context) (func(), error) {
	return s.lock(ctx, s.DB.LockPolls)
}

func (s *pgStorage) TryLockPolls(ctx context.Context) (func(), error) {
	unlock, err := s.lock(ctx, s.DB.TryLockPolls)
	if errors.Is(err, postgres.ErrBusy) {
		err = fmt.Errorf("%w: %w", errBusy, err)
	}
	return unlock, err
}

// fetchLeaseTTL is the placer lease a one-shot fetch holds (renewed every
// third of it while the fetch runs).
const fetchLeaseTTL = 30 * time.Second

// lock takes the poll lock with take, then the placer's lease.
func (s *pgStorage) lock(ctx context.Context, take func(context.Context) (func(), error)) (func(), error) {
	unlockPolls, err := take(ctx)
	if err != nil {
		return nil, err
	}
	l, err := s.acquireLease(ctx)
	if err != nil {
		unlockPolls()
		return nil, err
	}
	s.mu.Lock()
	s.leased = s.DB.WithLease(l)
	s.mu.Unlock()
	stop := make(chan struct{})
	done := make(chan struct{})
	go s.renew(l, stop, done)
	return func() {
		close(stop)
		<-done
		s.mu.Lock()
		s.leased = nil
		s.mu.Unlock()
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.DB.ReleaseLease(rctx, l)
		unlockPolls()
	}, nil
}

// acquireLease takes the placer's lease for a one-shot fetch. A lease a
// serve instance holds is renewed for ever: the fetch gives up after one
// lease time, naming the holder.
func (s *pgStorage) acquireLease(ctx context.Context) (postgres.Lease, error) {
	holder := instanceID("fetch")
	deadline := time.Now().Add(s.leaseWait)
	for {
		l, ok, err := s.DB.AcquireLease(ctx, holder, fetchLeaseTTL)
		if err != nil || ok {
			return l, err
		}
		if time.Now().After(deadline) {
			h, _, _, _ := s.DB.LeaseHolder(ctx)
			return l, fmt.Errorf("the placer lease is held by %s: serve instances poll and place on this database; stop them to run a one-shot fetch", h)
		}
		select {
		case <-ctx.Done():
			return l, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// renew renews l every third of its TTL until stop is closed.
func (s *pgStorage) renew(l postgres.Lease, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(l.TTL / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), l.TTL/3)
			_ = s.DB.RenewLease(ctx, l) // a lost lease fails the next Place
			cancel()
		}
	}
}
