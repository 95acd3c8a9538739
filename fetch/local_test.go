package fetch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func TestLocalFileFeed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulletin.xml")
	if err := os.WriteFile(path, []byte(rssFeed(3, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(Options{})
	for _, url := range []string{path, "file://" + path} {
		t.Run(url[:4], func(t *testing.T) {
			st := news.FeedState{Name: "local", URL: url}
			res := c.Fetch(context.Background(), st, testNow)
			if res.Err != nil || len(res.Items) != 3 || res.State.LastStatus != 200 {
				t.Fatalf("first: err %v, %d items, status %d", res.Err, len(res.Items), res.State.LastStatus)
			}
			again := c.Fetch(context.Background(), res.State, testNow)
			if again.Err != nil || !again.NotModified || again.Items != nil || again.State.LastStatus != 304 {
				t.Fatalf("unchanged file: err %v, NotModified %v", again.Err, again.NotModified)
			}
		})
	}
	st := c.Fetch(context.Background(), news.FeedState{URL: path}, testNow).State
	touched := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, touched, touched); err != nil {
		t.Fatal(err)
	}
	res := c.Fetch(context.Background(), st, testNow)
	if res.Err != nil || !res.NotModified || res.State.ETag == st.ETag {
		t.Fatalf("touched file: err %v, NotModified %v, stamp %q -> %q", res.Err, res.NotModified, st.ETag, res.State.ETag)
	}
	if err := os.WriteFile(path, []byte(rssFeed(4, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	res = c.Fetch(context.Background(), res.State, testNow)
	if res.Err != nil || res.NotModified || len(res.Items) != 4 {
		t.Fatalf("changed file: err %v, NotModified %v, %d items", res.Err, res.NotModified, len(res.Items))
	}
}

func TestLocalFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.xml")
	if err := os.WriteFile(big, []byte(rssFeed(100, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(Options{MaxBodyBytes: 1000})
	res := c.Fetch(context.Background(), news.FeedState{Name: "big", URL: big}, testNow)
	if !errors.Is(res.Err, ErrTooLarge) {
		t.Errorf("oversize file: err %v", res.Err)
	}
	for _, url := range []string{filepath.Join(dir, "missing.xml"), dir, "file://elsewhere.example/feed.xml"} {
		res := c.Fetch(context.Background(), news.FeedState{Name: "bad", URL: url}, testNow)
		if res.Err == nil || !strings.HasPrefix(res.Err.Error(), "fetch bad: ") || res.State.Failures != 1 {
			t.Errorf("%s: err %v, failures %d", url, res.Err, res.State.Failures)
		}
	}
}

func TestLocalFileRelativeLinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rel.xml")
	feed := `<rss version="2.0"><channel><title>T</title><link>https://site.example/blog/</link>` +
		`<item><title>A</title><link>posts/first</link><guid>g1</guid></item></channel></rss>`
	if err := os.WriteFile(path, []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: path}, testNow)
	if res.Err != nil || len(res.Items) != 1 {
		t.Fatalf("err %v, %d items", res.Err, len(res.Items))
	}
	if got := res.Items[0].Link; got != "https://site.example/blog/posts/first" {
		t.Errorf("link = %q", got)
	}
}
