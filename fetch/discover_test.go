package fetch

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func TestFeedLinks(t *testing.T) {
	const base = "https://news.example/section/page.html"
	tests := []struct {
		name, page string
		want       []string
	}{
		{"rss, relative", `<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>`,
			[]string{"https://news.example/feed.xml"}},
		{"atom, path-relative", `<link rel="alternate" type="application/atom+xml" href="atom.xml">`,
			[]string{"https://news.example/section/atom.xml"}},
		{"json feed, protocol-relative", `<link rel=alternate type=application/feed+json href=//cdn.example/f.json>`,
			[]string{"https://cdn.example/f.json"}},
		{"absolute, self-closing, case and parameters", `<LINK REL="Alternate" TYPE="Application/RSS+XML; charset=utf-8" HREF="http://other.example/rss" />`,
			[]string{"http://other.example/rss"}},
		{"rel with several tokens", `<link rel="feed alternate" type="application/atom+xml" href="/a">`,
			[]string{"https://news.example/a"}},
		{"page order, duplicates once", `<link rel="alternate" type="application/rss+xml" href="/main.rss">
			<link rel="alternate" type="application/rss+xml" href="/comments.rss">
			<link rel="alternate" type="application/rss+xml" href="https://news.example/main.rss">`,
			[]string{"https://news.example/main.rss", "https://news.example/comments.rss"}},
		{"plain json after the feeds", `<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/7">
			<link rel="alternate" type="application/rss+xml" href="/feed/">`,
			[]string{"https://news.example/feed/", "https://news.example/wp-json/wp/v2/pages/7"}},
		{"base href", `<head><base href="https://mirror.example/news/"><link rel="alternate" type="application/rss+xml" href="rss.xml"></head>`,
			[]string{"https://mirror.example/news/rss.xml"}},
		{"link in the body", `<body><p>Subscribe</p><link rel="alternate" type="application/atom+xml" href="/b.atom"></body>`,
			[]string{"https://news.example/b.atom"}},
		{"fragment dropped", `<link rel="alternate" type="application/rss+xml" href="/f.xml#top">`,
			[]string{"https://news.example/f.xml"}},
		{"not alternate", `<link rel="stylesheet" type="application/rss+xml" href="/x"><link type="application/rss+xml" href="/y">`, nil},
		{"other types", `<link rel="alternate" type="text/html" hreflang="fr" href="/fr/"><link rel="alternate" type="application/json+oembed" href="/oembed">`, nil},
		{"no href, empty href, bad scheme", `<link rel="alternate" type="application/rss+xml">
			<link rel="alternate" type="application/rss+xml" href="  ">
			<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
			<link rel="alternate" type="application/rss+xml" href="ftp://files.example/feed">`, nil},
		{"inside a comment or script", `<!-- <link rel="alternate" type="application/rss+xml" href="/c"> -->
			<script>document.write('<link rel="alternate" type="application/rss+xml" href="/s">')</script>`, nil},
		{"not html", `{"version": "https://jsonfeed.org/version/1.1"}`, nil},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FeedLinks([]byte(tt.page), base); !slices.Equal(got, tt.want) {
				t.Errorf("FeedLinks = %q, want %q", got, tt.want)
			}
		})
	}
}

// pageSite serves an HTML page at / linking its feed, the feed, and counts
// requests by path.
type pageSite struct {
	mu   sync.Mutex
	hits map[string]int
}

func (s *pageSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func newPageSite(t *testing.T, page string, feeds map[string]string) (*pageSite, string) {
	s := &pageSite{hits: map[string]int{}}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
			return
		}
		body, ok := feeds[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte(body))
	})
	return s, srv.URL
}

// TestFetchDiscoversFeed: a feed URL that gives an HTML page linking its
// feed polls that feed instead, says so (Discovered, Rewritten), and keeps
// the feed's URL and validators in the state, so the next poll asks the
// feed directly and gets a 304 (issue 19 #8).
func TestFetchDiscoversFeed(t *testing.T) {
	page := `<!doctype html><html><head><title>Courier</title>
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
<link rel="alternate" type="application/rss+xml" title="Courier" href="/news/feed.xml">
</head><body><p>Read the news.</p></body></html>`
	site, base := newPageSite(t, page, map[string]string{"/news/feed.xml": rssFeed(3, "")})
	c := newTestClient(Options{})
	res := c.Fetch(context.Background(), news.FeedState{Name: "courier", URL: base + "/", ConfigURL: base + "/"}, testNow)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if !res.Discovered || res.Rewritten != base+"/" || res.State.URL != base+"/news/feed.xml" || res.State.ConfigURL != base+"/" {
		t.Errorf("discovered %v, rewritten %q, state URL %q (config %q)", res.Discovered, res.Rewritten, res.State.URL, res.State.ConfigURL)
	}
	if len(res.Items) != 3 || res.State.ETag != `"v1"` || res.State.Failures != 0 {
		t.Errorf("%d items, ETag %q, failures %d", len(res.Items), res.State.ETag, res.State.Failures)
	}
	again := c.Fetch(context.Background(), res.State, testNow.Add(time.Hour))
	if again.Err != nil || !again.NotModified || again.Discovered {
		t.Errorf("second poll: err %v, not modified %v, discovered %v", again.Err, again.NotModified, again.Discovered)
	}
	if site.count("/") != 1 || site.count("/news/feed.xml") != 2 || site.count("/wp-json/wp/v2/pages/2") != 0 {
		t.Errorf("requests: page %d, feed %d, json %d", site.count("/"), site.count("/news/feed.xml"), site.count("/wp-json/wp/v2/pages/2"))
	}
}

// TestFetchDiscoveryFails: a page that links no feed stays ErrNotFeed; one
// whose linked feeds fail is a failure naming the page and each link.
func TestFetchDiscoveryFails(t *testing.T) {
	c := newTestClient(Options{})
	_, base := newPageSite(t, `<html><head><title>No feed here</title></head></html>`, nil)
	res := c.Fetch(context.Background(), news.FeedState{Name: "plain", URL: base + "/"}, testNow)
	if !errors.Is(res.Err, ErrNotFeed) || res.Discovered || res.State.Failures != 1 {
		t.Errorf("a page without feed links: err %v, discovered %v, failures %d", res.Err, res.Discovered, res.State.Failures)
	}
	page := `<link rel="alternate" type="application/rss+xml" href="/gone.xml"><link rel="alternate" type="application/atom+xml" href="/page.html">`
	_, base = newPageSite(t, page, map[string]string{"/page.html": "<html><body>not a feed</body></html>"})
	res = c.Fetch(context.Background(), news.FeedState{Name: "broken", URL: base + "/"}, testNow)
	if res.Err == nil || res.Discovered || res.State.URL != base+"/" || res.State.Failures != 1 {
		t.Fatalf("broken links: err %v, discovered %v, URL %q, failures %d", res.Err, res.Discovered, res.State.URL, res.State.Failures)
	}
	msg := res.Err.Error()
	for _, want := range []string{"fetch broken: " + base + "/ is an HTML page", "/gone.xml: status 404", "/page.html: parse feed: not an RSS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Count(msg, "fetch broken") != 1 {
		t.Errorf("error %q names the feed more than once", msg)
	}
}
