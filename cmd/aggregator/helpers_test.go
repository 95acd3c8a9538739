package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/pgtest"
)

// waitTimeout bounds every wait for an event; it only decides when a test
// fails, never how long a passing test takes.
const waitTimeout = 60 * time.Second

// watch is an append-only list of events (log lines, notifications,
// requests) that tests wait on.
type watch struct {
	mu      sync.Mutex
	items   []string
	changed chan struct{} // closed and replaced on every add
}

func newWatch() *watch { return &watch{changed: make(chan struct{})} }

func (w *watch) add(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.items = append(w.items, s)
	close(w.changed)
	w.changed = make(chan struct{})
}

func (w *watch) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.items...)
}

// wait returns the index of the first event at or after from that match
// accepts, waiting for it; what describes it in the failure.
func (w *watch) wait(t testing.TB, from int, what string, match func(string) bool) int {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		for i := from; i < len(w.items); i++ {
			if match(w.items[i]) {
				w.mu.Unlock()
				return i
			}
		}
		from = max(from, len(w.items))
		changed := w.changed
		w.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; events:\n%s", what, strings.Join(w.all(), "\n"))
			return -1
		}
	}
}

// count returns how many events match.
func (w *watch) count(match func(string) bool) int {
	n := 0
	for _, s := range w.all() {
		if match(s) {
			n++
		}
	}
	return n
}

// Write makes a watch an io.Writer of lines (a logger's output).
func (w *watch) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.add(line)
	}
	return len(p), nil
}

// readLines adds every line of r to w until r ends.
func (w *watch) readLines(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		w.add(sc.Text())
	}
}

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

func equals(want string) func(string) bool {
	return func(s string) bool { return s == want }
}

// hasState matches a notification datagram that carries state as one of
// its lines.
func hasState(state string) func(string) bool {
	return func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if l == state {
				return true
			}
		}
		return false
	}
}

// story is one item of a test feed.
type story struct{ guid, title, body string }

// stories returns n distinct stories for a feed: different topics, so that
// dedupe never merges them.
func stories(feed string, n int) []story {
	topics := []string{
		"The harbour authority approved a new container terminal after a decade of planning and public hearings about dredging the estuary",
		"Scientists reported that a glacier in the northern range retreated faster this summer than in any year since records began in the region",
		"The national orchestra announced a winter season of rarely performed symphonies, with tickets priced for students and pensioners",
		"Farmers in the eastern valley began harvesting a record apricot crop, although storage shortages threaten to spoil part of it",
		"A regional court ordered the railway operator to compensate passengers for months of cancelled morning trains on the coastal line",
		"The city council voted to turn the disused tram depot into a public library with a rooftop garden and a children's reading room",
	}
	out := make([]story, n)
	for i := range out {
		t := topics[i%len(topics)]
		out[i] = story{
			guid:  fmt.Sprintf("%s-%d", feed, i),
			title: fmt.Sprintf("%s story %d: %s", feed, i, strings.Join(strings.Fields(t)[:6], " ")),
			body:  fmt.Sprintf("%s. Officials from %s said more details would follow next week. Reference %s-%d.", t, feed, feed, i),
		}
	}
	return out
}

// rss renders an RSS 2.0 document, its items dated a minute apart on
// 2024-05-01.
func rss(title string, items []story) []byte {
	return rssAt(title, items, func(i int) time.Time { return time.Date(2024, 5, 1, 8, i, 0, 0, time.UTC) })
}

// rssAt renders an RSS 2.0 document, item i dated pub(i).
func rssAt(title string, items []story, pub func(i int) time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>%s</title><link>https://%s.example/</link><description>test</description>\n",
		html.EscapeString(title), strings.ToLower(title))
	for i, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><title>%s</title><link>https://%s.example/%s</link><pubDate>%s</pubDate><description>%s</description></item>\n",
			it.guid, html.EscapeString(it.title), strings.ToLower(title), it.guid, pub(i).Format(time.RFC1123Z), html.EscapeString("<p>"+it.body+"</p>"))
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// feedServer serves test feeds with ETags (304 on a match), records every
// request, and can hold requests of a path at a gate.
type feedServer struct {
	*httptest.Server
	hits *watch // "PATH STATUS" when a request is answered; "PATH arrived" first

	mu       sync.Mutex
	bodies   map[string][]byte
	status   map[string]int // forced status; 0: serve the body
	gates    map[string]*gate
	inflight map[string]int
	maxIn    map[string]int
}

// gate holds requests: each waits for a token, or until the gate opens.
type gate struct {
	tokens chan struct{}
	open   chan struct{}
}

func newFeedServer(t testing.TB) *feedServer {
	fs := &feedServer{hits: newWatch(), bodies: map[string][]byte{}, status: map[string]int{},
		gates: map[string]*gate{}, inflight: map[string]int{}, maxIn: map[string]int{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(func() {
		fs.mu.Lock()
		for _, g := range fs.gates {
			closeOnce(g.open)
		}
		fs.mu.Unlock()
		fs.Close()
	})
	return fs
}

func closeOnce(c chan struct{}) {
	select {
	case <-c:
	default:
		close(c)
	}
}

func (fs *feedServer) set(path string, body []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.bodies[path] = body
}

func (fs *feedServer) fail(path string, status int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.status[path] = status
}

// hold makes requests for path wait at a gate until released.
func (fs *feedServer) hold(path string) *gate {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	g := &gate{tokens: make(chan struct{}), open: make(chan struct{})}
	fs.gates[path] = g
	return g
}

// release lets one held request go on.
func (g *gate) release(t testing.TB) {
	t.Helper()
	select {
	case g.tokens <- struct{}{}:
	case <-time.After(waitTimeout):
		t.Fatal("timed out releasing a held request: none is waiting")
	}
}

// url returns the feed's URL.
func (fs *feedServer) url(path string) string { return fs.URL + path }

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	fs.enter(p)
	defer fs.leave(p)
	fs.hits.add(p + " arrived")
	if g := fs.gate(p); g != nil {
		select {
		case <-g.tokens:
		case <-g.open:
		case <-r.Context().Done():
			fs.hits.add(p + " cancelled")
			return
		}
	}
	fs.mu.Lock()
	body, status := fs.bodies[p], fs.status[p]
	fs.mu.Unlock()
	switch {
	case status != 0:
		http.Error(w, "failing on purpose", status)
	case body == nil:
		status = http.StatusNotFound
		http.NotFound(w, r)
	default:
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			status = http.StatusNotModified
			w.WriteHeader(status)
			break
		}
		status = http.StatusOK
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(body)
	}
	fs.hits.add(p + " " + strconv.Itoa(status))
}

func (fs *feedServer) gate(p string) *gate {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.gates[p]
}

func (fs *feedServer) enter(p string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.inflight[p]++
	fs.maxIn[p] = max(fs.maxIn[p], fs.inflight[p])
}

func (fs *feedServer) leave(p string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.inflight[p]--
}

// maxInflight returns the most requests for p that were in flight at once.
func (fs *feedServer) maxInflight(p string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.maxIn[p]
}

// feedConfig is a test config: the feeds by name and URL, fast host
// pacing, a loopback listener on a free port.
func feedConfig(storePath, schedule string, feeds ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: %q\nstore: %s\nlog:\n  level: debug\nfetch:\n  per_host: 4\n  host_delay: 1ms\n", schedule, storePath)
	// Due again a millisecond after each poll, as these tests were written
	// for fixed polling: every tick polls every feed. Adaptive polling has
	// tests of its own (wake_test.go).
	b.WriteString("  min_interval: 1ms\n  max_interval: 1ms\n")
	b.WriteString("output:\n  title: Test merged\n  link: https://merged.example/\n  listen: 127.0.0.1:0\nfeeds:\n")
	for i := 0; i+1 < len(feeds); i += 2 {
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", feeds[i], feeds[i+1])
	}
	return b.String()
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// metricValue finds the sample of name whose labels include want in the
// Prometheus text exposition; ok is false when there is none.
func metricValue(text, name string, want map[string]string) (v float64, ok bool) {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `(?:\{(.*)\})? (\S+)$`)
	for _, line := range strings.Split(text, "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil || !labelsMatch(m[1], want) {
			continue
		}
		f, err := strconv.ParseFloat(m[2], 64)
		return f, err == nil
	}
	return 0, false
}

func labelsMatch(labels string, want map[string]string) bool {
	for k, v := range want {
		if !strings.Contains(labels, k+`="`+v+`"`) {
			return false
		}
	}
	return true
}

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// binary builds the aggregator once per test binary and returns its path.
func binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			binErr = err
			return
		}
		if binDir, binErr = os.MkdirTemp("", "aggregator-test-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "aggregator")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatalf("build the binary: %v", binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := pgtest.Run(m) // m.Run, then the shared PostgreSQL cluster stopped, if a test started it
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
