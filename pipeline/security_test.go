package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/internal/htmlcheck"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/store"
)

// attacks are HTML bodies meant to run script or style in a reader of our
// feeds or page, each in a different way.
var attacks = []string{
	`<p>Intro</p><script>alert('script')</script>`,
	`<img src="x" onerror="alert('onerror')"><div onmouseover=alert(1)>hover</div>`,
	`<a href="javascript:alert('js')">a</a><a href=" JaVaScRiPt:alert(2)">b</a><a href="java&#x09;script:alert(3)">c</a>`,
	`<p style="width:expression(alert('css'))">x</p><style>body{background:url(javascript:alert(4))}</style>`,
	`<svg onload="alert('svg')"><script>alert(5)</script><a xlink:href="javascript:alert(6)">s</a></svg>`,
	`]]><script>alert('cdata')</script><![CDATA[ x ]]>`,
	`"><script>alert('attr')</script><img src=x onerror=alert(7)//`,
	`<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">`,
	`<form action="https://evil.example/"><button formaction="javascript:alert(8)">go</button></form>`,
	`<a href="data:text/html,<script>alert(9)</script>">d</a><meta http-equiv="refresh" content="0;url=javascript:alert(10)">`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(11)></style></mglyph></table></mtext></math>`,
	`<!--<img src="--><img src=x onerror=alert(12)//">`,
}

// hostileRSS carries every attack as an escaped description, in a CDATA
// section of content:encoded, and as title and link.
func hostileRSS() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Hostile RSS</title><link>https://hostile.example/</link>`)
	for i, a := range attacks {
		fmt.Fprintf(&b, `<item><guid>rss-%d</guid><link>https://hostile.example/rss/%d</link><title>%s headline %d</title>`+
			`<description>%s</description><content:encoded><![CDATA[<p>Story %d about the ferry timetable.</p>%s]]></content:encoded></item>`,
			i, i, xmlEscape(a), i, xmlEscape(a), i, strings.ReplaceAll(a, "]]>", "]]]]><![CDATA[>"))
	}
	fmt.Fprintf(&b, `<item><guid>rss-link</guid><link>javascript:alert('link')</link><title>Link attack</title><description>plain</description></item>`)
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// hostileAtom carries the attacks as inline XHTML and as escaped HTML.
func hostileAtom() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile Atom</title><id>urn:hostile</id><updated>2026-11-20T09:00:00Z</updated>`)
	b.WriteString(`<entry><id>urn:hostile:xhtml</id><title type="html">&lt;b onmouseover=alert(1)&gt;Bold&lt;/b&gt;</title><link href="https://hostile.example/atom/x"/><updated>2026-11-20T09:00:00Z</updated>` +
		`<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p onclick="alert('x')">Tap</p><svg xmlns="http://www.w3.org/2000/svg"><script>alert('svg')</script></svg><a href="javascript:alert(1)">j</a></div></content></entry>`)
	for i, a := range attacks {
		fmt.Fprintf(&b, `<entry><id>urn:hostile:%d</id><title>Atom %d on the orchard frost</title><link href="https://hostile.example/atom/%d"/><updated>2026-11-20T09:%02d:00Z</updated><content type="html">%s</content></entry>`,
			i, i, i, i, xmlEscape(a))
	}
	b.WriteString(`</feed>`)
	return b.String()
}

// hostileJSON carries the attacks in content_html and a script URL.
func hostileJSON() string {
	type item struct {
		ID      string `json:"id"`
		URL     string `json:"url"`
		Title   string `json:"title"`
		Content string `json:"content_html"`
	}
	f := struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Items   []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: "Hostile JSON"}
	for i, a := range attacks {
		f.Items = append(f.Items, item{ID: fmt.Sprint("json-", i), URL: fmt.Sprintf("https://hostile.example/json/%d", i),
			Title: fmt.Sprintf("<img src=x onerror=alert(%d)>JSON %d on the tram line", i, i), Content: a})
	}
	f.Items = append(f.Items, item{ID: "json-link", URL: "javascript:alert('u')", Title: "u", Content: "<p>u</p>"})
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		panic(err)
	}
	return b.String()
}

// TestHostileFeedsCannotReachReaders serves hostile RSS, Atom and JSON
// feeds, polls them through the real client, pipeline and store, serves
// the result through output.Server, and parses every format and the page
// as a reader would: no script, event handler, style or script URL may
// survive, no element may be injected into the XML, and the page must be
// sent with a restrictive CSP.
func TestHostileFeedsCannotReachReaders(t *testing.T) {
	docs := map[string]string{"/rss": hostileRSS(), "/atom": hostileAtom(), "/json": hostileJSON()}
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, docs[r.URL.Path])
	}))
	defer feedSrv.Close()
	db := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	feeds := []news.Feed{{Name: "h-rss", URL: feedSrv.URL + "/rss"}, {Name: "h-atom", URL: feedSrv.URL + "/atom"}, {Name: "h-json", URL: feedSrv.URL + "/json"}}
	p := hostilePipeline(t, db, fetch.NewClient(hostileOptions()), feeds)
	rep, err := p.Poll(context.Background(), p.set, PollOptions{})
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	for _, fr := range rep.Feeds {
		if fr.Status != StatusOK || fr.New == 0 {
			t.Fatalf("feed %s: %s, %d new, err %v", fr.Name, fr.Status, fr.New, fr.Err)
		}
	}
	checkAttacksStored(t, db)

	opts := output.Options{Title: "T", Link: "http://127.0.0.1:8080/"}
	out := output.NewServer(opts)
	defer out.Close()
	in, rendered, err := p.Publish(context.Background(), p.set, opts)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	stories := in.Stories
	out.Update(rendered)
	srv := httptest.NewServer(out)
	defer srv.Close()
	for _, path := range []string{"/feed.rss", "/feed.atom", "/feed.json", "/"} {
		t.Run(path, func(t *testing.T) {
			body, h := httpGet(t, srv.URL+path)
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", h.Get("X-Content-Type-Options"))
			}
			n := checkPublished(t, path, body)
			if path != "/" && n != len(stories) {
				t.Errorf("%d items published, want %d", n, len(stories))
			}
			if path == "/" {
				checkPageHeaders(t, h)
			}
		})
	}
}

// checkAttacksStored proves the checker would catch the attacks: the raw
// bodies in the store hold them.
func checkAttacksStored(t *testing.T, db *store.DB) {
	t.Helper()
	found := 0
	for _, feed := range []string{"h-rss", "h-atom", "h-json"} {
		for _, it := range storedItems(t, db, feed) {
			found += len(htmlcheck.Fragment(it.Body()))
		}
	}
	if found < 3*len(attacks) {
		t.Errorf("checker found only %d problems in the stored raw bodies", found)
	}
}

func httpGet(t *testing.T, u string) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return body, resp.Header
}

// checkPublished parses a served document as its readers do, fails on
// anything unsafe in its HTML, and returns the number of items.
func checkPublished(t *testing.T, path string, body []byte) int {
	t.Helper()
	var fragments, links []string
	var n int // items published
	switch path {
	case "/feed.rss":
		var r struct {
			Items []struct {
				Title       string `xml:"title"`
				Link        string `xml:"link"`
				Description string `xml:"description"`
			} `xml:"channel>item"`
		}
		if err := xml.Unmarshal(body, &r); err != nil {
			t.Fatalf("rss: %v", err)
		}
		for _, it := range r.Items {
			fragments, links = append(fragments, it.Description, it.Title), append(links, it.Link)
		}
		n = len(r.Items)
		checkFeedXML(t, body)
	case "/feed.atom":
		var a struct {
			Entries []struct {
				Title   string `xml:"title"`
				Content string `xml:"content"`
				Links   []struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(body, &a); err != nil {
			t.Fatalf("atom: %v", err)
		}
		for _, e := range a.Entries {
			fragments = append(fragments, e.Content, e.Title)
			for _, l := range e.Links {
				links = append(links, l.Href)
			}
		}
		n = len(a.Entries)
		checkFeedXML(t, body)
	case "/feed.json":
		var j struct {
			Items []struct {
				URL         string `json:"url"`
				Title       string `json:"title"`
				ContentHTML string `json:"content_html"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &j); err != nil {
			t.Fatalf("json: %v", err)
		}
		for _, it := range j.Items {
			fragments, links = append(fragments, it.ContentHTML), append(links, it.URL)
		}
		n = len(j.Items)
	case "/":
		doc, err := xhtml.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("page: %v", err)
		}
		for _, p := range htmlcheck.Node(doc) {
			t.Errorf("page: %s", p)
		}
		return 0
	}
	for _, f := range fragments {
		for _, p := range htmlcheck.Fragment(f) {
			t.Errorf("%s: %s in %q", path, p, f)
		}
	}
	linked := 0
	for _, l := range links {
		if l == "" {
			continue // no link is safe
		}
		if u, err := url.Parse(l); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			t.Errorf("%s: item link %q is not http(s)", path, l)
		} else {
			linked++
		}
	}
	if linked == 0 {
		t.Errorf("%s: no item link at all", path)
	}
	return n
}

// checkFeedXML fails when the document holds an element that is not part
// of a feed: markup that escaped its text.
func checkFeedXML(t *testing.T, body []byte) {
	t.Helper()
	bad, err := htmlcheck.FeedXML(body)
	if err != nil {
		t.Fatalf("xml: %v", err)
	}
	for _, p := range bad {
		t.Error(p)
	}
}

// checkPageHeaders fails unless the page forbids script and sniffing.
func checkPageHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("page CSP %q does not forbid script", csp)
	}
	if !strings.Contains(csp, "frame-ancestors 'none'") && h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("page may be framed: CSP %q", csp)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html; charset=utf-8") {
		t.Errorf("page Content-Type %q", h.Get("Content-Type"))
	}
}

// TestBlockPrivateThroughPipeline polls loopback feeds under every name
// with block_private on: each is refused with fetch.ErrBlocked before a
// request reaches the server, and nothing is stored. With it off the same
// feeds are fetched.
func TestBlockPrivateThroughPipeline(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, goodFeed("private"))
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	feeds := []news.Feed{
		{Name: "ip", URL: srv.URL + "/feed"},
		{Name: "localhost", URL: "http://localhost:" + port + "/feed"},
		{Name: "ipv6", URL: "http://[::1]:" + port + "/feed"},
		{Name: "mapped", URL: "http://[::ffff:127.0.0.1]:" + port + "/feed"},
		{Name: "unspecified", URL: "http://0.0.0.0:" + port + "/feed"},
	}
	opts := hostileOptions()
	opts.BlockPrivate = true
	db := openStore(t, filepath.Join(t.TempDir(), "b.db"))
	p := hostilePipeline(t, db, fetch.NewClient(opts), feeds)
	rep, err := p.Poll(context.Background(), p.set, PollOptions{})
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	for _, fr := range rep.Feeds {
		if fr.Status != StatusFailed || !errors.Is(fr.Err, fetch.ErrBlocked) {
			t.Errorf("feed %s: %s, err %v; want refused with ErrBlocked", fr.Name, fr.Status, fr.Err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the private server", n)
	}
	if ss := storedItems(t, db, "ip"); len(ss) != 0 {
		t.Errorf("%d items stored from a blocked feed", len(ss))
	}

	// The control: without the option the first feed is fetched.
	opts.BlockPrivate = false
	p = hostilePipeline(t, openStore(t, filepath.Join(t.TempDir(), "o.db")), fetch.NewClient(opts), feeds[:1])
	rep, err = p.Poll(context.Background(), p.set, PollOptions{})
	if err != nil || rep.Feeds[0].Status != StatusOK || hits.Load() == 0 {
		t.Fatalf("without block_private: err %v, report %+v, hits %d", err, rep.Feeds, hits.Load())
	}
}
