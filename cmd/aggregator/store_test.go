package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConcurrentFetches: a fetch that finds another poll of its store
// running waits for it, says so, and then counts only what it stored
// itself.
func TestConcurrentFetches(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 2)))
	g := fs.hold("/a.rss")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "alpha", fs.url("/a.rss")))

	type result struct {
		code int
		logs *watch
	}
	start := func(args ...string) (chan result, *watch) {
		logs, done := newWatch(), make(chan result, 1)
		go func() {
			code := run(context.Background(), append([]string{"fetch", "--config", cfg, "--output", os.DevNull}, args...), strings.NewReader(""), os.Stdout, logs)
			done <- result{code, logs}
		}()
		return done, logs
	}
	first, _ := start()
	fs.hits.wait(t, 0, "the first fetch's request", equals("/a.rss arrived"))
	second, logs := start("--force")
	logs.wait(t, 0, "the second fetch to wait", contains("waiting for it to finish"))
	closeOnce(g.open)
	for i, done := range []chan result{first, second} {
		r := <-done
		want := []string{"2 new", "0 new"}[i]
		if r.code != 0 || r.logs.count(contains(want)) != 1 {
			t.Errorf("fetch %d: exit %d, want a summary with %q:\n%s", i+1, r.code, want, strings.Join(r.logs.all(), "\n"))
		}
	}
}

// TestServeNoticesAnotherProcess: a fetch run on the daemon's store by
// another process is published without waiting for the daemon's next
// poll.
func TestServeNoticesAnotherProcess(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 1)))
	dir := t.TempDir()
	td := startDaemon(t, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "alpha", fs.url("/a.rss")), nil)
	done := td.logs.wait(t, 0, "the first poll", contains(`msg="poll done"`))
	fs.set("/a.rss", rss("Alpha", stories("alpha", 2)))
	if code, _, stderr := runCmd(t, "fetch", "--config", td.path, "--force", "--output", os.DevNull); code != 0 {
		t.Fatalf("fetch beside the daemon: exit %d\n%s", code, stderr)
	}
	seen := td.logs.wait(t, done, "the daemon to see the change", contains("the store changed since the last publish"))
	td.logs.wait(t, seen, "the publish", contains(`msg=published`))
	if _, body, _ := td.get(t, "/feed.rss"); !strings.Contains(body, "alpha story 1") {
		t.Errorf("the daemon's feed lacks the item the other process stored:\n%s", body)
	}
}

// TestStoreReplacedStopsDaemon: a daemon whose store file is replaced
// under it stops with an error (systemd restarts it) instead of writing
// into the unlinked file.
func TestStoreReplacedStopsDaemon(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 1)))
	db := filepath.Join(t.TempDir(), "a.db")
	td := startDaemon(t, feedConfig(db, "@every 1h", "alpha", fs.url("/a.rss")), nil)
	td.logs.wait(t, 0, "the first poll", contains(`msg="poll done"`))
	if err := os.Rename(db, db+".old"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, db, "")
	td.logs.wait(t, 0, "the daemon to give up", contains("the daemon cannot go on"))
	if err := td.stop(); err == nil || !strings.Contains(err.Error(), "replaced") {
		t.Errorf("run = %v, want an error about the replaced store", err)
	}
}
