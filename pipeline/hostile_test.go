package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// Limits of the client in the hostile suite: small, so that every attack
// hits one quickly.
const (
	hostileTimeout  = 2 * time.Second
	hostileMaxBody  = 12 << 20
	hostileMaxItems = 500
)

// hostileOptions is the fetch configuration of the suite: the real client
// with short limits and no spacing between requests to the one loopback
// host every feed lives on.
func hostileOptions() fetch.Options {
	return fetch.Options{Timeout: hostileTimeout, MaxBodyBytes: hostileMaxBody, MaxItems: hostileMaxItems,
		Concurrency: 8, PerHost: 8, HostDelay: -1}
}

// hostileCase is one misbehaving server. Exactly one of wantErr and
// wantItems says what the poll must make of it.
type hostileCase struct {
	name    string
	handler http.HandlerFunc
	// wantErr is a substring of the feed's error (any of the |-separated
	// alternatives); "" when the feed must succeed.
	wantErr string
	// wantItems is how many items must be stored from the feed when it
	// succeeds; check, when set, inspects them.
	wantItems int
	check     func(t *testing.T, items []news.StoredItem)
	// maxHeap bounds the peak growth of the heap in use during the poll.
	maxHeap uint64
}

func hostileCases() []hostileCase {
	const mib = 1 << 20
	return []hostileCase{
		{name: "drip one byte a second", handler: drip, wantErr: "deadline exceeded|Timeout", maxHeap: 64 * mib},
		{name: "body never ends", handler: endless, wantErr: "deadline exceeded|Timeout|body exceeds", maxHeap: 256 * mib},
		{name: "gzip bomb", handler: gzipBomb(), wantErr: "body exceeds", maxHeap: 128 * mib},
		{name: "redirect loop", handler: redirectLoop, wantErr: "redirect loop", maxHeap: 32 * mib},
		{name: "redirect to a local file", handler: redirectToFile, wantErr: "unsupported URL", maxHeap: 32 * mib},
		{name: "50 MB feed", handler: bigFeed(50 << 20), wantErr: "body exceeds", maxHeap: 128 * mib},
		{name: "100000 items", handler: manyItems(100_000), wantItems: hostileMaxItems, maxHeap: 384 * mib},
		{name: "invalid UTF-8", handler: invalidUTF8, wantItems: 3, check: validText, maxHeap: 32 * mib},
		{name: "billion laughs", handler: billionLaughs, wantItems: 1, check: smallText, maxHeap: 64 * mib},
		{name: "external entity", handler: externalEntity, wantItems: 1, check: noSecrets, maxHeap: 32 * mib},
		{name: "10 MB single line", handler: longLine(10 << 20), wantItems: 2, check: longBody(10 << 20), maxHeap: 384 * mib},
		{name: "wrong Content-Type", handler: wrongType, wantItems: 3, maxHeap: 32 * mib},
		{name: "HTML page instead of a feed", handler: htmlPage, wantErr: "not an RSS, Atom or JSON feed", maxHeap: 32 * mib},
		{name: "JSON Feed with wrong types", handler: jsonWrongTypes, wantItems: 3, check: validText, maxHeap: 32 * mib},
	}
}

// TestHostileServers polls each misbehaving server together with two good
// feeds through the real fetch client, pipeline and store. Each poll must
// end in bounded time and heap with a clear error or a correct partial
// result, and the good feeds must be stored in full.
func TestHostileServers(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(hostileMux(tc.handler))
			defer srv.Close()
			db := openStore(t, filepath.Join(t.TempDir(), "h.db"))
			feeds := []news.Feed{{Name: "good-a", URL: srv.URL + "/good/a"}, {Name: "hostile", URL: srv.URL + "/hostile"}, {Name: "good-b", URL: srv.URL + "/good/b"}}
			p := hostilePipeline(t, db, fetch.NewClient(hostileOptions()), feeds)

			var rep *Report
			start := time.Now()
			peak, alloc := measureHeap(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var err error
				if rep, err = p.Poll(ctx, p.set, PollOptions{}); err != nil {
					t.Errorf("Poll: %v", err)
				}
			})
			took := time.Since(start)
			t.Logf("took %v, peak heap growth %.1f MiB, allocated %.1f MiB", took.Round(time.Millisecond), mib(peak), mib(alloc))
			if rep == nil {
				t.FailNow()
			}
			if budget := pollBudget(); took > budget {
				t.Errorf("poll took %v, bound %v (fetch timeout %v)", took, budget, hostileTimeout)
			}
			if peak > tc.maxHeap {
				t.Errorf("heap grew by %.1f MiB during the poll, bound %.1f MiB", mib(peak), mib(tc.maxHeap))
			}
			checkGoodFeeds(t, db, rep, srv.URL)
			checkHostileOutcome(t, db, rep.Feeds[1], tc)
		})
	}
}

// pollBudget bounds the time of one poll: the fetch timeout plus time to
// parse and dedupe the largest documents, five times more under the race
// detector.
func pollBudget() time.Duration {
	d := 2*hostileTimeout + 6*time.Second
	if raceEnabled {
		d *= 5
	}
	return d
}

// hostilePipeline builds a pipeline over the real store and client.
func hostilePipeline(t *testing.T, db *store.DB, f Fetcher, feeds []news.Feed) *testPipe {
	t.Helper()
	p := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &testPipe{Pipeline: p, set: &Settings{Feeds: feeds, Window: 72 * time.Hour, Fetcher: f}}
}

// hostileMux serves the two good feeds and the hostile handler (under
// /hostile, and /loop for the redirect loop).
func hostileMux(h http.HandlerFunc) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/good/{feed}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, goodFeed(r.PathValue("feed")))
	})
	mux.HandleFunc("/hostile", h)
	mux.HandleFunc("/loop/{n}", h)
	return mux
}

// goodFeed is a well-formed feed of three distinct stories.
func goodFeed(name string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Good ` + name + `</title><link>https://good.example/</link>`)
	topics := []string{"harbour pier closure vote", "apple harvest frost damage", "tram line extension opening"}
	for i, topic := range topics {
		fmt.Fprintf(&b, `<item><guid>%s-%d</guid><link>https://good.example/%s/%d</link><title>Story %d from %s about the %s</title>`+
			`<description>&lt;p&gt;Feed %s reports on the %s in a paragraph written only for story %d of this feed.&lt;/p&gt;</description>`+
			`<pubDate>Mon, 02 Nov 2026 10:0%d:00 GMT</pubDate></item>`, name, i, name, i, i, name, topic, name, topic, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// checkGoodFeeds fails unless both good feeds were polled and all their
// items stored.
func checkGoodFeeds(t *testing.T, db *store.DB, rep *Report, base string) {
	t.Helper()
	for _, i := range []int{0, 2} {
		fr := rep.Feeds[i]
		if fr.Status != StatusOK || fr.New != 3 {
			t.Errorf("good feed %s: status %s, %d new, err %v; want ok with 3 new", fr.Name, fr.Status, fr.New, fr.Err)
		}
		name := strings.TrimPrefix(fr.Name, "good-")
		for j := range 3 {
			link := fmt.Sprintf("https://good.example/%s/%d", name, j)
			if _, err := db.ItemByLink(context.Background(), link); err != nil {
				t.Errorf("good item %s not stored: %v", link, err)
			}
		}
	}
}

// checkHostileOutcome checks the hostile feed's report and stored items
// against the case's expectation.
func checkHostileOutcome(t *testing.T, db *store.DB, fr FeedReport, tc hostileCase) {
	t.Helper()
	items := storedItems(t, db, "hostile")
	if tc.wantErr != "" {
		if fr.Status != StatusFailed || fr.Err == nil || !containsAny(fr.Err.Error(), tc.wantErr) {
			t.Errorf("hostile feed: status %s, err %v; want failed with %q", fr.Status, fr.Err, tc.wantErr)
		}
		if len(items) != 0 {
			t.Errorf("failed feed stored %d items", len(items))
		}
	} else {
		if fr.Status != StatusOK || fr.Err != nil || len(items) != tc.wantItems {
			t.Errorf("hostile feed: status %s, err %v, %d items stored; want ok with %d", fr.Status, fr.Err, len(items), tc.wantItems)
		}
	}
	if tc.check != nil {
		tc.check(t, items)
	}
}

func containsAny(s, alternatives string) bool {
	for alt := range strings.SplitSeq(alternatives, "|") {
		if strings.Contains(s, alt) {
			return true
		}
	}
	return false
}

// storedItems returns every stored item of feed.
func storedItems(t *testing.T, db *store.DB, feed string) []news.StoredItem {
	t.Helper()
	ss, err := db.Stories(context.Background(), news.StoryQuery{})
	if err != nil {
		t.Fatalf("Stories: %v", err)
	}
	var out []news.StoredItem
	for _, s := range ss {
		for _, m := range s.Members {
			if m.Feed == feed {
				out = append(out, m)
			}
		}
	}
	return out
}

// measureHeap runs fn and returns the peak growth of the heap in use while
// it ran (sampled every millisecond, and at the end) and the bytes it
// allocated in total.
func measureHeap(fn func()) (peak, total uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		mu   sync.Mutex
		high = before.HeapInuse
	)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		high = max(high, m.HeapInuse)
		mu.Unlock()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	fn()
	close(stop)
	<-done
	sample()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return high - before.HeapInuse, after.TotalAlloc - before.TotalAlloc
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// --- the hostile servers ---

// drip sends a feed one byte a second until the client goes away.
func drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	rc := http.NewResponseController(w)
	doc := goodFeed("drip")
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := 0; i < len(doc); i++ {
		if _, err := w.Write([]byte{doc[i]}); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// endless starts a feed and then sends items for ever, a few kilobytes
// every few milliseconds, until the client goes away.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	rc := http.NewResponseController(w)
	io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Endless</title>`)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		if _, err := fmt.Fprintf(w, `<item><guid>e-%d</guid><title>Endless %d</title><description>%s</description></item>`, i, i, strings.Repeat("more ", 400)); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// gzipBomb serves 1 GiB of zeros compressed to about a megabyte, labelled
// as gzip: 1024 gzip members of 1 MiB of zeros each, which a gzip reader
// reads as one stream.
func gzipBomb() http.HandlerFunc {
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := zw.Write(make([]byte, 1<<20)); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	bomb := bytes.Repeat(member.Bytes(), 1<<10)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	}
}

// redirectLoop sends /hostile to /loop/1, /loop/1 to /loop/2 and /loop/2
// back to /loop/1.
func redirectLoop(w http.ResponseWriter, r *http.Request) {
	next := "/loop/1"
	if r.PathValue("n") == "1" {
		next = "/loop/2"
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// redirectToFile sends the client to a file on its own disk.
func redirectToFile(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Location", "file:///etc/passwd")
	w.WriteHeader(http.StatusMovedPermanently)
}

// bigFeed serves a well-formed feed of size bytes, streamed.
func bigFeed(size int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>`)
		item := `<item><title>Big</title><description>` + strings.Repeat("x", 64<<10) + `</description></item>`
		for sent := 0; sent < size; sent += len(item) {
			if _, err := io.WriteString(w, item); err != nil {
				return
			}
		}
		io.WriteString(w, `</channel></rss>`)
	}
}

// manyItems serves a feed of n small items.
func manyItems(n int) http.HandlerFunc {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>`)
	for i := range n {
		fmt.Fprintf(&b, `<item><guid>m-%d</guid><link>https://many.example/%d</link><title>Item %d</title></item>`, i, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return serveRSS(b.String())
}

// invalidUTF8 serves a feed that claims UTF-8 and carries broken bytes in
// every text field.
func invalidUTF8(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bad `+"\xff\xfe"+`</title>`)
	for i := range 3 {
		fmt.Fprintf(w, "<item><guid>u-%d\xc3</guid><link>https://utf.example/%d</link><title>Broken \xe2\x82 title %d \xed\xa0\x80</title>"+
			"<description>Body \xc0\xaf with overlong and \xf8\x88\x80\x80\x80 bytes %d</description><author>\xff</author></item>", i, i, i, i)
	}
	io.WriteString(w, `</channel></rss>`)
}

// billionLaughs serves the classic exponential entity expansion.
func billionLaughs(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString(`]><rss version="2.0"><channel><title>&lol9;</title><item><guid>lol</guid><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`)
	io.WriteString(w, b.String())
}

// externalEntity tries to read a local file through an external entity.
func externalEntity(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`+
		`<rss version="2.0"><channel><title>x</title><item><guid>xxe</guid><title>&xxe;</title><description>&xxe;</description></item></channel></rss>`)
}

// longLine serves a feed on one line of more than size bytes: one item
// whose body is a single huge paragraph, and one ordinary item.
func longLine(size int) http.HandlerFunc {
	words := []string{"harbour", "board", "tram", "orchard", "frost", "ferry", "council", "budget"}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title><item><guid>long</guid><title>Long</title><description>`)
	for i := 0; b.Len() < size; i++ {
		b.WriteString(words[i*7%len(words)])
		b.WriteString(words[i%len(words)][:3])
		b.WriteByte(' ')
	}
	b.WriteString(`</description></item><item><guid>short</guid><title>Short</title><description>Short body.</description></item></channel></rss>`)
	return serveRSS(b.String())
}

// wrongType serves an Atom feed as a PNG image.
func wrongType(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/png")
	io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Typed wrong</title><id>urn:x</id><updated>2026-11-02T10:00:00Z</updated>`)
	for i := range 3 {
		fmt.Fprintf(w, `<entry><id>urn:w:%d</id><title>Entry %d</title><link href="https://wrong.example/%d"/><updated>2026-11-02T10:0%d:00Z</updated><content type="html">&lt;p&gt;Body %d&lt;/p&gt;</content></entry>`, i, i, i, i, i)
	}
	io.WriteString(w, `</feed>`)
}

// htmlPage serves an ordinary web page where a feed was expected.
func htmlPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, `<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>No feed here.</p></body></html>`)
}

// jsonWrongTypes serves a JSON Feed whose fields have the wrong types.
func jsonWrongTypes(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/feed+json")
	io.WriteString(w, `{"version":"https://jsonfeed.org/version/1.1","title":["not","a","string"],"items":[`+
		`{"id":1,"url":"https://json.example/1","title":"One","content_html":"<p>One</p>","tags":"single","date_published":20261102},`+
		`{"id":2.5,"url":"https://json.example/2","title":{"text":"Two"},"content_text":["a","b"],"authors":"Ann"},`+
		`{"id":"three","url":"https://json.example/3","title":"Three","content_html":"<p>Three \ud800</p>","image":false}]}`)
}

// --- checks on stored items ---

// validText fails on stored text that is not valid UTF-8 or holds NULs.
func validText(t *testing.T, items []news.StoredItem) {
	t.Helper()
	for _, it := range items {
		for _, s := range []string{it.GUID, it.Link, it.Title, it.Content, it.Summary, it.Author, it.CleanHTML} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Errorf("item %s: stored text %q is not valid UTF-8", it.ID, s)
			}
		}
	}
}

// smallText fails when an entity was expanded into a large text.
func smallText(t *testing.T, items []news.StoredItem) {
	t.Helper()
	for _, it := range items {
		if n := len(it.Title) + len(it.Content) + len(it.Summary); n > 64<<10 {
			t.Errorf("item %s holds %d bytes: an entity was expanded", it.ID, n)
		}
		t.Logf("stored: title %q, body %q", it.Title, it.Body())
	}
}

// noSecrets fails when a local file's content reached an item.
func noSecrets(t *testing.T, items []news.StoredItem) {
	t.Helper()
	for _, it := range items {
		if strings.Contains(it.Title+it.Content+it.Summary, "root:") {
			t.Errorf("item %s holds /etc/passwd", it.ID)
		}
	}
}

// longBody checks that the long item was stored whole.
func longBody(size int) func(t *testing.T, items []news.StoredItem) {
	return func(t *testing.T, items []news.StoredItem) {
		t.Helper()
		for _, it := range items {
			if it.GUID == "long" && len(it.Body()) < size-256 {
				t.Errorf("long item stored with %d bytes, want at least %d", len(it.Body()), size-256)
			}
		}
	}
}

// serveRSS answers every request with doc as RSS.
func serveRSS(doc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, doc)
	}
}
