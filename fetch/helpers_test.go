package fetch

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNow is the fixed "now" of the tests: times in states derive from it.
var testNow = time.Date(2031, 3, 14, 9, 30, 0, 0, time.UTC)

// rssFeed returns an RSS 2.0 feed of n fictional items; extra goes into
// the channel element.
func rssFeed(n int, extra string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<rss version="2.0"><channel><title>Lantern Valley Courier</title>`)
	b.WriteString(`<link>https://courier.example/</link>` + extra)
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Ferry timetable change %d</title>`+
			`<link>https://courier.example/news/%d?utm_source=rss</link>`+
			`<guid>courier-%d</guid><pubDate>Mon, 02 Jun 2031 10:%02d:00 GMT</pubDate>`+
			`<description>&lt;p&gt;The harbour board said sailing %d moves by ten minutes.&lt;/p&gt;</description>`+
			`<category>Transport</category></item>`, i, i, i, i%60, i)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// newTestClient returns a client for tests: no host spacing unless opts
// asks for it.
func newTestClient(opts Options) *Client {
	if opts.HostDelay == 0 {
		opts.HostDelay = -1
	}
	return NewClient(opts)
}

// serve starts an httptest server with h and closes it when the test ends.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// watchHosts makes c's host limiter report its changes on the returned
// channel (a buffered signal: one pending change is enough to look again).
func watchHosts(c *Client) <-chan struct{} {
	ch := make(chan struct{}, 1)
	c.hosts.changed = func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	return ch
}

// waitFor waits until cond holds, looking again at each change signalled
// on changed; it fails the test after ten seconds without it.
func waitFor(t *testing.T, what string, changed <-chan struct{}, cond func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// fakeClock is a clock whose After returns at once, advancing the time to
// the end of the wait.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- f.now
	return ch
}
