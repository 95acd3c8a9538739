package output

import (
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/wirestory/aggregator/internal/htmltext"
	"github.com/wirestory/aggregator/news"
)

// entry is one story as every format and the page publish it: the single
// model all renderings are built from.
type entry struct {
	ID        string // the story ID
	URN       string // the published, stable item id
	Title     string // plain text
	Link      string // the representative's link, "" when not http(s)
	Author    string
	Published time.Time // UTC, whole seconds
	Updated   time.Time // UTC, whole seconds; see storyUpdated
	Content   string    // sanitised, absolute-URL body of the representative
	Body      string    // Content plus the "Also reported by" block
	Excerpt   string    // plain-text start of Content
	Sources   []source  // every member, the representative first
}

// source is one member of a story, as listed in "Also reported by" and in
// the JSON Feed extension.
type source struct {
	Feed      string
	URL       string // "" when not http(s)
	Title     string
	Published time.Time
}

// excerptRunes is the length of the plain-text excerpt on the page.
const excerptRunes = 320

// storyURN is the published id of a story: stable across renders, restarts
// and formats.
func storyURN(id string) string { return "urn:aggregator:story:" + url.PathEscape(id) }

// newEntries builds the model of stories.
func newEntries(stories []news.Story) []entry {
	out := make([]entry, 0, len(stories))
	for i := range stories {
		st := &stories[i]
		if len(st.Members) == 0 {
			continue
		}
		out = append(out, newEntry(st))
	}
	return out
}

func newEntry(st *news.Story) entry {
	rep := st.Representative()
	raw := rep.CleanHTML
	if strings.TrimSpace(raw) == "" {
		raw = rep.Body()
	}
	content := sanitize(raw, rep.Link)
	e := entry{
		ID:        st.ID,
		URN:       storyURN(st.ID),
		Title:     titleText(rep.Title),
		Link:      safeLink(rep.Link),
		Author:    titleText(rep.Author),
		Published: stamp(st.Published),
		Updated:   storyUpdated(st),
		Content:   content,
		Excerpt:   excerpt(htmltext.PlainText(content), excerptRunes),
	}
	if e.Published.IsZero() {
		e.Published = stamp(rep.Published)
	}
	if e.Updated.IsZero() {
		e.Updated = e.Published
	}
	for _, m := range st.Members {
		e.Sources = append(e.Sources, source{
			Feed:      m.Feed,
			URL:       safeLink(m.Link),
			Title:     titleText(m.Title),
			Published: stamp(m.Published),
		})
	}
	e.Body = content + alsoReported(e.Sources[1:])
	return e
}

// storyUpdated is when the story last changed as its sources tell it: the
// latest updated (else published) time of its members, so that readers
// date each entry by its news rather than all alike by the poll that
// stored them (issue 19 #3). The time the story changed in the store is
// the fallback when no member has a time.
func storyUpdated(st *news.Story) time.Time {
	var latest time.Time
	for i := range st.Members {
		m := &st.Members[i]
		t := m.Updated
		if t.IsZero() || m.Published.After(t) {
			t = m.Published
		}
		if t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		latest = st.Updated
	}
	return stamp(latest)
}

// stamp normalises a time for publishing: UTC, whole seconds.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// alsoReported renders the other sources of a story as HTML. Every text is
// escaped and every link checked, so the block needs no sanitising.
func alsoReported(others []source) string {
	if len(others) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n<p><strong>Also reported by:</strong></p>\n<ul>")
	for _, s := range others {
		b.WriteString("\n<li>")
		name := html.EscapeString(s.Feed)
		if s.URL != "" {
			b.WriteString(`<a href="` + html.EscapeString(s.URL) + `" rel="nofollow noreferrer">` + name + "</a>")
		} else {
			b.WriteString(name)
		}
		if s.Title != "" {
			b.WriteString(": " + html.EscapeString(s.Title))
		}
		b.WriteString("</li>")
	}
	b.WriteString("\n</ul>")
	return b.String()
}

// limit returns at most n entries; n <= 0 means all.
func limit(entries []entry, n int) []entry {
	if n > 0 && len(entries) > n {
		return entries[:n]
	}
	return entries
}
