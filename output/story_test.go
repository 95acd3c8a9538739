package output

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/wirestory/aggregator/internal/htmlcheck"
	"github.com/wirestory/aggregator/news"
)

// versionsStory is a story of five copies: the wire's first version; an
// outlet's edit of it (a word changed, a paragraph added, a long unchanged
// middle); another outlet with the same text and a new headline; a
// rewrite; and a hostile copy. The representative (first member) is the
// edit.
func versionsStory() news.Story {
	long := strings.Repeat("The board said the pier would stay closed while engineers surveyed the pilings. ", 6)
	first := "<p>The harbour board voted on Monday to close the old pier.</p><p>" + long + "</p><p>Shipping firms were not consulted.</p>"
	edit := "<p>The harbour board voted on Tuesday to close the old pier.</p><p>" + long + "</p><p>Shipping firms were not consulted.</p><p>The mayor called the decision hasty.</p>"
	m := func(id, feed, title, clean string, at time.Duration) news.StoredItem {
		it := member(feed, "https://"+feed+".example/"+id, title, clean, base.Add(at))
		it.ID = id
		return it
	}
	return news.Story{ID: "s-pier", Members: []news.StoredItem{
		m("b", "gazette", "Harbour board closes old pier", edit, 40*time.Minute),
		m("a", "wire", "Board closes pier", first, 0),
		m("c", "courier", "Old pier to close, board says", edit, 95*time.Minute),
		m("d", "daily", "Pier closure: what we know", "<p>Everything about the pier, told again in other words entirely by a columnist with a view.</p>", 26*time.Hour),
		m("e", "hostile", `Pier <script>alert(1)</script> news`, `<p onclick="x()">Pier <script>alert(2)</script><a href="javascript:alert(3)">link</a></p>`, 27*time.Hour),
	}, Updated: base.Add(27 * time.Hour)}
}

// TestRenderStory: the page lists every version in publish order with its
// source and what it changed against the previous one: a word diff with
// <ins> and <del>, long unchanged runs counted, the same text and a
// rewrite said as such; it holds no script and renders the same bytes
// every time.
func TestRenderStory(t *testing.T) {
	st := versionsStory()
	doc, err := RenderStory(st, sampleOptions())
	if err != nil {
		t.Fatal(err)
	}
	b, page := doc.Body, string(doc.Body)
	for _, want := range []string{
		`<del>Monday</del> <ins>Tuesday</ins>`,              // the edit, word by word
		`<ins>The mayor called the decision hasty.</ins>`,   // the paragraph added
		`<span class="skip">`,                               // the unchanged middle, collapsed
		`The same text as version 2 (gazette, 09:40)`,       // the courier's copy
		`Rewritten: too little of version 3`,                // the columnist
		`<del>Board</del> <ins>Harbour board</ins> closes`,  // a headline diff
		`5 copies from 5 sources`,                           //
		`href="../"`,                                        // back to the page
		`<span class="badge rep">in the feed</span>`,        // the representative
		`<a href="https://gazette.example/b" rel="nofollow`, // a source's link
		`The board said <span class="skip">`,                // collapsed within its paragraph
		`>Pier news</a></h3>`,                               // a headline is text; a new one is not diffed
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`class="skip">(\d+) words unchanged`).FindStringSubmatch(page); m == nil || m[1] != "72" {
		t.Errorf("unchanged run collapsed as %v, want about 80 words counted", m)
	}
	order := []string{`id="v1"`, `wire`, `id="v2"`, `gazette`, `id="v3"`, `courier`, `id="v4"`, `daily`, `id="v5"`, `hostile`}
	at := 0
	for _, w := range order {
		i := strings.Index(page[at:], w)
		if i < 0 {
			t.Fatalf("versions not in publish order: %q missing after offset %d", w, at)
		}
		at += i
	}
	tree, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if problems := htmlcheck.Node(tree); len(problems) > 0 {
		t.Errorf("unsafe HTML on the story page: %v", problems)
	}
	if strings.Contains(page, "alert(") || strings.Contains(page, "javascript:") {
		t.Error("a script of a body reached the page")
	}
	again, _ := RenderStory(st, sampleOptions())
	if !bytes.Equal(b, again.Body) || doc.ContentType != "text/html; charset=utf-8" {
		t.Error("the same story rendered different bytes")
	}
}

// TestStoryLinks: with StoryPages, the page links each story's page and
// every feed format carries it as the entry's related link; without, none.
func TestStoryLinks(t *testing.T) {
	opts := sampleOptions()
	in := input(sampleStories(), nil, sampleTags)
	plain, err := Render(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.StoryPages = true
	linked, err := Render(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	const url = "http://127.0.0.1:8080/stories/s-lighthouse"
	for path, want := range map[string]string{
		"/":               `href="stories/s-lighthouse"`,
		"/feed.atom":      `<link href="` + url + `" rel="related" type="text/html">`,
		"/feed.rss":       `<atom:link href="` + url + `" rel="related" type="text/html">`,
		"/tags/coast.rss": `<atom:link href="` + url + `" rel="related" type="text/html">`,
		"/feed.json":      `"story":"` + url + `"`,
	} {
		if !strings.Contains(string(linked[path].Body), want) {
			t.Errorf("%s lacks %s", path, want)
		}
		if strings.Contains(string(plain[path].Body), "stories/s-") {
			t.Errorf("%s links story pages without StoryPages", path)
		}
	}
	var rss struct {
		Items []struct {
			Title string `xml:"title"`
			Links []struct {
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(linked["/feed.rss"].Body, &rss); err != nil || len(rss.Items) != 3 || rss.Items[0].Title == "" || len(rss.Items[0].Links) != 1 {
		t.Errorf("RSS with story links does not parse as items with one atom:link each: %v %+v", err, rss)
	}
	var jf struct {
		Items []struct {
			Ext struct{ Story string } `json:"_aggregator"`
		}
	}
	if err := json.Unmarshal(linked["/feed.json"].Body, &jf); err != nil || jf.Items[0].Ext.Story != url {
		t.Errorf("JSON Feed story link: %v %+v", err, jf)
	}
}
