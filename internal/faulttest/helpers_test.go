package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver of the integrity check

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// binary is the aggregator built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	code, err := buildAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faulttest:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// buildAndRun builds ./cmd/aggregator into a temporary directory, runs the
// tests and removes the directory. In -short mode nothing is built and the
// tests skip.
func buildAndRun(m *testing.M) (int, error) {
	if !testingShort() {
		dir, err := os.MkdirTemp("", "faulttest-bin-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		binary = filepath.Join(dir, "aggregator")
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(gobin, "build", "-o", binary, "github.com/wirestory/aggregator/cmd/aggregator").CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	return m.Run(), nil
}

// testingShort reads -test.short before testing.Short may be called.
func testingShort() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.short" || a == "-test.short=true" {
			return true
		}
	}
	return false
}

func needBinary(t *testing.T) {
	t.Helper()
	if binary == "" {
		t.Skip("-short: the fault tests build and run the real binary")
	}
}

// --- the feed server ---

// feedServer serves feeds of generated items and remembers every item link
// it delivered in full.
type feedServer struct {
	*httptest.Server
	feeds, items int
	version      atomic.Int64 // bumping it changes every item
	served       atomic.Int64 // responses written in full
	allServed    chan struct{}

	mu        sync.Mutex
	delivered map[string]bool
}

func newFeedServer(t *testing.T, feeds, items int) *feedServer {
	fs := &feedServer{feeds: feeds, items: items, allServed: make(chan struct{}), delivered: map[string]bool{}}
	var once sync.Once
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/f/%d.xml", &n); err != nil || n >= feeds {
			http.NotFound(w, r)
			return
		}
		doc, links := fs.doc(n)
		w.Header().Set("Content-Type", "application/rss+xml")
		if _, err := w.Write(doc); err != nil {
			return
		}
		fs.mu.Lock()
		for _, l := range links {
			fs.delivered[l] = true
		}
		fs.mu.Unlock()
		if fs.served.Add(1) >= int64(feeds) {
			once.Do(func() { close(fs.allServed) })
		}
	}))
	t.Cleanup(fs.Close)
	return fs
}

// words make the generated wire copy: random enough that few items merge.
var words = strings.Fields(`harbour board council ferry tram orchard frost budget minister strike
	port river bridge school hospital court police museum festival railway airport election mayor
	union farmers fishermen storm flood drought wildfire vaccine clinic market bank shares exports
	imports factory mine dam canal tunnel highway library theatre stadium league championship
	coach striker keeper referee senate parliament treaty summit envoy border customs tariff
	pension wages inflation rates lender mortgage housing rent tenants landlord survey census
	report inquiry audit scandal resignation appointment reform protest rally petition verdict
	appeal sentence prison release rescue search missing found record heat cold snow rain wind`)

// doc returns feed n's current document and the links of its items.
func (fs *feedServer) doc(n int) ([]byte, []string) {
	v := fs.version.Load()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed %d</title><link>https://feeds.test/f%d/</link>`, n, n)
	links := make([]string, 0, fs.items)
	for i := range fs.items {
		rng := rand.New(rand.NewPCG(uint64(n), uint64(i)+uint64(v)<<32))
		link := fmt.Sprintf("https://feeds.test/f%d/v%d/%d", n, v, i)
		links = append(links, link)
		fmt.Fprintf(&b, `<item><guid>f%d-v%d-%d</guid><link>%s</link><title>%s</title><description>`, n, v, i, link, sentence(rng, 8))
		for range 3 {
			xml.EscapeText(&b, []byte("<p>"+sentence(rng, 40)+"</p>"))
		}
		b.WriteString(`</description></item>`)
	}
	b.WriteString(`</channel></rss>`)
	return b.Bytes(), links
}

func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}

// links returns every item link delivered so far.
func (fs *feedServer) links() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]string, 0, len(fs.delivered))
	for l := range fs.delivered {
		out = append(out, l)
	}
	return out
}

// --- config ---

// setup is one test's files: config, store and output paths.
type setup struct {
	dir, config, store, outDir string
}

// writeConfig writes a config polling every feed of fs; files adds
// output.files in outDir.
func writeConfig(t *testing.T, dir string, fs *feedServer, schedule string, files bool) setup {
	t.Helper()
	s := setup{dir: dir, config: filepath.Join(dir, "config.yaml"), store: filepath.Join(dir, "store", "agg.db"), outDir: filepath.Join(dir, "out")}
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: %q\nstore: %s\n", schedule, s.store)
	b.WriteString("fetch:\n  timeout: 30s\n  per_host: 16\n  concurrency: 16\n  host_delay: 1ms\n")
	// Due at every tick (interval bounds of 1ms): the faults strike polls
	// that follow one another, as before adaptive polling.
	b.WriteString("  min_interval: 1ms\n  max_interval: 1ms\n")
	b.WriteString("output:\n  title: Fault test\n  link: http://127.0.0.1/\n  max_items: 0\n  listen: 127.0.0.1:0\n")
	if files {
		if err := os.MkdirAll(s.outDir, 0o755); err != nil {
			t.Fatal(err)
		}
		b.WriteString("  files:\n")
		for _, f := range []string{"rss", "atom", "json"} {
			fmt.Fprintf(&b, "    %s: %s\n", f, filepath.Join(s.outDir, "feed."+f))
		}
	}
	b.WriteString("feeds:\n")
	for n := range fs.feeds {
		fmt.Fprintf(&b, "  - name: f%d\n    url: %s/f/%d.xml\n", n, fs.URL, n)
	}
	if err := os.WriteFile(s.config, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

// --- the daemon ---

// daemon is a running `aggregator serve`, its log watched line by line.
type daemon struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string // where it serves, from its "serving" log line
	done chan struct{}
	err  error // the result of Wait, once done is closed

	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed and replaced on every new line
}

var servingAddr = regexp.MustCompile(`msg=serving addr=(\S+)`)

// startDaemon runs `aggregator serve` on s and waits for it to listen.
func startDaemon(t *testing.T, s setup) *daemon {
	t.Helper()
	d := &daemon{t: t, cmd: exec.Command(binary, "serve", "--config", s.config), done: make(chan struct{}), changed: make(chan struct{})}
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go d.read(stderr)
	t.Cleanup(d.kill)
	i := d.waitLog("serving", 0, 30*time.Second)
	d.addr = servingAddr.FindStringSubmatch(d.line(i))[1]
	return d
}

func (d *daemon) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		d.mu.Lock()
		d.lines = append(d.lines, sc.Text())
		close(d.changed)
		d.changed = make(chan struct{})
		d.mu.Unlock()
	}
	d.err = d.cmd.Wait()
	close(d.done)
}

func (d *daemon) line(i int) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lines[i]
}

// logLen is the number of log lines so far; waitLog from it sees only
// later lines.
func (d *daemon) logLen() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.lines)
}

// waitLog waits for a log line at index from or later that contains sub
// and returns its index; the test fails when the daemon exits or the
// timeout passes first.
func (d *daemon) waitLog(sub string, from int, timeout time.Duration) int {
	d.t.Helper()
	deadline := time.After(timeout)
	for {
		d.mu.Lock()
		for i := from; i < len(d.lines); i++ {
			if strings.Contains(d.lines[i], sub) {
				d.mu.Unlock()
				return i
			}
		}
		from = len(d.lines)
		changed := d.changed
		d.mu.Unlock()
		select {
		case <-changed:
		case <-d.done:
			d.t.Fatalf("daemon exited (%v) before logging %q:\n%s", d.err, sub, d.log())
		case <-deadline:
			d.t.Fatalf("no log line %q within %v:\n%s", sub, timeout, d.log())
		}
	}
}

func (d *daemon) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.lines, "\n")
}

// kill sends SIGKILL and waits for the process to be gone.
func (d *daemon) kill() {
	select {
	case <-d.done:
		return
	default:
	}
	if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		d.t.Errorf("kill: %v", err)
	}
	<-d.done
}

// stop sends SIGTERM and fails unless the daemon exits cleanly.
func (d *daemon) stop() {
	d.t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		d.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		d.t.Fatalf("daemon did not stop within 30s of SIGTERM")
	}
	if d.err != nil {
		d.t.Errorf("daemon exited with %v:\n%s", d.err, d.log())
	}
}

// get fetches path from the daemon and returns the status and body.
func (d *daemon) get(path string) (int, []byte) {
	d.t.Helper()
	resp, err := http.Get("http://" + d.addr + path)
	if err != nil {
		d.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, body
}

// runCmd runs the binary to completion and returns its exit code and
// standard error; a run longer than a minute is killed and fails the test.
func runCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v did not end within a minute:\n%s", args, stderr.String())
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return 0, stderr.String()
}

// --- checks ---

// checkStore opens the store as the daemon does (recovering its WAL), runs
// SQLite's integrity and foreign key checks, reads every story, and returns the story id of
// every item link.
func checkStore(t *testing.T, path string) map[string]string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("store.Open after the fault: %v", err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ok string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q, %v", ok, err)
	}
	rows, err := raw.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Errorf("foreign_key_check reports violations")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	stories, err := db.Stories(ctx, news.StoryQuery{})
	if err != nil {
		t.Fatalf("Stories: %v", err)
	}
	out := map[string]string{}
	for _, s := range stories {
		if len(s.Members) == 0 {
			t.Errorf("story %s has no members", s.ID)
		}
		for _, m := range s.Members {
			if m.StoryID != "" && m.StoryID != s.ID {
				t.Errorf("item %s listed in story %s but belongs to %s", m.ID, s.ID, m.StoryID)
			}
			out[m.Link] = s.ID
		}
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if st.Items != len(out) {
		t.Errorf("stats count %d items, stories hold %d", st.Items, len(out))
	}
	return out
}

// checkFile parses an output file by its extension and returns the number
// of items; a missing file counts -1.
func checkFile(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return -1
	}
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(path) {
	case ".json":
		var f struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Errorf("%s is not whole JSON: %v", path, err)
		}
		return len(f.Items)
	default:
		d := xml.NewDecoder(bytes.NewReader(b))
		n := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				return n
			}
			if err != nil {
				t.Errorf("%s is not whole XML: %v", path, err)
				return n
			}
			if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "item" || se.Name.Local == "entry") {
				n++
			}
		}
	}
}

// waitUntil polls cond, an observation of files or processes, until it
// holds; it fails the test after timeout or when stop is closed first.
func waitUntil(t *testing.T, what string, timeout time.Duration, stop <-chan struct{}, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case <-stop:
			t.Fatalf("gave up waiting for %s", what)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}
