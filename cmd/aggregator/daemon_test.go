package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// testDaemon is a daemon running in the test process, fetching through a
// fetcher the test may wrap, logging into a watch.
type testDaemon struct {
	base string // http://127.0.0.1:PORT
	path string // the config file
	logs *watch
	sigs chan os.Signal
	stop func() error // shuts it down and returns run's error
}

func startDaemon(t *testing.T, cfgText string, wrap func(pipeline.Fetcher) pipeline.Fetcher) *testDaemon {
	t.Helper()
	return startDaemonWith(t, cfgText, wrap, nil)
}

// startDaemonWith is startDaemon with adjust (when not nil) called on the
// daemon before it runs.
func startDaemonWith(t *testing.T, cfgText string, wrap func(pipeline.Fetcher) pipeline.Fetcher, adjust func(*daemon)) *testDaemon {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, cfgText)
	cfg, err := config.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fetcherFor := newFetcher
	if wrap != nil {
		fetcherFor = func(cfg *config.Config) pipeline.Fetcher { return wrap(newFetcher(cfg)) }
	}
	logs := newWatch()
	a, err := newApp(ctx, cfg, nil, logs, fetcherFor)
	if err != nil {
		t.Fatal(err)
	}
	d, err := newDaemon(a, &configFlags{path: path}, 10*time.Second, &notifier{})
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(d)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	td := &testDaemon{base: "http://" + ln.Addr().String(), path: path, logs: logs, sigs: make(chan os.Signal)}
	go func() {
		defer a.close()
		done <- d.run(ctx, ln, td.sigs)
	}()
	var stopped atomic.Bool
	td.stop = func() error {
		if !stopped.CompareAndSwap(false, true) {
			return nil
		}
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(waitTimeout):
			t.Fatal("daemon did not stop")
			return nil
		}
	}
	t.Cleanup(func() {
		if err := td.stop(); err != nil {
			t.Errorf("daemon run: %v", err)
		}
	})
	return td
}

// get returns the status and body of a GET.
func (td *testDaemon) get(t *testing.T, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, td.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, body := do(t, http.DefaultClient, req)
	return resp.StatusCode, body, resp.Header
}

// do sends req with c and returns the response with its whole body read.
func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// TestNoOverlappingPolls runs an @every 1s schedule against a feed that
// holds every request until the test releases it, and checks that no
// second poll of the feed starts while one runs: the ticks during a poll
// are merged into the next one, which runs once the held poll is done.
func TestNoOverlappingPolls(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/slow.rss", rss("Slow", stories("slow", 2)))
	g := fs.hold("/slow.rss")
	td := startDaemon(t, feedConfig(filepath.Join(t.TempDir(), "a.db"), "@every 1s", "slow", fs.url("/slow.rss")), nil)

	first := fs.hits.wait(t, 0, "the start-up poll", equals("/slow.rss arrived"))
	tick := td.logs.wait(t, 0, "a tick during the held poll", contains(`msg="cron: run"`))
	td.logs.wait(t, tick+1, "a second tick during the held poll", contains(`msg="cron: run"`))
	g.release(t)
	done := td.logs.wait(t, 0, "the first poll to finish", contains(`msg="poll done"`))

	fs.hits.wait(t, first+1, "the next poll, of the merged ticks", equals("/slow.rss arrived"))
	g.release(t)
	td.logs.wait(t, done+1, "the next poll to finish", contains(`msg="poll done"`))
	closeOnce(g.open)
	if err := td.stop(); err != nil {
		t.Fatal(err)
	}
	if n := fs.maxInflight("/slow.rss"); n != 1 {
		t.Errorf("max concurrent requests for the feed = %d, want 1", n)
	}
}

// panicky panics in Begin for one feed on the first poll only, and in
// Fetch for another feed on every poll.
type panicky struct {
	pipeline.Fetcher
	beginOnce atomic.Bool
}

func (p *panicky) Begin(st news.FeedState, now time.Time) news.FeedState {
	if st.Name == "good" && p.beginOnce.CompareAndSwap(false, true) {
		panic("injected panic in Begin")
	}
	return p.Fetcher.Begin(st, now)
}

func (p *panicky) Fetch(ctx context.Context, st news.FeedState, now time.Time) fetch.Result {
	if st.Name == "bad" {
		panic("injected panic in Fetch")
	}
	return p.Fetcher.Fetch(ctx, st, now)
}

// TestPanicDoesNotKillTheDaemon: a panic in the fetcher's Begin for one
// feed and in another feed's Fetch stay inside the poll: the first feed is
// still polled, the second fails alone, no poll cycle ends in a panic, and
// the daemon keeps polling and serving. Were either panic to escape, the
// test binary itself would crash.
func TestPanicDoesNotKillTheDaemon(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/good.rss", rss("Good", stories("good", 2)))
	fs.set("/bad.rss", rss("Bad", stories("bad", 2)))
	cfg := feedConfig(filepath.Join(t.TempDir(), "a.db"), "@every 1s", "good", fs.url("/good.rss"), "bad", fs.url("/bad.rss"))
	td := startDaemon(t, cfg, func(f pipeline.Fetcher) pipeline.Fetcher { return &panicky{Fetcher: f} })

	p := td.logs.wait(t, 0, "the panic in Begin to be contained", contains(`msg="panic while polling a feed" feed=good`))
	td.logs.wait(t, p, "the poll to finish after the panic", contains(`msg="poll done"`))
	td.logs.wait(t, 0, "the feed whose fetch panics to fail", contains(`msg="feed failed" feed=bad`))

	if code, _, _ := td.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d after a panic, want 200", code)
	}
	if code, body, _ := td.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q after a poll finished, want 200", code, body)
	}
	if _, body, _ := td.get(t, "/feed.rss"); !strings.Contains(body, "good story 1") {
		t.Errorf("the merged feed lacks the good feed's items:\n%s", body)
	}
	_, metrics, _ := td.get(t, "/metrics")
	if v, _ := metricValue(metrics, "aggregator_poll_cycles_total", map[string]string{"result": "panic"}); v != 0 {
		t.Errorf("aggregator_poll_cycles_total{result=panic} = %v, want 0: the pipeline contains fetcher panics", v)
	}
	if v, _ := metricValue(metrics, "aggregator_feed_consecutive_failures", map[string]string{"feed": "bad"}); v < 1 {
		t.Errorf("consecutive failures of the panicking feed = %v, want >= 1", v)
	}
}

// TestHealthReadyMetrics checks /healthz, /readyz before and after the
// first poll, and what /metrics reports after a poll that ingested items,
// a second poll answered 304, and a conditional GET of /feed.atom.
func TestHealthReadyMetrics(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 3)))
	g := fs.hold("/a.rss")
	td := startDaemon(t, feedConfig(filepath.Join(t.TempDir(), "a.db"), "@every 1s", "alpha", fs.url("/a.rss")), nil)

	fs.hits.wait(t, 0, "the first poll", equals("/a.rss arrived"))
	if code, body, _ := td.get(t, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	if code, body, _ := td.get(t, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the first poll finished = %d %q, want 503", code, body)
	}
	closeOnce(g.open)
	first := td.logs.wait(t, 0, "the first poll to finish", contains(`msg="poll done"`))
	if code, body, _ := td.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the first poll = %d %q, want 200", code, body)
	}
	fs.hits.wait(t, 0, "a second poll answered 304", equals("/a.rss 304"))
	td.logs.wait(t, first+1, "the second poll to finish", contains(`msg="poll done"`))

	code, _, h := td.get(t, "/feed.atom")
	etag := h.Get("ETag")
	if code != http.StatusOK || etag == "" {
		t.Fatalf("/feed.atom = %d with ETag %q", code, etag)
	}
	if code, _, _ := td.get(t, "/feed.atom", "If-None-Match", etag); code != http.StatusNotModified {
		t.Errorf("conditional GET of /feed.atom = %d, want 304", code)
	}

	_, text, _ := td.get(t, "/metrics")
	checks := []struct {
		name   string
		labels map[string]string
		ok     func(float64) bool
		want   string
	}{
		{"aggregator_items_ingested_total", nil, func(v float64) bool { return v == 3 }, "3"},
		{"aggregator_stories", nil, func(v float64) bool { return v == 3 }, "3"},
		{"aggregator_story_members", map[string]string{"members": "1"}, func(v float64) bool { return v == 3 }, "3"},
		{"aggregator_fetch_not_modified_ratio", nil, func(v float64) bool { return v == 1 }, "1"},
		{"aggregator_fetch_http_status_total", map[string]string{"code": "200"}, func(v float64) bool { return v == 1 }, "1"},
		{"aggregator_fetch_http_status_total", map[string]string{"code": "304"}, func(v float64) bool { return v >= 1 }, ">= 1"},
		{"aggregator_feed_polls_total", map[string]string{"result": "not-modified"}, func(v float64) bool { return v >= 1 }, ">= 1"},
		{"aggregator_feed_poll_duration_seconds_count", map[string]string{"result": "ok"}, func(v float64) bool { return v == 1 }, "1"},
		{"aggregator_feed_consecutive_failures", map[string]string{"feed": "alpha"}, func(v float64) bool { return v == 0 }, "0"},
		{"aggregator_feed_last_success_timestamp_seconds", map[string]string{"feed": "alpha"}, func(v float64) bool { return v > 1.7e9 }, "a recent time"},
		{"aggregator_output_requests_total", map[string]string{"path": "/feed.atom", "code": "200"}, func(v float64) bool { return v == 1 }, "1"},
		{"aggregator_output_requests_total", map[string]string{"path": "/feed.atom", "code": "304"}, func(v float64) bool { return v == 1 }, "1"},
		{"aggregator_poll_cycles_total", map[string]string{"result": "ok"}, func(v float64) bool { return v >= 2 }, ">= 2"},
	}
	for _, c := range checks {
		v, found := metricValue(text, c.name, c.labels)
		if !found || !c.ok(v) {
			t.Errorf("%s%v = %v (found %v), want %s", c.name, c.labels, v, found, c.want)
		}
	}
}

// TestReloadRemovesFeed: after a reload that drops a feed, no poll
// requests it and /metrics no longer reports it.
func TestReloadRemovesFeed(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 1)))
	fs.set("/b.rss", rss("Beta", stories("beta", 1)))
	db := filepath.Join(t.TempDir(), "a.db")
	td := startDaemon(t, feedConfig(db, "@every 1s", "alpha", fs.url("/a.rss"), "beta", fs.url("/b.rss")), nil)
	fs.hits.wait(t, 0, "beta's first poll", equals("/b.rss 200"))

	writeFile(t, td.path, feedConfig(db, "@every 1s", "alpha", fs.url("/a.rss")))
	td.sigs <- syscall.SIGHUP
	r := td.logs.wait(t, 0, "the reload", contains(`msg="reloaded config" feeds=1`))
	td.logs.wait(t, r, "a poll to finish after the reload", contains(`msg="poll done"`))
	from := len(fs.hits.all())
	a := fs.hits.wait(t, from, "a poll of alpha", equals("/a.rss arrived"))
	fs.hits.wait(t, a+1, "another poll of alpha", equals("/a.rss arrived"))
	for _, h := range fs.hits.all()[from:] {
		if strings.HasPrefix(h, "/b.rss") {
			t.Errorf("the removed feed was requested after the reload: %s", h)
		}
	}
	_, text, _ := td.get(t, "/metrics")
	if _, found := metricValue(text, "aggregator_feed_consecutive_failures", map[string]string{"feed": "beta"}); found {
		t.Error("/metrics still reports the removed feed")
	}
	if _, found := metricValue(text, "aggregator_feed_consecutive_failures", map[string]string{"feed": "alpha"}); !found {
		t.Error("/metrics does not report the remaining feed")
	}
}
