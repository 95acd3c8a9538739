package output

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// servePage renders the page for states and stories with opts.
func servePage(t *testing.T, stories []news.Story, states []news.FeedState, opts Options) string {
	t.Helper()
	s := NewServer(opts)
	defer s.Close()
	if _, err := update(s, stories, states); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d", rec.Code)
	}
	return rec.Body.String()
}

// secretFeeds are feed states whose URLs carry credentials and whose
// errors name internal hosts.
func secretFeeds() []news.FeedState {
	return []news.FeedState{
		{Name: "private", URL: "https://agent-bob:hunter2@feeds.example/rss?token=t0k3n&session=s3ss10n", LastStatus: 200, LastSuccess: base},
		{Name: "internal", URL: "http://10.1.2.3:8080/feed", Failures: 2,
			LastError: `fetch internal: Get "http://agent-bob:hunter2@10.1.2.3:8080/feed?token=t0k3n": dial tcp 10.1.2.3:8080: connect: connection refused`},
		{Name: "slow", URL: "https://slow.example/feed", Failures: 1,
			LastError: "fetch slow: Get \"https://slow.example/feed\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"},
		{Name: "missing", URL: "https://missing.example/feed", Failures: 1, LastStatus: 404, LastError: "fetch missing: https://missing.example/feed: status 404 Not Found"},
		{Name: "garbled", URL: "https://garbled.example/feed", Failures: 1, LastError: "fetch garbled: parse feed: XML syntax error on line 3"},
	}
}

// TestPageHidesURLsAndErrors: the public page names feeds and the class
// of their errors, never their URLs (unless ShowFeedURLs, then redacted)
// nor raw error text with internal hosts and ports.
func TestPageHidesURLsAndErrors(t *testing.T) {
	page := servePage(t, sampleStories(), secretFeeds(), sampleOptions())
	for _, leak := range []string{"hunter2", "agent-bob", "t0k3n", "10.1.2.3", "8080", "feeds.example", "slow.example", "Client.Timeout"} {
		if strings.Contains(page, leak) {
			t.Errorf("page shows %q", leak)
		}
	}
	for _, want := range []string{">connection refused<", ">timeout<", ">HTTP 404<", ">parse error<", ">private<", ">internal<"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	opts := sampleOptions()
	opts.ShowFeedURLs, opts.SecretParams = true, []string{"session"}
	page = servePage(t, sampleStories(), secretFeeds(), opts)
	for _, leak := range []string{"hunter2", "agent-bob", "t0k3n", "s3ss10n", "Client.Timeout"} {
		if strings.Contains(page, leak) {
			t.Errorf("page with URLs shows %q", leak)
		}
	}
	if !strings.Contains(page, "https://***@feeds.example/rss?token=***&amp;session=***") {
		t.Errorf("page with URLs lacks the redacted URL")
	}
}

// TestPageHealthBounded: with 10,000 feeds the table has at most
// pageFeedRows rows, failing feeds first, and a summary counts them all.
func TestPageHealthBounded(t *testing.T) {
	states := make([]news.FeedState, 10000)
	for i := range states {
		states[i] = news.FeedState{Name: fmt.Sprintf("feed-%05d", i), URL: "https://f.example/" + fmt.Sprint(i), LastStatus: 200, LastSuccess: base}
		if i%200 == 199 {
			states[i].Failures, states[i].LastError = 1, "timeout"
		}
	}
	page := servePage(t, sampleStories(), states, sampleOptions())
	if n := strings.Count(page, "<tr class="); n != pageFeedRows {
		t.Errorf("%d rows, want %d", n, pageFeedRows)
	}
	if !strings.Contains(page, "10,000 feeds: 9,950 healthy, 50 failing.") {
		t.Errorf("summary missing: %s", page[strings.Index(page, `id="feeds"`):][:300])
	}
	rows := strings.Split(page, "<tr class=")[1:]
	for i, r := range rows {
		if failing := strings.HasPrefix(r, `"failing"`); failing != (i < 50) {
			t.Fatalf("row %d: %.40s (want the 50 failing feeds first)", i, r)
		}
	}
	if len(page) > 200<<10 {
		t.Errorf("page of %d bytes", len(page))
	}
}

// TestPageSaysWhenFeedsCarryMore: the page shows at most pageStories
// stories and says how many the feeds carry.
func TestPageSaysWhenFeedsCarryMore(t *testing.T) {
	var stories []news.Story
	for i := range 150 {
		m := member("f", fmt.Sprintf("https://f.example/%d", i), fmt.Sprintf("Story %d", i), "<p>x</p>", base.Add(-time.Duration(i)*time.Minute))
		stories = append(stories, story(fmt.Sprintf("s%d", i), m.Published, m))
	}
	page := servePage(t, stories, nil, sampleOptions())
	if n := strings.Count(page, `<article class="story"`); n != pageStories {
		t.Errorf("%d stories on the page, want %d", n, pageStories)
	}
	if !strings.Contains(page, "Showing the latest 100 of 150 stories.") || !strings.Contains(page, `<a href="feed.atom">Atom</a>`) {
		t.Errorf("no count of the stories the feeds carry")
	}
	if page := servePage(t, stories[:10], nil, sampleOptions()); strings.Contains(page, "Showing the latest") {
		t.Errorf("a page showing every story says it does not")
	}
}

// TestTitlesLoseBidiControls: the bidi override and isolate controls are
// dropped from published titles in every format and the page.
func TestTitlesLoseBidiControls(t *testing.T) {
	title := "Harbour \u202egnp.exe\u202c news \u2066x\u2069"
	want := "Harbour gnp.exe news x"
	m := member("f", "https://f.example/1", title, "<p>x</p>", base)
	stories := []news.Story{story("s1", base, m)}
	for _, format := range Formats {
		b, err := renderFormat(format, stories, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range string(b) {
			if news.IsBidiControl(r) {
				t.Errorf("%s holds %U", format, r)
			}
		}
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s lacks the title %q", format, want)
		}
	}
	if page := servePage(t, stories, nil, Options{}); strings.ContainsFunc(page, news.IsBidiControl) || !strings.Contains(page, want) {
		t.Errorf("page title not cleaned")
	}
}

// TestFutureIfModifiedSinceIgnored: an If-Modified-Since after the
// current time is invalid (RFC 9110) and gets the document, not a 304.
func TestFutureIfModifiedSinceIgnored(t *testing.T) {
	s := NewServer(sampleOptions())
	defer s.Close()
	if _, err := update(s, sampleStories(), sampleFeeds()); err != nil {
		t.Fatal(err)
	}
	get := func(ims time.Time) int {
		req := httptest.NewRequest("GET", "/feed.rss", nil)
		req.Header.Set("If-Modified-Since", ims.UTC().Format(http.TimeFormat))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get(time.Now().Add(24 * time.Hour)); code != http.StatusOK {
		t.Errorf("If-Modified-Since tomorrow: %d, want 200", code)
	}
	if code := get(time.Now()); code != http.StatusNotModified {
		t.Errorf("If-Modified-Since now: %d, want 304", code)
	}
}

// TestSlowReaderIsCut: a client that requests a large document and never
// reads has its connection closed once the write deadline (which grows
// with the response) passes; the handler returns instead of blocking.
func TestSlowReaderIsCut(t *testing.T) {
	oldBase, oldRate := writeBase, minWriteRate
	writeBase, minWriteRate = 200*time.Millisecond, 1<<30
	defer func() { writeBase, minWriteRate = oldBase, oldRate }()
	served := make(chan int, 1)
	opts := Options{Observe: func(route string, status int) { served <- status }}
	s := NewServer(opts)
	defer s.Close()
	body := bytes.Repeat([]byte("<item>a large feed no one reads</item>\n"), (64<<20)/40) // more than any socket buffers
	res := newResource(Doc{Body: body, ContentType: contentTypes["rss"]}, base)
	s.cur.Store(&snapshot{res: map[string]*resource{"/feed.rss": res}, opts: opts})
	srv := httptest.NewServer(s)
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /feed.rss HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-served: // the handler gave up writing
	case <-time.After(30 * time.Second):
		t.Fatal("the handler still writes to a reader that never reads")
	}
	if err := conn.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, conn)
	if n >= int64(len(body)) {
		t.Errorf("read %d bytes: the whole body arrived", n)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("the server did not close the connection: %v", err)
	}
	if got := writeTimeout(1 << 20); got != writeBase+time.Duration(1<<20)*time.Second/time.Duration(minWriteRate) {
		t.Errorf("writeTimeout(1 MiB) = %v", got)
	}
}

// TestWriteTimeoutScales pins the default write deadline: ten seconds
// plus the body at 16 KiB/s.
func TestWriteTimeoutScales(t *testing.T) {
	if got := writeTimeout(0); got != 10*time.Second {
		t.Errorf("empty body: %v", got)
	}
	if got := writeTimeout(1 << 20); got != 74*time.Second {
		t.Errorf("1 MiB: %v", got)
	}
}

// printableTitle reports whether s is a headline that must survive
// publishing as it is: valid UTF-8, printable, no bidi controls, within
// fetch's title cap.
func printableTitle(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 300 || strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || news.IsBidiControl(r) {
			return false
		}
	}
	return true
}

// FuzzTitleRoundTrip: any printable title survives into every format and
// the page: rendered, then read back by fetch.Parse (which follows each
// format's rules for text and HTML titles), it is the same text, white
// space folded; the page shows it as the story's heading.
func FuzzTitleRoundTrip(f *testing.F) {
	for _, s := range []string{"S&P <1% move, x<y", "<blink>", "Tom &amp; Jerry", "a ]]> b", "&lt;", "AT&T", "<b>x</b> &#8217;", "Café “quoted” – 5 > 3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		if !printableTitle(title) {
			return
		}
		want := strings.Join(strings.Fields(title), " ")
		m := member("f", "https://f.example/1", title, "<p>body</p>", base)
		stories := []news.Story{story("s1", base, m)}
		for _, format := range Formats {
			b, err := renderFormat(format, stories, Options{Link: "https://merged.example/"})
			if err != nil {
				t.Fatal(err)
			}
			items, err := fetch.Parse(bytes.NewReader(b), "back", "", 0, base)
			if err != nil || len(items) != 1 {
				t.Fatalf("%s: %v, %d items", format, err, len(items))
			}
			if items[0].Title != want {
				t.Errorf("%s: title %q came back as %q", format, want, items[0].Title)
			}
		}
		page, err := renderPage(newEntries(stories), nil, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := pageHeading(t, page); got != want {
			t.Errorf("page: title %q shown as %q", want, got)
		}
	})
}

// pageHeading returns the text of the first story's heading.
func pageHeading(t *testing.T, page []byte) string {
	doc, err := xhtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type == xhtml.ElementNode && n.Data == "h3" {
			var b strings.Builder
			for c := range n.Descendants() {
				if c.Type == xhtml.TextNode {
					b.WriteString(c.Data)
				}
			}
			return b.String()
		}
	}
	t.Fatal("no story heading")
	return ""
}
