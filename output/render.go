package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/gorilla/feeds"

	"github.com/wirestory/aggregator/news"
)

// feedMeta is the feed-level part of the model.
type feedMeta struct {
	Title, Description string
	Home               string // the public base URL
	Self               string // this feed's URL, in this format
	ID                 string // a stable URI naming the feed
	Hub                string // WebSub hub, "" when off
	Updated            time.Time
	TTL                time.Duration
	StoryPages         bool    // entries link their story page
	History            history // RFC 5005, Atom only
}

// epoch is the updated time of a feed without stories: fixed, so that an
// empty feed renders the same bytes every time.
var epoch = time.Unix(0, 0).UTC()

// Input is what Render publishes. Stories are ordered newest first, each
// with its representative first among its members.
type Input struct {
	// Stories are the newest stories of all feeds.
	Stories []news.Story
	// Tags are, for each tag, the newest stories with a member from a
	// feed that has the tag; each tag gets feeds of its own.
	Tags map[string][]news.Story
	// Feeds is the health of the configured feeds, for the page.
	Feeds []news.FeedState
	// PrevArchive is the newest archived day, which the main Atom feed
	// links when Options.Archives is set; the zero time for none.
	PrevArchive time.Time
}

// Doc is one rendered document.
type Doc struct {
	Body        []byte
	ContentType string
	Self        string // its public URL, for WebSub; "" for the page
}

// Docs are the rendered documents by URL path: "/" (the page),
// "/feed.rss", "/feed.atom", "/feed.json" and "/tags/NAME.EXT". They are
// read-only once returned.
type Docs map[string]Doc

// Render renders the main feeds, the tag feeds and the page of in, each
// feed in every format, at most opts.MaxItems stories each. The same input
// gives the same bytes: feed dates come from the stories, never the clock.
// It is safe for concurrent use.
func Render(in Input, opts Options) (Docs, error) {
	docs := make(Docs, 1+len(Formats)*(1+len(in.Tags)))
	main := limit(newEntries(in.Stories), opts.MaxItems)
	if err := docs.add(in, opts, "feed", "", main, Formats); err != nil {
		return nil, err
	}
	tags := slices.Sorted(maps.Keys(in.Tags))
	for _, t := range tags {
		if err := docs.add(in, opts, "tags/"+t, t, limit(newEntries(in.Tags[t]), opts.MaxItems), Formats); err != nil {
			return nil, err
		}
	}
	page, err := renderPage(main, in.Feeds, tags, opts)
	if err != nil {
		return nil, err
	}
	docs["/"] = Doc{Body: page, ContentType: contentTypes["html"]}
	return docs, nil
}

// RenderFeed renders only the main feed of in, in each of formats (of
// Formats), as Render would: what a one-shot fetch writes, without the
// tag feeds, the page and the other formats. in.Tags and in.Feeds are not
// read. It is safe for concurrent use.
func RenderFeed(in Input, opts Options, formats ...string) (Docs, error) {
	docs := make(Docs, len(formats))
	main := limit(newEntries(in.Stories), opts.MaxItems)
	if err := docs.add(in, opts, "feed", "", main, formats); err != nil {
		return nil, err
	}
	return docs, nil
}

// add renders the feed at path (without extension) in formats into docs;
// tag is "" for the main feed.
func (docs Docs) add(in Input, opts Options, path, tag string, es []entry, formats []string) error {
	for _, f := range formats {
		m := newMeta(opts, path, f, tag, es)
		if path == "feed" {
			subscriptionHistory(&m, in, opts, len(es))
		}
		b, err := renderEntries(f, es, m)
		if err != nil {
			return err
		}
		docs["/"+path+"."+f] = Doc{Body: b, ContentType: contentTypes[f], Self: m.Self}
	}
	return nil
}

// newMeta returns the metadata of the feed at path (without extension) in
// format; tag is "" for the main feed.
func newMeta(opts Options, path, format, tag string, entries []entry) feedMeta {
	m := feedMeta{
		Title:       opts.Title,
		Description: opts.Description,
		Home:        opts.Link,
		Self:        feedURL(opts.Link, path, format),
		ID:          "urn:aggregator:feed",
		Hub:         opts.WebSubHub,
		Updated:     epoch,
		TTL:         opts.MaxAge,
		StoryPages:  opts.StoryPages,
	}
	if tag != "" {
		m.Title = fmt.Sprintf("%s: %s", opts.Title, tag)
		m.ID += ":tag:" + url.PathEscape(tag)
	}
	for _, e := range entries {
		if e.Updated.After(m.Updated) {
			m.Updated = e.Updated
		}
	}
	return m
}

// feedURL resolves path.format against the base URL; a base that does not
// parse leaves the URL relative.
func feedURL(base, path, format string) string {
	ref := &url.URL{Path: path + "." + format}
	b, err := serviceBase(base)
	if err != nil {
		return ref.String()
	}
	return b.ResolveReference(ref).String()
}

// renderEntries renders the model in one format.
func renderEntries(format string, entries []entry, m feedMeta) ([]byte, error) {
	f := toFeed(entries, m)
	var buf bytes.Buffer
	var err error
	switch format {
	case "rss":
		err = feeds.WriteXML(newRSS(f, entries, m), &buf)
	case "atom":
		err = feeds.WriteXML(newAtom(f, entries, m), &buf)
	case "json":
		err = writeJSON(&buf, newJSON(f, entries, m))
	default:
		return nil, fmt.Errorf("render: unknown format %q", format)
	}
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// toFeed converts the model to gorilla/feeds' generic feed, from which each
// format's document is derived. Every item has an id, so gorilla never
// invents one.
func toFeed(entries []entry, m feedMeta) *feeds.Feed {
	f := &feeds.Feed{
		Title:       m.Title,
		Link:        &feeds.Link{Href: m.Home},
		Description: m.Description,
		Id:          m.ID,
		Updated:     m.Updated,
	}
	for _, e := range entries {
		link := e.Link
		if link == "" {
			link = m.Home
		}
		it := &feeds.Item{
			Id:      e.URN,
			Title:   e.Title,
			Link:    &feeds.Link{Href: link},
			Created: e.Published,
			Updated: e.Updated,
			Content: e.Body,
		}
		if e.Author != "" {
			it.Author = &feeds.Author{Name: e.Author}
		}
		f.Add(it)
	}
	return f
}

// writeJSON writes v as compact JSON (indenting doubles the cost); HTML
// characters stay escaped.
func writeJSON(buf *bytes.Buffer, v any) error {
	return json.NewEncoder(buf).Encode(v)
}
