package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// child is the aggregator binary running `serve` with a fake systemd
// notify socket.
type child struct {
	cmd    *exec.Cmd
	logs   *watch // stderr lines
	notes  *watch // sd_notify datagrams
	exited chan error
	base   string // http://ADDR of the listener
}

// startChild starts `aggregator serve` with args and extra environment,
// and waits until it reports its address.
func startChild(t testing.TB, env []string, args ...string) *child {
	t.Helper()
	bin := binary(t)
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	c := &child{logs: newWatch(), notes: newWatch(), exited: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			c.notes.add(string(buf[:n]))
		}
	}()
	c.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	c.cmd.Env = append(cleanEnv(), append(env, "NOTIFY_SOCKET="+sock)...)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.logs.readLines(stderr)
		c.exited <- c.cmd.Wait()
	}()
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill() // our own child, by its pid
			<-c.exited
		}
		conn.Close()
		if t.Failed() {
			t.Logf("child stderr:\n%s", strings.Join(c.logs.all(), "\n"))
		}
	})
	i := c.logs.wait(t, 0, "the serving line", contains(`msg=serving`))
	m := regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(c.logs.all()[i])
	if m == nil {
		t.Fatalf("no address in %q", c.logs.all()[i])
	}
	c.base = "http://" + m[1]
	return c
}

// cleanEnv is the test's environment without what systemd would set.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "LISTEN_FDS", "LISTEN_PID":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (c *child) signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits for the child to exit and returns its exit status.
func (c *child) wait(t testing.TB) int {
	t.Helper()
	select {
	case err := <-c.exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(waitTimeout):
		t.Fatal("the daemon did not exit")
		return -1
	}
}

// reusing is an HTTP client that records whether each request reused a
// kept-alive connection.
type reusing struct {
	client *http.Client
	reused []bool
}

func (r *reusing) get(t *testing.T, url string) (int, string) {
	t.Helper()
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { r.reused = append(r.reused, i.Reused) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, r.client, req)
	return resp.StatusCode, body
}

// TestServeLifecycle runs the real binary as systemd would: READY=1 once
// serving, a poll of the configured feed, SIGHUP with a new feed (and one
// with an invalid config), watchdog pings, and SIGTERM while a poll is
// held at the feed server: STOPPING=1, the poll completes, exit 0, and the
// store holds every item in a story.
func TestServeLifecycle(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 3)))
	fs.set("/b.rss", rss("Beta", stories("beta", 2)))
	fs.set("/slow.rss", rss("Slow", stories("slow", 2)))
	dir := t.TempDir()
	db, cfgPath := filepath.Join(dir, "agg.db"), filepath.Join(dir, "config.yaml")
	feeds := []string{"alpha", fs.url("/a.rss")}
	writeFile(t, cfgPath, feedConfig(db, "@every 1h", feeds...))
	c := startChild(t, []string{"WATCHDOG_USEC=200000"}, "--config", cfgPath, "--shutdown-timeout", "50s")
	web := &reusing{client: &http.Client{}}

	ready := c.notes.wait(t, 0, "READY=1", hasState("READY=1"))
	fs.hits.wait(t, 0, "the start-up poll", equals("/a.rss 200"))
	polled := c.logs.wait(t, 0, "the start-up poll to finish", contains(`msg="poll done"`))
	if code, body := web.get(t, c.base+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after the first poll = %d %q", code, body)
	}
	c.notes.wait(t, 0, "a watchdog ping", hasState("WATCHDOG=1"))

	// SIGHUP with a feed added: reloaded, the new feed polled at once.
	feeds = append(feeds, "beta", fs.url("/b.rss"))
	writeFile(t, cfgPath, feedConfig(db, "@every 1h", feeds...))
	ready = c.reload(t, ready)
	fs.hits.wait(t, 0, "the new feed's poll", equals("/b.rss 200"))
	polled = c.logs.wait(t, polled+1, "the new feed's poll to finish", contains(`msg="poll done"`))
	if _, body := web.get(t, c.base+"/feed.atom"); !strings.Contains(body, "beta story 1") || !strings.Contains(body, "alpha story 2") {
		t.Errorf("/feed.atom after the reload lacks an item:\n%s", body)
	}

	// SIGHUP with an invalid config: logged, the running config stays.
	writeFile(t, cfgPath, feedConfig(db, "@every 1h", feeds...)+"colour: red\n")
	ready = c.reload(t, ready)
	c.logs.wait(t, polled, "the invalid config to be reported", contains("colour: unknown key"))
	if code, _ := web.get(t, c.base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after an invalid reload = %d", code)
	}
	if len(web.reused) < 2 || !web.reused[len(web.reused)-1] {
		t.Errorf("the HTTP connection was not kept across reloads: reused %v", web.reused)
	}

	// SIGTERM while the slow feed's poll is held at the server.
	g := fs.hold("/slow.rss")
	writeFile(t, cfgPath, feedConfig(db, "@every 1h", append(feeds, "slow", fs.url("/slow.rss"))...))
	c.reload(t, ready)
	fs.hits.wait(t, 0, "the slow feed's poll", equals("/slow.rss arrived"))
	c.signal(t, syscall.SIGTERM)
	c.notes.wait(t, 0, "STOPPING=1", hasState("STOPPING=1"))
	if code, _ := web.get(t, c.base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while stopping = %d, want 503", code)
	}
	g.release(t)
	if code := c.wait(t); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	unexpected := func(s string) bool {
		return strings.Contains(s, "level=ERROR") && !strings.Contains(s, "invalid config")
	}
	if n := c.logs.count(unexpected); n > 0 {
		t.Errorf("%d unexpected errors logged", n)
	}
	checkStore(t, db, map[string]int{"alpha": 3, "beta": 2, "slow": 2})
}

// reload sends SIGHUP and waits for RELOADING=1 then READY=1 after the
// notification at index after; it returns the index of that READY=1.
func (c *child) reload(t *testing.T, after int) int {
	t.Helper()
	c.signal(t, syscall.SIGHUP)
	r := c.notes.wait(t, after+1, "RELOADING=1", hasState("RELOADING=1"))
	return c.notes.wait(t, r+1, "READY=1 after RELOADING=1", hasState("READY=1"))
}

// checkStore opens the store and checks that it holds the items per feed
// and that every item belongs to a story that exists.
func checkStore(t *testing.T, path string, perFeed map[string]int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for feed, n := range perFeed {
		want += n
		if st.PerFeed[feed] != n {
			t.Errorf("store holds %d items of %s, want %d", st.PerFeed[feed], feed, n)
		}
	}
	if st.Items != want {
		t.Errorf("store holds %d items, want %d", st.Items, want)
	}
	all, err := db.Stories(ctx, news.StoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	for _, s := range all {
		members += len(s.Members)
	}
	if members != st.Items || len(all) != st.Stories {
		t.Errorf("stories list %d members in %d stories; the store counts %d items in %d stories",
			members, len(all), st.Items, st.Stories)
	}
}

// TestServeGraceCancelsPoll: a poll still held at the end of the grace
// period is cancelled; the daemon exits 0 and the store opens consistent.
// Before the poll, /readyz is 503.
func TestServeGraceCancelsPoll(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 2)))
	fs.hold("/a.rss") // never released: opened at cleanup
	dir := t.TempDir()
	db, cfgPath := filepath.Join(dir, "agg.db"), filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, feedConfig(db, "@every 1h", "alpha", fs.url("/a.rss")))
	c := startChild(t, nil, "--config", cfgPath, "--shutdown-timeout", "300ms")

	c.notes.wait(t, 0, "READY=1", hasState("READY=1"))
	fs.hits.wait(t, 0, "the start-up poll", equals("/a.rss arrived"))
	resp, err := http.Get(c.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the first poll = %d, want 503", resp.StatusCode)
	}
	c.signal(t, syscall.SIGTERM)
	c.notes.wait(t, 0, "STOPPING=1", hasState("STOPPING=1"))
	if code := c.wait(t); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	c.logs.wait(t, 0, "the cancellation to be logged", contains("cancelled it"))
	fs.hits.wait(t, 0, "the held request to be cancelled", equals("/a.rss cancelled"))
	checkStore(t, db, map[string]int{})
}
