package output

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// newTestServer returns a Server updated with the fixtures and a clock the
// test moves.
func newTestServer(t *testing.T, opts Options) (*Server, *time.Time) {
	t.Helper()
	s := NewServer(opts)
	t.Cleanup(s.Close)
	now := base.Add(3 * time.Hour)
	s.now = func() time.Time { return now }
	if _, err := update(s, sampleStories(), sampleFeeds()); err != nil {
		t.Fatal(err)
	}
	return s, &now
}

func get(s http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestServeBeforeUpdate(t *testing.T) {
	s := NewServer(sampleOptions())
	defer s.Close()
	for _, p := range []string{"/", "/feed.rss", "/feed.atom", "/feed.json", "/tags/local.rss"} {
		w := get(s, "GET", p)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
			t.Errorf("%s before Update: %d Retry-After %q, want 503 and 5", p, w.Code, w.Header().Get("Retry-After"))
		}
	}
	if w := get(s, "GET", "/nothing"); w.Code != http.StatusNotFound {
		t.Errorf("/nothing: %d, want 404", w.Code)
	}
}

func TestServeHeaders(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	for _, c := range []struct{ path, ctype string }{
		{"/feed.rss", "application/rss+xml; charset=utf-8"},
		{"/feed.atom", "application/atom+xml; charset=utf-8"},
		{"/feed.json", "application/feed+json; charset=utf-8"},
		{"/tags/local.atom", "application/atom+xml; charset=utf-8"},
		{"/", "text/html; charset=utf-8"},
	} {
		w := get(s, "GET", c.path)
		h := w.Header()
		if w.Code != 200 || h.Get("Content-Type") != c.ctype || h.Get("Cache-Control") != "public, max-age=900" ||
			h.Get("Vary") != "Accept-Encoding" || !strings.HasPrefix(h.Get("ETag"), `"`) || h.Get("Last-Modified") == "" {
			t.Errorf("%s: %d %v", c.path, w.Code, h)
		}
	}
	h := get(s, "GET", "/").Header()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("page CSP = %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("page headers = %v", h)
	}
	for _, p := range []string{"/feed.xml", "/tags/nosuchtag.rss", "/tags/.rss", "/feed.rss/x"} {
		if w := get(s, "GET", p); w.Code != 404 {
			t.Errorf("%s: %d, want 404", p, w.Code)
		}
	}
	if w := get(s, "POST", "/feed.rss"); w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

func TestServeConditional(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	first := get(s, "GET", "/feed.atom")
	etag, lm := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	for _, c := range []struct{ name, key, val string }{
		{"If-None-Match", "If-None-Match", etag},
		{"If-None-Match list", "If-None-Match", `"other", ` + etag},
		{"If-Modified-Since", "If-Modified-Since", lm},
	} {
		w := get(s, "GET", "/feed.atom", c.key, c.val)
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
			t.Errorf("%s: %d, %d bytes, ETag %q", c.name, w.Code, w.Body.Len(), w.Header().Get("ETag"))
		}
	}
	if w := get(s, "GET", "/feed.atom", "If-None-Match", `"stale"`); w.Code != 200 {
		t.Errorf("stale ETag: %d, want 200", w.Code)
	}
	old, err := http.ParseTime(lm)
	if err != nil {
		t.Fatal(err)
	}
	if w := get(s, "GET", "/feed.atom", "If-Modified-Since", old.Add(-time.Second).Format(http.TimeFormat)); w.Code != 200 {
		t.Errorf("older If-Modified-Since: %d, want 200", w.Code)
	}
}

func TestUpdateChangesValidatorsOnlyWithBytes(t *testing.T) {
	s, now := newTestServer(t, sampleOptions())
	before := get(s, "GET", "/feed.rss")
	beforeTag := get(s, "GET", "/tags/wire.rss")
	*now = now.Add(time.Minute)
	changed, err := update(s, sampleStories(), sampleFeeds())
	if err != nil || changed {
		t.Fatalf("same input: changed %v err %v, want false nil", changed, err)
	}
	same := get(s, "GET", "/feed.rss")
	if same.Header().Get("ETag") != before.Header().Get("ETag") || same.Header().Get("Last-Modified") != before.Header().Get("Last-Modified") {
		t.Errorf("validators changed without a change of bytes")
	}
	stories := sampleStories()
	stories[1].Members = append(stories[1].Members, member("harbor-gazette", "https://gazette.example/bridge", "Bridge open", "", base.Add(6*time.Minute)))
	stories[1].Updated = base.Add(55 * time.Minute)
	if changed, err := update(s, stories, sampleFeeds()); err != nil || !changed {
		t.Fatalf("new member: changed %v err %v, want true nil", changed, err)
	}
	after := get(s, "GET", "/feed.rss", "If-None-Match", before.Header().Get("ETag"))
	if after.Code != 200 || after.Header().Get("ETag") == before.Header().Get("ETag") {
		t.Errorf("after a change: %d ETag %q", after.Code, after.Header().Get("ETag"))
	}
	if after.Header().Get("Last-Modified") == before.Header().Get("Last-Modified") {
		t.Errorf("Last-Modified did not move with the bytes")
	}
	if w := get(s, "GET", "/feed.rss", "If-Modified-Since", before.Header().Get("Last-Modified")); w.Code != 200 {
		t.Errorf("If-Modified-Since of the old version: %d, want 200", w.Code)
	}
	if get(s, "GET", "/tags/wire.rss").Header().Get("ETag") != beforeTag.Header().Get("ETag") {
		t.Errorf("an untouched tag feed changed its ETag")
	}
	for _, f := range Formats {
		var ids []string
		for _, id := range []string{"s-lighthouse", "s-bridge", "s-market"} {
			if strings.Contains(get(s, "GET", "/feed."+f).Body.String(), storyURN(id)) {
				ids = append(ids, id)
			}
		}
		if len(ids) != 3 {
			t.Errorf("%s: stable ids after the update: found %v", f, ids)
		}
	}
}

func TestLastModifiedAlwaysMoves(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions()) // the clock stands still
	lm := get(s, "GET", "/feed.json").Header().Get("Last-Modified")
	if _, err := update(s, sampleStories()[:1], nil); err != nil {
		t.Fatal(err)
	}
	if w := get(s, "GET", "/feed.json", "If-Modified-Since", lm); w.Code != 200 {
		t.Errorf("change within the same second: If-Modified-Since answered %d", w.Code)
	}
}

func TestServeGzip(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	for _, p := range []string{"/feed.rss", "/feed.json", "/"} {
		plain := get(s, "GET", p)
		zipped := get(s, "GET", p, "Accept-Encoding", "br;q=1.0, gzip;q=0.8")
		if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
			t.Fatalf("%s: Content-Encoding %q ETag %q (plain %q)", p, zipped.Header().Get("Content-Encoding"), zipped.Header().Get("ETag"), plain.Header().Get("ETag"))
		}
		zr, err := gzip.NewReader(zipped.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain.Body.Bytes()) {
			t.Errorf("%s: gunzipped body differs from the plain one", p)
		}
		nm := get(s, "GET", p, "Accept-Encoding", "gzip", "If-None-Match", zipped.Header().Get("ETag"))
		if nm.Code != 304 {
			t.Errorf("%s: gzip ETag revalidation answered %d", p, nm.Code)
		}
	}
	if w := get(s, "GET", "/feed.rss", "Accept-Encoding", "gzip;q=0, identity"); w.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got gzip")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false,
		"*": true, "*;q=0": false, "gzip;q=0, *": false, "br": false, "x-gzip": true, "gzip;q=nonsense": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestServeHead(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	for _, enc := range []string{"", "gzip"} {
		g := get(s, "GET", "/feed.atom", "Accept-Encoding", enc)
		h := get(s, "HEAD", "/feed.atom", "Accept-Encoding", enc)
		if h.Code != 200 || h.Body.Len() != 0 {
			t.Errorf("HEAD %q: %d with %d bytes", enc, h.Code, h.Body.Len())
		}
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "ETag", "Last-Modified", "Cache-Control", "Vary"} {
			if h.Header().Get(k) != g.Header().Get(k) {
				t.Errorf("HEAD %q: %s = %q, GET has %q", enc, k, h.Header().Get(k), g.Header().Get(k))
			}
		}
		if enc == "" && g.Header().Get("Content-Length") != strconv.Itoa(g.Body.Len()) {
			t.Errorf("Content-Length %q for %d bytes", g.Header().Get("Content-Length"), g.Body.Len())
		}
	}
}

func TestTagFeeds(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	for tag, want := range map[string][]string{
		"coast": {"s-lighthouse", "s-market"},
		"local": {"s-lighthouse", "s-bridge", "s-market"},
		"wire":  {"s-lighthouse", "s-market"},
	} {
		j := decodeJSON(t, get(s, "GET", "/tags/"+tag+".json").Body.Bytes())
		var got []string
		for _, it := range j.Items {
			got = append(got, strings.TrimPrefix(it.ID, "urn:aggregator:story:"))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("tag %s: %v, want %v", tag, got, want)
		}
		if j.FeedURL != "http://127.0.0.1:8080/tags/"+tag+".json" {
			t.Errorf("tag %s: feed_url %q", tag, j.FeedURL)
		}
	}
	opts := sampleOptions()
	opts.MaxItems = 1
	s.SetOptions(opts)
	if _, err := update(s, sampleStories(), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(decodeJSON(t, get(s, "GET", "/tags/local.json").Body.Bytes()).Items); n != 1 {
		t.Errorf("MaxItems 1: tag feed has %d items", n)
	}
}

func TestObserve(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	opts := sampleOptions()
	opts.Observe = func(route string, status int) {
		mu.Lock()
		defer mu.Unlock()
		seen[route+" "+http.StatusText(status)]++
	}
	s, _ := newTestServer(t, opts)
	etag := get(s, "GET", "/tags/coast.rss").Header().Get("ETag")
	get(s, "GET", "/tags/coast.rss", "If-None-Match", etag)
	get(s, "GET", "/wp-admin")
	want := map[string]int{"/tags/{tag}.rss OK": 1, "/tags/{tag}.rss Not Modified": 1, "other Not Found": 1}
	mu.Lock()
	defer mu.Unlock()
	for k, n := range want {
		if seen[k] != n {
			t.Errorf("observed %v, want %v", seen, want)
			break
		}
	}
}

func TestConcurrentServeAndUpdate(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 50 {
				if w := get(s, "GET", "/feed.json", "Accept-Encoding", "gzip"); w.Code != 200 {
					t.Errorf("reader %d: %d", i, w.Code)
					return
				}
			}
		})
	}
	for i := range 20 {
		st := sampleStories()
		st[0].Updated = st[0].Updated.Add(time.Duration(i) * time.Second)
		if _, err := update(s, st, []news.FeedState{}); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}

func TestSetOptions(t *testing.T) {
	s, _ := newTestServer(t, sampleOptions())
	opts := sampleOptions()
	opts.Title = "Renamed"
	opts.MaxAge = time.Minute
	var observed int
	opts.Observe = func(string, int) { observed++ }
	s.SetOptions(opts)
	if !strings.Contains(get(s, "GET", "/feed.rss").Body.String(), "Merged News") {
		t.Errorf("SetOptions took effect before the next Update")
	}
	changed, err := update(s, sampleStories(), sampleFeeds())
	if err != nil || !changed {
		t.Fatalf("new title: changed %v err %v", changed, err)
	}
	w := get(s, "GET", "/feed.rss")
	if !strings.Contains(w.Body.String(), "<title>Renamed</title>") || w.Header().Get("Cache-Control") != "public, max-age=60" || observed != 1 {
		t.Errorf("after Update: title missing, Cache-Control %q, observed %d", w.Header().Get("Cache-Control"), observed)
	}
	opts.MaxAge = time.Minute // only a hook changes: the bytes stay, the hook is used
	var again int
	opts.Observe = func(string, int) { again++ }
	s.SetOptions(opts)
	if changed, err := update(s, sampleStories(), sampleFeeds()); err != nil || changed {
		t.Fatalf("same input, new hook: changed %v err %v", changed, err)
	}
	get(s, "GET", "/")
	if again != 1 || observed != 1 {
		t.Errorf("new Observe hook not used: old %d new %d", observed, again)
	}
}
