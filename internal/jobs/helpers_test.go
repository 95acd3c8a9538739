package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/internal/pgtest"
	"github.com/wirestory/aggregator/internal/wiregen"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// waitTimeout bounds every wait of a test; it decides a failure, never how
// long a passing test takes.
const waitTimeout = 60 * time.Second

// newDB returns a fresh migrated database.
func newDB(t *testing.T) *postgres.DB {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	if _, err := postgres.Migrate(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.OpenWith(context.Background(), dsn, postgres.Options{MaxConns: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// feedServer serves generated feeds at /f/N.xml with ETags (304 on a
// match); a path can be held at a gate until released.
type feedServer struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  map[string][]byte
	gates   map[string]chan struct{}
	arrived chan string // each held request's path, as it arrives
	hits    map[string]int
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{bodies: map[string][]byte{}, gates: map[string]chan struct{}{}, arrived: make(chan string, 100), hits: map[string]int{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(func() {
		fs.mu.Lock()
		for p, g := range fs.gates {
			close(g)
			delete(fs.gates, p)
		}
		fs.mu.Unlock()
		fs.Close()
	})
	return fs
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	body, gate := fs.bodies[r.URL.Path], fs.gates[r.URL.Path]
	fs.hits[r.URL.Path]++
	fs.mu.Unlock()
	if gate != nil {
		fs.arrived <- r.URL.Path
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if body == nil {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = w.Write(body)
}

// hold makes the requests of path wait until the returned function runs.
func (fs *feedServer) hold(path string) (release func()) {
	g := make(chan struct{})
	fs.mu.Lock()
	fs.gates[path] = g
	fs.mu.Unlock()
	return func() {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if fs.gates[path] == g {
			close(g)
			delete(fs.gates, path)
		}
	}
}

func (fs *feedServer) hitCount(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

// generated serves n generated feeds of items each, with cross-feed
// copies, dated in the two days before now, and returns their config.
func (fs *feedServer) generated(n, items int) []news.Feed {
	g := wiregen.New(wiregen.Spec{Feeds: n, Items: items, Bytes: 1500, Dup: 0.5, Seed: 7,
		Now: time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Hour)})
	feeds := make([]news.Feed, n)
	for i := range n {
		path := fmt.Sprintf("/f/%d.xml", i)
		fs.mu.Lock()
		fs.bodies[path] = g.Feed(i).Document()
		fs.mu.Unlock()
		feeds[i] = news.Feed{Name: fmt.Sprintf("feed-%03d", i), URL: fs.URL + path}
	}
	return feeds
}

// settingsFor polls feeds every hour with a loopback fetcher.
func settingsFor(feeds []news.Feed) *Settings {
	f := fetch.NewClient(fetch.Options{PerHost: 16, HostDelay: -1, Timeout: 20 * time.Second})
	// each feed on its own hourly schedule: polled at its ticks, whatever
	// interval it learns (args_test.go tests the learned intervals' dues)
	feeds = slices.Clone(feeds)
	for i := range feeds {
		feeds[i].Schedule = "@every 1h"
	}
	pipe := &pipeline.Settings{Feeds: feeds, Window: 72 * time.Hour, Fetcher: f}
	sched, err := cron.ParseStandard("@every 1h")
	if err != nil {
		panic(err)
	}
	schedules := make(map[string]Schedule, len(feeds))
	for _, fd := range feeds {
		schedules[fd.Name] = sched
	}
	return NewSettings(pipe, schedules)
}

// events records what an Observer hears.
type events struct {
	mu       sync.Mutex
	outcomes map[Outcome]int
	changed  chan struct{} // a token on every event
	leases   []int64       // terms taken (positive) and given up (negative)
}

func newEvents() *events {
	return &events{outcomes: map[Outcome]int{}, changed: make(chan struct{}, 1)}
}

func (e *events) Polled(_ pipeline.FeedReport, o Outcome) {
	e.mu.Lock()
	e.outcomes[o]++
	e.mu.Unlock()
	e.poke()
}

func (e *events) Rescued() {}

func (e *events) Lease(held bool, term int64) {
	e.mu.Lock()
	if !held {
		term = -term
	}
	e.leases = append(e.leases, term)
	e.mu.Unlock()
	e.poke()
}

func (e *events) poke() {
	select {
	case e.changed <- struct{}{}:
	default:
	}
}

// waitFor waits until cond holds (it is checked on every event and every
// 100 ms, for what the observer does not hear: the database).
func (e *events) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case <-e.changed:
		case <-tick.C:
		}
	}
}

func (e *events) count(o Outcome) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outcomes[o]
}

func testLog(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("test", t.Name())
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newCluster returns a cluster of one instance on db, not started.
func newCluster(t *testing.T, db *postgres.DB, id string, s *Settings, obs Observer) *Cluster {
	t.Helper()
	c, err := New(Config{DB: db, Log: testLog(t).With("instance", id), ID: id, Settings: func() *Settings { return s },
		Workers: 4, JobTimeout: 30 * time.Second, RescueAfter: time.Hour, LeaseTTL: 2 * time.Second, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// start starts c and stops it at the end of the test.
func start(t *testing.T, c *Cluster) {
	t.Helper()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop(10 * time.Second); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("stop: %v", err)
		}
	})
}

// query returns one value of sql on db.
func query[T any](t *testing.T, db *postgres.DB, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := db.Pool().QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}
