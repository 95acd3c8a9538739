package output

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/wirestory/aggregator/internal/htmltext"
	"github.com/wirestory/aggregator/news"
)

//go:embed story.tmpl
var storySource string

// storyTemplate is the story page: server-rendered HTML without script,
// served with the page's security headers. Safe for concurrent use.
var storyTemplate = template.Must(template.New("story").Funcs(template.FuncMap{
	"stamp": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"clock": func(t time.Time) string { return t.UTC().Format("15:04") },
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"words": plural,
}).Parse(storySource))

// StoryPath is the URL path of the page of the story id, relative to the
// service's base URL.
func StoryPath(id string) string { return "stories/" + url.PathEscape(id) }

// storyURL is the absolute URL of the page of story id on the service at
// base (Options.Link).
func storyURL(base, id string) string {
	ref := &url.URL{Path: StoryPath(id)}
	b, err := serviceBase(base)
	if err != nil || base == "" {
		return "/" + ref.String()
	}
	return b.ResolveReference(ref).String()
}

// serviceBase parses the service's public address (Options.Link) as the
// base the paths it serves are resolved against: its path is a directory,
// so that https://example.org/news serves stories/ID at
// https://example.org/news/stories/ID, as https://example.org/news/ does
// (resolving against the URL as written would drop its last segment).
func serviceBase(link string) (*url.URL, error) {
	b, err := url.Parse(link)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(b.Path, "/") {
		b.Path += "/"
		if b.RawPath != "" {
			b.RawPath += "/"
		}
	}
	return b, nil
}

type storyPage struct {
	Site, Headline, Link string
	Copies, Sources      int
	First, Last          time.Time
	Updated              time.Time
	Versions             []version
}

// version is one member of the story as the page shows it.
type version struct {
	N                  int
	Feed, URL          string
	Published, Edited  time.Time // Edited: zero unless the source updated it
	After              string    // time since the first version, "" for it
	Rep                bool      // the story's representative
	Headline           []seg     // the headline, diffed against the previous one
	HeadlineChanged    bool
	Change             change
	Label              string
	Cut                bool // the text was longer than the page shows
	PrevN              int  // the previous version
	PrevFeed, PrevTime string
}

// RenderStory renders the page of one story: every copy and version of
// it, in publish order, with its source, time and headline and what it
// changed against the previous one (a word diff of the cleaned text). The
// story's representative comes first among st.Members, as the pipeline
// ranks it. Every text is plain text escaped by the template; links are
// checked like every link output publishes. The same story gives the same
// bytes.
func RenderStory(st news.Story, opts Options) (Doc, error) {
	if len(st.Members) == 0 {
		return Doc{}, fmt.Errorf("render story %s: no members", st.ID)
	}
	rep := st.Representative()
	p := storyPage{Site: cmp.Or(opts.Title, "News"), Headline: htmltext.PlainText(rep.Title), Link: safeLink(rep.Link), Copies: len(st.Members)}
	ms := slices.Clone(st.Members)
	slices.SortStableFunc(ms, func(a, b news.StoredItem) int {
		return cmp.Or(a.Published.Compare(b.Published), strings.Compare(a.ID, b.ID))
	})
	feeds := map[string]bool{}
	var prevWords, prevTitle []string
	for i := range ms {
		m := &ms[i]
		feeds[m.Feed] = true
		v, words, title := newVersion(m, i, ms[0].Published, prevWords, prevTitle)
		v.Rep = m.ID == rep.ID
		if i > 0 {
			v.PrevN, v.PrevFeed, v.PrevTime = i, ms[i-1].Feed, stamp(ms[i-1].Published).Format("15:04")
		}
		p.Versions = append(p.Versions, v)
		prevWords, prevTitle = words, title
		p.Last = later(p.Last, stamp(m.Published), stamp(m.Updated))
	}
	p.Sources, p.First, p.Updated = len(feeds), stamp(ms[0].Published), storyUpdated(&st)
	var buf bytes.Buffer
	if err := storyTemplate.Execute(&buf, p); err != nil {
		return Doc{}, fmt.Errorf("render story %s: %w", st.ID, err)
	}
	return Doc{Body: buf.Bytes(), ContentType: contentTypes["html"]}, nil
}

// newVersion makes the version of member m, the i-th in publish order,
// against the previous version's words and headline; it returns its own
// words and headline for the next one.
func newVersion(m *news.StoredItem, i int, first time.Time, prevWords, prevTitle []string) (version, []string, []string) {
	raw := m.CleanHTML
	if strings.TrimSpace(raw) == "" {
		raw = m.Body()
	}
	words, cut := storyText(sanitize(raw, m.Link))
	title := strings.Fields(htmltext.PlainText(m.Title))
	v := version{N: i + 1, Feed: m.Feed, URL: safeLink(m.Link), Published: stamp(m.Published), Cut: cut}
	if !m.Updated.IsZero() && stamp(m.Updated).After(v.Published) {
		v.Edited = stamp(m.Updated)
	}
	if i == 0 {
		v.Change = change{Kind: "first", Paras: textParas(words)}
		v.Headline = []seg{{Kind: "eq", Text: strings.Join(title, " ")}}
	} else {
		v.After = since(first, m.Published)
		v.Change = compare(prevWords, words)
		v.Headline, v.HeadlineChanged = headlineDiff(prevTitle, title)
	}
	v.Label = v.Change.label()
	return v, words, title
}

// headlineDiff shows a headline against the previous one, word by word.
func headlineDiff(prev, cur []string) ([]seg, bool) {
	runs, ok := diffWords(prev, cur, maxDiffEdits)
	kept := 0
	for _, r := range runs {
		if r.op == opEqual {
			kept += len(r.words)
		}
	}
	if !ok || float64(kept) < rewrittenShare*float64(max(len(prev), len(cur))) {
		// a new headline: a diff of it would be noise
		return []seg{{Kind: "eq", Text: strings.Join(cur, " ")}}, !slices.Equal(prev, cur)
	}
	kinds := map[opKind]string{opEqual: "eq", opInsert: "ins", opDelete: "del"}
	out := make([]seg, 0, len(runs))
	changed := false
	for _, r := range runs {
		out = append(out, seg{Kind: kinds[r.op], Text: strings.Join(r.words, " ")})
		changed = changed || r.op != opEqual
	}
	return out, changed
}

// since says how long after first t came: "+2h 15m", "+40m", "+0m".
func since(first, t time.Time) string {
	d := t.Sub(first).Round(time.Minute)
	if d < 0 {
		d = 0
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h >= 24:
		return fmt.Sprintf("+%dd %dh", h/24, h%24)
	case h > 0:
		return fmt.Sprintf("+%dh %02dm", h, m)
	}
	return fmt.Sprintf("+%dm", m)
}

// plural is "1 word", "2 words".
func plural(n int) string {
	if n == 1 {
		return "1 word"
	}
	return fmt.Sprintf("%d words", n)
}

func later(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}
