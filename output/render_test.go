package output

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/htmltext"
)

type rssFile struct {
	Channel struct {
		LastBuildDate string `xml:"lastBuildDate"`
		Links         []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Items []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
			PubDate     string `xml:"pubDate"`
			GUID        struct {
				ID        string `xml:",chardata"`
				PermaLink string `xml:"isPermaLink,attr"`
			} `xml:"guid"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomLinkXML struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

// atomTitleXML is an Atom title with its type; text reads it as a
// reader does.
type atomTitleXML struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

func (a atomTitleXML) text() string {
	if a.Type == "html" {
		return html.UnescapeString(a.Body)
	}
	return a.Body
}

type atomFile struct {
	ID      string        `xml:"id"`
	Updated string        `xml:"updated"`
	Links   []atomLinkXML `xml:"link"`
	Entries []struct {
		ID        string        `xml:"id"`
		Title     atomTitleXML  `xml:"title"`
		Published string        `xml:"published"`
		Updated   string        `xml:"updated"`
		Links     []atomLinkXML `xml:"link"`
		Content   struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

type jsonFile struct {
	Version string `json:"version"`
	FeedURL string `json:"feed_url"`
	Hubs    []struct{ Type, URL string }
	Items   []struct {
		ID          string `json:"id"`
		URL         string `json:"url"`
		Title       string `json:"title"`
		ContentHTML string `json:"content_html"`
		Published   string `json:"date_published"`
		Aggregator  struct {
			Sources []jsonSource `json:"sources"`
		} `json:"_aggregator"`
	} `json:"items"`
}

func render(t *testing.T, format string, opts Options) []byte {
	t.Helper()
	b, err := renderFormat(format, sampleStories(), opts)
	if err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	return b
}

func decodeXML(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := xml.Unmarshal(b, v); err != nil {
		t.Fatalf("xml: %v\n%s", err, b)
	}
}

func decodeJSON(t *testing.T, b []byte) jsonFile {
	t.Helper()
	var f jsonFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("json: %v\n%s", err, b)
	}
	return f
}

func TestRenderDeterministic(t *testing.T) {
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			opts := sampleOptions()
			a := render(t, f, opts)
			if b := render(t, f, opts); !bytes.Equal(a, b) {
				t.Errorf("two renders of the same input differ")
			}
			if bytes.Contains(a, []byte(time.Now().UTC().Format("2006-01-02"))) {
				t.Errorf("output contains today's date: the clock leaked in")
			}
		})
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	if _, err := renderFormat("xml", sampleStories(), Options{}); err == nil {
		t.Fatal("Render accepted format xml")
	}
}

func TestRenderIDsAndDates(t *testing.T) {
	want := []string{"urn:aggregator:story:s-lighthouse", "urn:aggregator:story:s-bridge", "urn:aggregator:story:s-market"}
	var r rssFile
	decodeXML(t, render(t, "rss", sampleOptions()), &r)
	var a atomFile
	decodeXML(t, render(t, "atom", sampleOptions()), &a)
	j := decodeJSON(t, render(t, "json", sampleOptions()))
	for i, id := range want {
		if got := r.Channel.Items[i].GUID; got.ID != id || got.PermaLink != "false" {
			t.Errorf("rss guid %d = %+v, want %s isPermaLink=false", i, got, id)
		}
		if a.Entries[i].ID != id || j.Items[i].ID != id {
			t.Errorf("item %d: atom id %q, json id %q, want %q", i, a.Entries[i].ID, j.Items[i].ID, id)
		}
	}
	// Dated by the news, not by when the stories were stored (09:50).
	if got, want := r.Channel.LastBuildDate, "Mon, 02 Mar 2026 09:30:00 GMT"; got != want {
		t.Errorf("rss lastBuildDate = %q, want the newest member's time %q", got, want)
	}
	if got := r.Channel.Items[0].PubDate; got != "Mon, 02 Mar 2026 09:10:00 GMT" {
		t.Errorf("rss pubDate = %q, want the representative's", got)
	}
	if a.Updated != "2026-03-02T09:30:00Z" || a.Entries[0].Published != "2026-03-02T09:10:00Z" || a.Entries[0].Updated != "2026-03-02T09:30:00Z" {
		t.Errorf("atom dates: feed %s, entry published %s updated %s", a.Updated, a.Entries[0].Published, a.Entries[0].Updated)
	}
	if j.Items[0].Published != "2026-03-02T09:10:00Z" || j.Items[0].URL != "https://gazette.example/2026/03/lighthouse" {
		t.Errorf("json item 0: %+v", j.Items[0])
	}
	if r.Channel.Items[0].Title != "Old lighthouse relit after forty years" {
		t.Errorf("rss title = %q", r.Channel.Items[0].Title)
	}
}

func TestRenderEmptyIsValid(t *testing.T) {
	for _, f := range Formats {
		b, err := renderFormat(f, nil, Options{Title: "Empty"})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if f == "json" {
			if !bytes.Contains(b, []byte(`"items":[]`)) {
				t.Errorf("json without stories lacks an items array:\n%s", b)
			}
			continue
		}
		if !bytes.Contains(b, []byte("1970-01-01")) && !bytes.Contains(b, []byte("1970 00:00:00")) {
			t.Errorf("%s without stories has no fixed updated date:\n%s", f, b)
		}
	}
}

func TestJSONFeedSources(t *testing.T) {
	opts := sampleOptions()
	opts.WebSubHub = "http://127.0.0.1:9/hub"
	j := decodeJSON(t, render(t, "json", opts))
	if j.Version != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version = %q", j.Version)
	}
	if j.FeedURL != "http://127.0.0.1:8080/feed.json" || len(j.Hubs) != 1 || j.Hubs[0].URL != opts.WebSubHub || j.Hubs[0].Type != "WebSub" {
		t.Errorf("feed_url %q hubs %+v", j.FeedURL, j.Hubs)
	}
	for i, st := range sampleStories() {
		got := j.Items[i].Aggregator.Sources
		if len(got) != len(st.Members) {
			t.Fatalf("item %d: %d sources, want %d (every member)", i, len(got), len(st.Members))
		}
		for k, m := range st.Members {
			want := jsonSource{Feed: m.Feed, URL: m.Link, Title: m.Title, Published: m.Published.Format(time.RFC3339)}
			if got[k] != want {
				t.Errorf("item %d source %d = %+v, want %+v", i, k, got[k], want)
			}
		}
	}
}

func TestAtomLinks(t *testing.T) {
	opts := sampleOptions()
	opts.WebSubHub = "http://127.0.0.1:9/hub"
	var a atomFile
	decodeXML(t, render(t, "atom", opts), &a)
	want := []atomLinkXML{
		{"https://gazette.example/2026/03/lighthouse", "alternate"},
		{"https://courier.example/news/lighthouse-lit", "related"},
		{"https://wire.example/a/123", "related"},
	}
	if !slices.Equal(a.Entries[0].Links, want) {
		t.Errorf("entry links = %+v, want %+v", a.Entries[0].Links, want)
	}
	if len(a.Entries[1].Links) != 1 {
		t.Errorf("single-source entry links = %+v", a.Entries[1].Links)
	}
	feedLinks := []atomLinkXML{{"http://127.0.0.1:8080/", "alternate"}, {"http://127.0.0.1:8080/feed.atom", "self"}, {opts.WebSubHub, "hub"}}
	if !slices.Equal(a.Links, feedLinks) {
		t.Errorf("feed links = %+v, want %+v", a.Links, feedLinks)
	}
	if a.Entries[0].Content.Type != "html" || !strings.Contains(a.Entries[0].Content.Body, "Also reported by") {
		t.Errorf("entry content = %+v", a.Entries[0].Content)
	}
}

func TestRSSHubAndSelf(t *testing.T) {
	opts := sampleOptions()
	opts.WebSubHub = "http://127.0.0.1:9/hub"
	var r rssFile
	decodeXML(t, render(t, "rss", opts), &r)
	var rels []string
	for _, l := range r.Channel.Links {
		rels = append(rels, l.Rel+" "+l.Href)
	}
	want := []string{"self http://127.0.0.1:8080/feed.rss", "hub " + opts.WebSubHub}
	if !slices.Equal(rels, want) {
		t.Errorf("atom:link in channel = %q, want %q", rels, want)
	}
}

func TestBodies(t *testing.T) {
	var r rssFile
	decodeXML(t, render(t, "rss", sampleOptions()), &r)
	body := r.Channel.Items[0].Description
	for _, want := range []string{
		`href="https://gazette.example/towns/saltmere"`,
		`src="https://gazette.example/2026/03/img/lamp.jpg"`,
		`href="https://gazette.example/2026/archive?id=7#top"`,
		`href="https://cdn.example/map.html"`,
		"Also reported by",
		`<a href="https://courier.example/news/lighthouse-lit" rel="nofollow noreferrer">valley-courier</a>: Saltmere lighthouse shines again`,
		`<a href="https://wire.example/a/123" rel="nofollow noreferrer">northern-wire</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(r.Channel.Items[0].Description, ">harbor-gazette</a>") {
		t.Errorf("the representative is listed among the other sources")
	}
	if got := r.Channel.Items[1].Description; got != "<p>Footbridge reopens over the Wend</p>" {
		t.Errorf("empty CleanHTML: body = %q, want Item.Body()", got)
	}
	if strings.Contains(r.Channel.Items[1].Description, "Also reported by") {
		t.Errorf("single-source story has an Also reported by block")
	}
}

func TestPlainTextAndExcerpt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a < b and c > d", "a < b and c > d"},
		{"<b>Bold</b>   move", "Bold move"},
		{"<script>x()</script>Safe", "Safe"},
		{"AT&amp;T wins", "AT&T wins"},
		{"<p>One</p><p>Two <em>th</em>ree</p>", "One Two three"},
		{"Trail <script>a()</script><br/>end", "Trail end"},
	} {
		if got := htmltext.PlainText(c.in); got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := excerpt("one two three four", 9); got != "one two…" {
		t.Errorf("excerpt = %q", got)
	}
	if got := excerpt("short", 9); got != "short" {
		t.Errorf("excerpt = %q", got)
	}
}
