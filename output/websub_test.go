package output

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// guard bounds waits for the background pinger; reaching it fails the test.
const guard = 10 * time.Second

// hub is a WebSub hub on loopback that reports each publish it receives.
func hub(t *testing.T, status int) (*httptest.Server, chan string) {
	t.Helper()
	got := make(chan string, 64)
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != "POST" || r.PostForm.Get("hub.mode") != "publish" {
			t.Errorf("hub got %s %v (%v)", r.Method, r.PostForm, err)
		}
		got <- r.PostForm.Get("hub.url")
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h, got
}

func receive(t *testing.T, got chan string, n int) []string {
	t.Helper()
	var out []string
	for len(out) < n {
		select {
		case u := <-got:
			out = append(out, u)
		case <-time.After(guard):
			t.Fatalf("hub received %d pings, want %d: %v", len(out), n, out)
		}
	}
	return out
}

func TestWebSubPublish(t *testing.T) {
	h, got := hub(t, http.StatusNoContent)
	opts := sampleOptions()
	opts.WebSubHub = h.URL
	opts.OnError = func(err error) { t.Errorf("OnError: %v", err) }
	s := NewServer(opts)
	defer s.Close()
	if _, err := update(s, sampleStories(), nil); err != nil {
		t.Fatal(err)
	}
	first := receive(t, got, 12) // 3 main feeds and 3 formats of 3 tags
	if !slices.Contains(first, "http://127.0.0.1:8080/feed.atom") || !slices.Contains(first, "http://127.0.0.1:8080/tags/coast.json") {
		t.Errorf("first pings: %v", first)
	}
	if changed, err := update(s, sampleStories(), nil); err != nil || changed {
		t.Fatalf("same input: changed %v err %v", changed, err)
	}
	stories := append(sampleStories(), story("s-ferry", base, member("northern-wire", "https://wire.example/a/7", "Ferry timetable changes", "", base)))
	if _, err := update(s, stories, nil); err != nil {
		t.Fatal(err)
	}
	next := receive(t, got, 6)
	slices.Sort(next)
	want := []string{"atom", "json", "rss"}
	for _, f := range []string{"atom", "json", "rss"} {
		want = append(want, "tags/wire."+f)
	}
	for i := range 3 {
		want[i] = "feed." + want[i]
	}
	for i := range want {
		want[i] = "http://127.0.0.1:8080/" + want[i]
	}
	if !slices.Equal(next, want) {
		t.Errorf("pings after a change to the wire feeds: %v, want %v (a ping for unchanged feeds leaked)", next, want)
	}
}

func TestWebSubFailureReported(t *testing.T) {
	h, got := hub(t, http.StatusInternalServerError)
	errs := make(chan error, 64)
	opts := Options{Link: "http://127.0.0.1:8080/", WebSubHub: h.URL, OnError: func(err error) { errs <- err }}
	s := NewServer(opts)
	defer s.Close()
	if _, err := update(s, sampleStories()[:1], nil); err != nil {
		t.Fatal(err)
	}
	receive(t, got, 1)
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "websub publish") || !strings.Contains(err.Error(), "500") {
			t.Errorf("error = %v", err)
		}
	case <-time.After(guard):
		t.Fatal("no error reported for a failing hub")
	}
}

func TestWebSubNeedsAbsoluteLink(t *testing.T) {
	h, _ := hub(t, http.StatusNoContent)
	errs := make(chan error, 64)
	s := NewServer(Options{WebSubHub: h.URL, OnError: func(err error) { errs <- err }})
	defer s.Close()
	if _, err := update(s, sampleStories()[:1], nil); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "not absolute") {
			t.Errorf("error = %v", err)
		}
	case <-time.After(guard):
		t.Fatal("relative feed URLs sent to the hub without an error")
	}
}

func TestWebSubCloseStopsPings(t *testing.T) {
	entered := make(chan struct{}, 8)
	release := make(chan struct{})
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leaving
		entered <- struct{}{}
		select { // a hub that never answers
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer h.Close()
	defer close(release)
	opts := Options{Link: "http://127.0.0.1:8080/", WebSubHub: h.URL, OnError: func(err error) {
		t.Errorf("OnError after Close: %v", err)
	}}
	s := NewServer(opts)
	if _, err := update(s, sampleStories(), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(guard):
		t.Fatal("hub never called")
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(guard):
		t.Fatal("Close did not stop a hanging ping")
	}
	if _, err := update(s, []news.Story{hostileStory()}, nil); err != nil {
		t.Fatal(err)
	}
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.hub.running || len(s.hub.pending) > 12 {
		t.Errorf("an Update after Close queued pings: running %v, %d pending", s.hub.running, len(s.hub.pending))
	}
}
