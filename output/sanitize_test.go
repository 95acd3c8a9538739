package output

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirestory/aggregator/internal/htmlcheck"
	"github.com/wirestory/aggregator/news"
)

// TestCheckerCatchesHostileMarkup proves the checker used below fails on
// the attack when nothing sanitises it.
func TestCheckerCatchesHostileMarkup(t *testing.T) {
	nodes, err := xhtml.ParseFragment(strings.NewReader(hostileMarkup), &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, n := range nodes {
		found = append(found, htmlcheck.Node(n)...)
	}
	if len(found) < 15 {
		t.Errorf("checker found only %d problems in the raw attack: %q", len(found), found)
	}
}

func hostileStories() []news.Story {
	return append([]news.Story{hostileStory()}, sampleStories()...)
}

func TestSanitiseFeeds(t *testing.T) {
	opts := sampleOptions()
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			b, err := renderFormat(f, hostileStories(), opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range publishedHTML(t, f, b) {
				checkSafeHTML(t, f, h)
			}
			if f != "json" {
				checkXMLElements(t, b)
			}
		})
	}
}

// publishedHTML returns every HTML field of a rendered feed, after the
// feed's own parsing, as a reader sees it; it also checks titles.
func publishedHTML(t *testing.T, format string, b []byte) []string {
	t.Helper()
	var out, titles, raw []string // raw: titles as an HTML-reading reader gets them
	switch format {
	case "rss":
		var r rssFile
		decodeXML(t, b, &r)
		for _, it := range r.Channel.Items {
			// Titles holding markup characters are HTML-escaped for the
			// readers that take RSS titles for HTML.
			out, titles = append(out, it.Description), append(titles, html.UnescapeString(it.Title))
			raw = append(raw, it.Title)
		}
	case "atom":
		var a atomFile
		decodeXML(t, b, &a)
		for _, e := range a.Entries {
			out, titles = append(out, e.Content.Body), append(titles, e.Title.text())
			raw = append(raw, e.Title.Body)
		}
	case "json":
		j := decodeJSON(t, b)
		for _, it := range j.Items {
			out, titles = append(out, it.ContentHTML), append(titles, it.Title)
			for _, s := range it.Aggregator.Sources {
				if s.URL != "" && !strings.HasPrefix(s.URL, "https://") {
					t.Errorf("json source url %q", s.URL)
				}
			}
		}
	}
	if len(out) != 4 {
		t.Fatalf("%s: %d items, want 4", format, len(out))
	}
	// Titles are text: a title that holds markup is published as that
	// text (escaped), not stripped (issue 14 #4), and must not become
	// markup in any reader that takes it for HTML.
	if want := hostileTitle; titles[0] != want {
		t.Errorf("%s: hostile title published as %q, want its text %q", format, titles[0], want)
	}
	for _, r := range raw {
		checkSafeHTML(t, format+" title", r)
	}
	return out
}

// checkXMLElements fails when the XML document holds an element that is not
// part of a feed: a breakout of escaping or CDATA.
func checkXMLElements(t *testing.T, b []byte) {
	t.Helper()
	bad, err := htmlcheck.FeedXML(b)
	if err != nil {
		t.Fatalf("xml: %v", err)
	}
	for _, p := range bad {
		t.Error(p)
	}
}

func TestSanitisePage(t *testing.T) {
	s := NewServer(sampleOptions())
	defer s.Close()
	if _, err := update(s, hostileStories(), append(sampleFeeds(), news.FeedState{
		Name: `<script>alert('n')</script>`, URL: "javascript:alert('u')", LastError: `"><img src=x onerror=alert(1)>`,
	})); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	doc, err := xhtml.Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range htmlcheck.Node(doc) {
		t.Errorf("page: %s", p)
	}
	var text strings.Builder
	for n := range doc.Descendants() {
		if n.Type == xhtml.TextNode {
			text.WriteString(n.Data)
		}
	}
	for _, want := range []string{hostileTitle, `<script>alert('n')</script>`} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("page text lacks %q (hostile text must show as text)", want)
		}
	}
}

func TestSanitiseJSONEscapesMarkup(t *testing.T) {
	b, err := renderFormat("json", hostileStories(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("<")) {
		t.Errorf("json feed holds a raw '<'; encoding/json should escape it")
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("hostile json does not parse: %v", err)
	}
}
