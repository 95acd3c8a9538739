package output

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/wirestory/aggregator/news"
)

//go:embed page.tmpl
var pageSource string

// pageTemplate is the human page: plain server-rendered HTML, no script.
// A parsed template is safe for concurrent execution.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"stamp": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
}).Parse(pageSource))

// pageStories caps the stories on the page when MaxItems does not.
const pageStories = 100

// pageSecurity are the headers sent with the page: no script may run, no
// other origin may frame it, and no referrer leaks to the outlets.
var pageSecurity = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	"Referrer-Policy":         "no-referrer",
	"X-Frame-Options":         "DENY",
}

type pageData struct {
	Title, Description string
	Updated            time.Time
	StoryPages         bool       // link each story's page
	Alternates         []pageLink // the main feeds
	TagFeeds           []pageTag
	Stories            []pageStory
	Feeds              []pageFeed
}

type pageLink struct{ Href, Type, Label string }

type pageTag struct {
	Name  string
	Links []pageLink
}

type pageStory struct {
	ID, Path, Title, Link, Feed, Excerpt string
	Published                            time.Time
	Others                               []source
}

type pageFeed struct {
	news.FeedState
	Link, Class string
}

// renderPage renders the page from the model and feed health; the same
// input gives the same bytes.
func renderPage(entries []entry, states []news.FeedState, tags []string, opts Options) ([]byte, error) {
	d := pageData{Title: opts.Title, Description: opts.Description, Updated: newMeta(opts, "feed", "rss", "", entries).Updated, StoryPages: opts.StoryPages}
	if d.Title == "" {
		d.Title = "News"
	}
	for _, f := range Formats {
		d.Alternates = append(d.Alternates, pageLink{Href: "feed." + f, Type: mediaType(f), Label: formatNames[f]})
	}
	for _, t := range tags {
		pt := pageTag{Name: t}
		for _, f := range Formats {
			href := (&url.URL{Path: "tags/" + t + "." + f}).String()
			pt.Links = append(pt.Links, pageLink{Href: href, Type: mediaType(f), Label: formatNames[f]})
		}
		d.TagFeeds = append(d.TagFeeds, pt)
	}
	for _, e := range limit(entries, pageStories) {
		ps := pageStory{
			ID: e.ID, Path: StoryPath(e.ID), Title: e.Title, Link: e.Link, Feed: e.Sources[0].Feed,
			Excerpt: e.Excerpt, Published: e.Published, Others: e.Sources[1:],
		}
		if ps.Excerpt == ps.Title {
			ps.Excerpt = "" // a body that only repeats the headline
		}
		d.Stories = append(d.Stories, ps)
	}
	for _, st := range states {
		d.Feeds = append(d.Feeds, pageFeed{FeedState: st, Link: safeLink(st.URL), Class: healthClass(st)})
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render page: %w", err)
	}
	return buf.Bytes(), nil
}

var formatNames = map[string]string{"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}

// mediaType is the content type of format without parameters.
func mediaType(format string) string {
	ct, _, _ := strings.Cut(contentTypes[format], ";")
	return ct
}

func healthClass(st news.FeedState) string {
	switch {
	case st.Gone:
		return "gone"
	case st.Failures > 0:
		return "failing"
	}
	return "ok"
}
