package output

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
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
	"count": thousands,
	"every": every,
}).Parse(pageSource))

// every formats a learned poll interval to the minute (to the second under
// a minute): "17 min", "1 h 25 min"; "—" when none was learned yet.
func every(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Minute:
		return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " s"
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return strconv.Itoa(m) + " min"
	case m == 0:
		return strconv.Itoa(h) + " h"
	}
	return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// pageStories caps the stories on the page; the feeds carry the rest.
const pageStories = 100

// pageFeedRows caps the rows of the page's feed-health table: failing
// and gone feeds first, then healthy ones; a summary line counts them
// all, so that a page of 10,000 feeds stays small.
const pageFeedRows = 100

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
	// AllStories is how many stories the feeds carry; the page shows the
	// first len(Stories).
	AllStories int
	Health     pageHealth
}

// pageHealth is the feed-health table: a summary of every feed and at
// most pageFeedRows rows, failing feeds first.
type pageHealth struct {
	Rows                          []pageFeed
	Total, Healthy, Failing, Gone int
	ShowURLs                      bool
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

// pageFeed is one row of the health table. It carries no raw error text
// (that can map internal hosts and ports), only its class; the URL, shown
// only with Options.ShowFeedURLs, is redacted.
type pageFeed struct {
	Name, URL, Link, Class, Problem string
	Status                          string
	LastSuccess, NextPoll           time.Time
	Interval                        time.Duration // learned; 0: not yet
	Failures                        int
	Gone                            bool
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
	d.AllStories = len(entries)
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
	d.Health = newHealth(states, opts)
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

// newHealth builds the health table: every feed counted, failing and gone
// feeds listed first (in their order), then healthy ones, at most
// pageFeedRows rows.
func newHealth(states []news.FeedState, opts Options) pageHealth {
	h := pageHealth{Total: len(states), ShowURLs: opts.ShowFeedURLs}
	var bad, good []news.FeedState
	for _, st := range states {
		switch healthClass(st) {
		case "gone":
			h.Gone++
			bad = append(bad, st)
		case "failing":
			h.Failing++
			bad = append(bad, st)
		default:
			h.Healthy++
			good = append(good, st)
		}
	}
	for _, st := range append(bad, good...) {
		if len(h.Rows) == pageFeedRows {
			break
		}
		h.Rows = append(h.Rows, newPageFeed(st, opts))
	}
	return h
}

func newPageFeed(st news.FeedState, opts Options) pageFeed {
	f := pageFeed{Name: st.Name, Class: healthClass(st), Problem: errorClass(st), Status: "—",
		LastSuccess: st.LastSuccess, NextPoll: st.NextPoll, Interval: st.Interval, Failures: st.Failures, Gone: st.Gone}
	switch {
	case st.Gone:
		f.Status = "Gone"
	case st.LastStatus != 0:
		f.Status = strconv.Itoa(st.LastStatus)
	}
	if opts.ShowFeedURLs {
		f.URL = news.RedactURL(st.URL, opts.SecretParams...)
		if safeLink(st.URL) != "" {
			f.Link = f.URL
		}
	}
	return f
}

// errorClasses map what a feed's last error says to the short class the
// public page shows, first match first.
var errorClasses = []struct{ needle, class string }{
	{"address is internal", "blocked address"},
	{"deadline exceeded", "timeout"},
	{"timeout", "timeout"},
	{"connection refused", "connection refused"},
	{"no such host", "DNS error"},
	{"lookup ", "DNS error"},
	{"certificate", "TLS error"},
	{"tls:", "TLS error"},
	{"x509", "TLS error"},
	{"too large", "too large"},
	{"body exceeds", "too large"},
	{"not an rss, atom or json feed", "not a feed"},
	{"parse feed", "parse error"},
	{"redirect", "redirect error"},
	{"connection reset", "connection lost"},
	{"eof", "connection lost"},
}

// errorClass names the kind of a feed's last error for the public page,
// which shows no raw error text: "HTTP 404", "timeout", "parse error",
// "connection refused" and the like; "" when there is none.
func errorClass(st news.FeedState) string {
	switch {
	case st.Gone:
		return "HTTP 410 (gone)"
	case st.LastError == "":
		return ""
	case st.LastStatus >= 400:
		return "HTTP " + strconv.Itoa(st.LastStatus)
	}
	e := strings.ToLower(st.LastError)
	for _, c := range errorClasses {
		if strings.Contains(e, c.needle) {
			return c.class
		}
	}
	return "error"
}
