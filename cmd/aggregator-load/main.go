// Command aggregator-load is the load test of the aggregator daemon: it
// serves many feeds from a loopback server, runs the real `aggregator
// serve` as a child polling them on a short schedule, and lets many
// clients fetch the merged feeds (conditional and unconditional GETs) for
// a while. It prints requests per second, latency percentiles, errors,
// 5xx answers, the polls done meanwhile and the daemon's peak RSS, and
// exits 1 when any request failed or got a 5xx.
//
// Usage:
//
//	go run ./cmd/aggregator-load [--duration 60s] [--feeds 500] [--clients 50] [--wrk]
//
// Everything listens on 127.0.0.1 only.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

type options struct {
	duration time.Duration
	feeds    int
	items    int
	clients  int
	schedule string
	binary   string
	wrk      bool
	keep     bool
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", time.Minute, "how long the clients fetch")
	flag.IntVar(&o.feeds, "feeds", 500, "feeds the daemon polls")
	flag.IntVar(&o.items, "items", 20, "items per feed")
	flag.IntVar(&o.clients, "clients", 50, "concurrent HTTP clients")
	flag.StringVar(&o.schedule, "schedule", "@every 3s", "the daemon's poll schedule")
	flag.StringVar(&o.binary, "binary", "", "aggregator binary to run (default: go build ./cmd/aggregator)")
	flag.BoolVar(&o.wrk, "wrk", false, "also run wrk (when installed) for 10s against the cached feed and its 304")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (config, store, daemon log)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "aggregator-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, w io.Writer) error {
	dir, err := os.MkdirTemp("", "aggregator-load-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(w, "files in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.binary == "" {
		if o.binary, err = build(dir); err != nil {
			return err
		}
	}
	feeds := newFeeds(o.feeds, o.items)
	srv := httptest.NewServer(feeds)
	defer srv.Close()
	cfg, err := writeConfig(dir, srv.URL, o)
	if err != nil {
		return err
	}
	d, err := start(o.binary, cfg, filepath.Join(dir, "daemon.log"))
	if err != nil {
		return err
	}
	defer d.kill()
	if err := d.waitPolls(ctx, 1, 5*time.Minute); err != nil {
		return fmt.Errorf("first poll: %w", err)
	}
	polls0 := d.polls()
	res := load(ctx, "http://"+d.addr, o)
	if o.wrk {
		res.wrk = runWrk(ctx, "http://"+d.addr)
	}
	res.polls = d.polls() - polls0
	res.pollTimes = d.pollDurations()[polls0:]
	res.rss, res.rssNow = d.memory()
	res.exit = d.stop(30 * time.Second)
	res.logErrors = d.errorLines()
	res.print(w, o)
	if res.failed() {
		return fmt.Errorf("%d errors, %d 5xx, daemon exit %v", res.errors, res.status5xx, res.exit)
	}
	return nil
}

// build compiles the aggregator into dir.
func build(dir string) (string, error) {
	bin := filepath.Join(dir, "aggregator")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "github.com/wirestory/aggregator/cmd/aggregator")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// writeConfig writes the daemon's config: every feed of the server, the
// schedule, and host limits that allow the one loopback host many requests.
// Every feed is due at every tick (poll interval bounds of 1ms), so that
// the clients are served while polls of every feed run, as before adaptive
// polling.
func writeConfig(dir, base string, o options) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: %q\nstore: %s\n", o.schedule, filepath.Join(dir, "agg.db"))
	b.WriteString("log:\n  level: info\nfetch:\n  timeout: 20s\n  per_host: 16\n  concurrency: 16\n  host_delay: 1ms\n  min_interval: 1ms\n  max_interval: 1ms\n")
	b.WriteString("output:\n  title: Load test\n  link: http://127.0.0.1/\n  max_items: 200\n  listen: 127.0.0.1:0\nfeeds:\n")
	for i := range o.feeds {
		fmt.Fprintf(&b, "  - name: feed-%03d\n    url: %s/feeds/%d.xml\n", i, base, i)
	}
	path := filepath.Join(dir, "config.yaml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// child is the running daemon with its log scanned for events.
type child struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error

	mu      sync.Mutex
	pollDur []time.Duration
	errs    []string
	changed chan struct{}
}

var (
	servingRe  = regexp.MustCompile(`msg=serving addr=(\S+)`)
	pollDoneRe = regexp.MustCompile(`msg="poll done" duration=(\S+)`)
)

// start runs `aggregator serve` and waits until it listens; its log is
// copied to logPath.
func start(binary, config, logPath string) (*child, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c := &child{cmd: exec.Command(binary, "serve", "--config", config), done: make(chan struct{}), changed: make(chan struct{})}
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go c.scan(io.TeeReader(stderr, logFile), addr, logFile)
	select {
	case c.addr = <-addr:
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("daemon exited at start: %v (log in %s)", c.err, logPath)
	case <-time.After(time.Minute):
		c.kill()
		return nil, fmt.Errorf("daemon did not listen within a minute (log in %s)", logPath)
	}
}

func (c *child) scan(r io.Reader, addr chan<- string, logFile *os.File) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		c.mu.Lock()
		if m := servingRe.FindStringSubmatch(line); m != nil {
			addr <- m[1]
		}
		if m := pollDoneRe.FindStringSubmatch(line); m != nil {
			d, _ := time.ParseDuration(m[1])
			c.pollDur = append(c.pollDur, d)
		}
		if strings.Contains(line, "level=ERROR") {
			c.errs = append(c.errs, line)
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
	c.err = c.cmd.Wait()
	logFile.Close()
	close(c.done)
}

func (c *child) polls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pollDur)
}

func (c *child) pollDurations() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.pollDur...)
}

func (c *child) errorLines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// waitPolls waits until n polls are done.
func (c *child) waitPolls(ctx context.Context, n int, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		got, changed := len(c.pollDur), c.changed
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-c.done:
			return fmt.Errorf("daemon exited: %v", c.err)
		case <-deadline:
			return fmt.Errorf("no poll done within %v", timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// memory returns the daemon's peak and current resident set (VmHWM,
// VmRSS) in KiB.
func (c *child) memory() (peak, now int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return -1, -1
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		var v int64
		if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &v); err == nil {
			peak = v
		}
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &v); err == nil {
			now = v
		}
	}
	return peak, now
}

// stop sends SIGTERM and waits; it returns the exit error, if any.
func (c *child) stop(timeout time.Duration) error {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-c.done:
		return c.err
	case <-time.After(timeout):
		c.kill()
		return fmt.Errorf("did not stop within %v of SIGTERM", timeout)
	}
}

func (c *child) kill() {
	select {
	case <-c.done:
	default:
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
