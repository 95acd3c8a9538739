package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/pgtest"
	"github.com/wirestory/aggregator/internal/wiregen"
	"github.com/wirestory/aggregator/store/postgres"
)

// wireFeeds serves n generated feeds of wire copy (internal/wiregen, with
// cross-feed copies) at /f/N.xml, with ETags. It counts the requests of
// each feed by client (the User-Agent: each instance of a test has its
// own), can hold one client's requests at a gate, and can answer after a
// fixed latency (a remote server's).
type wireFeeds struct {
	*httptest.Server
	latency time.Duration

	mu      sync.Mutex
	bodies  [][]byte // by feed; a test may replace one
	etags   []string
	hits    map[string]map[string]int // path → client → requests
	held    string                    // the client whose requests wait at the gate
	gate    chan struct{}
	arrived chan struct{} // a token per held request that arrived
}

// wireBodies generates n feeds of items each, dated in the two days
// before now (so that none is clamped to the time it is fetched).
func wireBodies(n, items int) [][]byte {
	g := wiregen.New(wiregen.Spec{Feeds: n, Items: items, Bytes: 1500, Dup: 0.5, Seed: 16,
		Now: time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Hour)})
	out := make([][]byte, n)
	for i := range n {
		out[i] = g.Feed(i).Document()
	}
	return out
}

// newWireFeeds serves bodies (wireBodies), each answer after latency.
func newWireFeeds(t testing.TB, bodies [][]byte, latency time.Duration) *wireFeeds {
	t.Helper()
	w := &wireFeeds{bodies: bodies, etags: make([]string, len(bodies)), latency: latency,
		hits: map[string]map[string]int{}, arrived: make(chan struct{}, 4096)}
	for i := range bodies {
		w.etags[i] = fmt.Sprintf(`"f%d"`, i)
	}
	w.Server = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(func() { w.release(); w.Close() })
	return w
}

func (w *wireFeeds) serve(rw http.ResponseWriter, r *http.Request) {
	name, _ := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/f/"), ".xml")
	i, err := strconv.Atoi(name)
	if err != nil || i < 0 || i >= len(w.bodies) {
		http.NotFound(rw, r)
		return
	}
	client := r.Header.Get("User-Agent")
	w.mu.Lock()
	body, etag := w.bodies[i], w.etags[i]
	if w.hits[r.URL.Path] == nil {
		w.hits[r.URL.Path] = map[string]int{}
	}
	w.hits[r.URL.Path][client]++
	gate := w.gate
	if client != w.held {
		gate = nil
	}
	w.mu.Unlock()
	if gate != nil {
		w.arrived <- struct{}{}
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if w.latency > 0 {
		time.Sleep(w.latency) // a remote server's answer time, part of what is measured
	}
	rw.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	rw.Header().Set("Content-Type", "application/rss+xml")
	_, _ = rw.Write(body)
}

// hold makes the requests of client wait until release.
func (w *wireFeeds) hold(client string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.held, w.gate = client, make(chan struct{})
}

// waitHeld waits until n requests of the held client arrived.
func (w *wireFeeds) waitHeld(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for range n {
		select {
		case <-w.arrived:
		case <-deadline:
			t.Fatalf("timed out waiting for %d held requests", n)
		}
	}
}

// release lets the held requests go on.
func (w *wireFeeds) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gate != nil {
		close(w.gate)
		w.gate, w.held = nil, ""
	}
}

// counts returns the requests of each feed path, by client.
func (w *wireFeeds) counts() map[string]map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]map[string]int, len(w.hits))
	for p, m := range w.hits {
		out[p] = make(map[string]int, len(m))
		for c, n := range m {
			out[p][c] = n
		}
	}
	return out
}

// config is a config of the feeds on store, with the extra top-level
// keys; the feeds are feed-0000 ... in order.
func (w *wireFeeds) config(store, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: \"@every 1h\"\nstore: %q\nlog:\n  level: info\n", store)
	b.WriteString("fetch:\n  per_host: 16\n  concurrency: 16\n  host_delay: 0s\n")
	b.WriteString("output:\n  title: Wire merged\n  link: https://merged.example/\n  max_items: 200\n  listen: 127.0.0.1:0\n")
	b.WriteString(extra)
	b.WriteString("feeds:\n")
	for i := range w.bodies {
		fmt.Fprintf(&b, "  - name: feed-%04d\n    url: %s/f/%d.xml\n", i, w.URL, i)
	}
	return b.String()
}

// pgDatabase returns a new database on the shared cluster and its DSN.
func pgDatabase(t testing.TB) string {
	t.Helper()
	pgtest.Shared(t)
	return pgtest.NewDatabase(t)
}

// migrated runs aggregator migrate on the config at path.
func migrated(t testing.TB, dir, path string) {
	t.Helper()
	if code, stderr := runBin(t, dir, os.Stdout, "migrate", "--config", path); code != 0 {
		t.Fatalf("aggregator migrate: %d\n%s", code, stderr)
	}
}

// instance is one serve process of a cluster test.
type instance struct {
	*child
	name string // its User-Agent and config file's name
}

// startInstances starts n serve processes on the config text, each with a
// User-Agent of its own ("agg-A", "agg-B", ...) and the extra flags.
func startInstances(t testing.TB, dir, text string, n int, flags ...string) []*instance {
	t.Helper()
	out := make([]*instance, n)
	for i := range n {
		out[i] = startInstance(t, dir, text, "agg-"+string(rune('A'+i)), flags...)
	}
	return out
}

// startInstance starts one serve process named name (its User-Agent).
func startInstance(t testing.TB, dir, text, name string, flags ...string) *instance {
	t.Helper()
	path := filepath.Join(dir, name+".yaml")
	writeFile(t, path, strings.Replace(text, "fetch:\n", "fetch:\n  user_agent: "+name+"\n", 1))
	return &instance{child: startChild(t, nil, append([]string{"--config", path}, flags...)...), name: name}
}

// id returns the instance's id, from its log.
func (in *instance) id(t testing.TB) string {
	t.Helper()
	i := in.logs.wait(t, 0, "the instance id", contains("distributed mode"))
	m := regexp.MustCompile(`instance=(\S+)`).FindStringSubmatch(in.logs.all()[i])
	if m == nil {
		t.Fatalf("no instance id in %q", in.logs.all()[i])
	}
	return m[1]
}

// first returns a channel that receives the index of the first event at
// or after from that match accepts, unless stop is closed first.
func (w *watch) first(from int, match func(string) bool, stop <-chan struct{}) <-chan int {
	out := make(chan int, 1)
	go func() {
		for {
			w.mu.Lock()
			for i := from; i < len(w.items); i++ {
				if match(w.items[i]) {
					w.mu.Unlock()
					out <- i
					return
				}
			}
			from = max(from, len(w.items))
			changed := w.changed
			w.mu.Unlock()
			select {
			case <-changed:
			case <-stop:
				return
			}
		}
	}()
	return out
}

// pid is the process id in a lease holder's or River client's id
// (serve-HOST-PID-RAND).
func pidOf(id string) int {
	f := strings.Split(id, "-")
	if len(f) < 3 {
		return 0
	}
	pid, _ := strconv.Atoi(f[len(f)-2])
	return pid
}

// openPG opens the database of a cluster test.
func openPG(t testing.TB, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
