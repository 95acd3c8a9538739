package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sitePage is a news site's HTML page that links its feed relatively.
const sitePage = `<!doctype html><html><head><title>Alpha News</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Alpha News" href="feeds/news.xml">
</head><body><h1>Alpha News</h1></body></html>`

// TestDiscoverFeedOfPage: an HTML page given as a feed URL is followed to
// the feed it links with <link rel="alternate">: fetch polls that feed
// and logs the new URL, check --discover prints it with the config edit,
// import --discover imports the feed's URL and says so (issue 19 #8).
func TestDiscoverFeedOfPage(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/site/", []byte(sitePage))
	fs.set("/site/feeds/news.xml", rss("Alpha", stories("alpha", 2)))
	page, feed := fs.url("/site/"), fs.url("/site/feeds/news.xml")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "alpha", page))

	t.Run("fetch", func(t *testing.T) {
		var out bytes.Buffer
		code, stderr := runBin(t, dir, &out, "fetch", "--config", cfg)
		if code != 0 || !strings.Contains(out.String(), "alpha story 1") {
			t.Fatalf("exit %d, output %q: %s", code, out.String(), stderr)
		}
		if !strings.Contains(stderr, "the feed URL is an HTML page") || !strings.Contains(stderr, "feed_url="+feed) {
			t.Errorf("the new URL is not logged:\n%s", stderr)
		}
		if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg, "--force"); code != 0 {
			t.Fatalf("second fetch: exit %d: %s", code, stderr)
		}
		if n := fs.hits.count(equals("/site/ 200")); n != 1 {
			t.Errorf("the page was fetched %d times, want once: later polls go to the feed", n)
		}
		if n := fs.hits.count(equals("/site/feeds/news.xml 304")); n != 1 {
			t.Errorf("the feed answered 304 %d times, want once (its validators were kept)", n)
		}
	})
	t.Run("check", func(t *testing.T) {
		var out bytes.Buffer
		code, stderr := runBin(t, dir, &out, "check", "--config", cfg, "--discover")
		want := page + " is an HTML page; its feed is " + feed + " (2 items): set feeds[0].url to it in " + cfg
		if code != 0 || !strings.Contains(out.String(), want) {
			t.Errorf("exit %d, stdout lacks %q:\n%s%s", code, want, out.String(), stderr)
		}
		out.Reset()
		if code, _ := runBin(t, dir, &out, "check", "--config", cfg); code != 0 || strings.Contains(out.String(), "HTML page") {
			t.Errorf("check without --discover fetched: exit %d\n%s", code, out.String())
		}
	})
	t.Run("import", func(t *testing.T) {
		other := filepath.Join(dir, "other.yaml")
		writeFile(t, other, feedConfig(filepath.Join(dir, "b.db"), "@every 1h", "beta", fs.url("/beta.rss")))
		opml := filepath.Join(dir, "list.opml")
		writeFile(t, opml, `<opml version="2.0"><body><outline text="Alpha" xmlUrl="`+page+`"/></body></opml>`)
		var out bytes.Buffer
		code, stderr := runBin(t, dir, &out, "import", "--config", other, "--discover", opml)
		want := "Alpha: " + page + " is an HTML page; importing the feed it links, " + feed
		if code != 0 || !strings.Contains(out.String(), want) {
			t.Fatalf("exit %d, stdout lacks %q:\n%s%s", code, want, out.String(), stderr)
		}
		b, err := os.ReadFile(other)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "url: "+feed) || strings.Contains(string(b), "url: "+page+"\n") {
			t.Errorf("the config did not get the feed's URL:\n%s", b)
		}
	})
}
