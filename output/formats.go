package output

import (
	"encoding/xml"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/feeds"
)

// rfc822 is the date format of RSS 2.0 (RFC 822 with four-digit years),
// with the zone written GMT: gorilla/feeds writes "+0000", which some
// readers do not take.
const rfc822 = "Mon, 02 Jan 2006 15:04:05 GMT"

// rssDate formats t for RSS.
func rssDate(t time.Time) string { return t.UTC().Format(rfc822) }

// markupEscaper escapes the characters of text that HTML would read as
// markup.
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// entityLike matches what an HTML reader would decode as a character
// reference.
var entityLike = regexp.MustCompile(`&[#A-Za-z0-9]+;`)

// titleMarkup returns a plain-text title for an element that readers may
// take for HTML (RSS titles, which many readers render as HTML; Atom
// titles, which may say so): a title holding < or > or something like an
// entity is HTML-escaped, and isHTML is true; any other title is written
// as it is, which reads the same as text and as HTML.
func titleMarkup(title string) (s string, isHTML bool) {
	if strings.ContainsAny(title, "<>") || entityLike.MatchString(title) {
		return markupEscaper.Replace(title), true
	}
	return title, false
}

// rssDoc is an RSS 2.0 document: gorilla/feeds' items in a channel that
// also carries atom:link elements (self and WebSub hub), which gorilla's
// channel cannot.
type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	AtomNS  string   `xml:"xmlns:atom,attr"`
	Channel rssChannel
}

// rssItem is gorilla/feeds' item with atom:link elements (the story
// page, as rel="related").
type rssItem struct {
	*feeds.RssItem
	AtomLinks []rssAtomLink `xml:"atom:link"`
}

type rssChannel struct {
	XMLName       xml.Name      `xml:"channel"`
	Title         string        `xml:"title"`
	Link          string        `xml:"link"`
	Description   string        `xml:"description"`
	LastBuildDate string        `xml:"lastBuildDate"`
	TTL           int           `xml:"ttl,omitempty"`
	AtomLinks     []rssAtomLink `xml:"atom:link"`
	Items         []rssItem     `xml:"item"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// FeedXml makes rssDoc a feeds.XmlFeed.
func (d *rssDoc) FeedXml() any { return d }

// newRSS derives the RSS document from the generic feed: the sanitised body
// goes in description (escaped, so no CDATA section to break out of), and
// guids are story URNs, not permalinks.
func newRSS(f *feeds.Feed, entries []entry, m feedMeta) *rssDoc {
	ch := (&feeds.Rss{Feed: f}).RssFeed()
	items := make([]rssItem, len(ch.Items))
	for i, it := range ch.Items {
		it.Title, _ = titleMarkup(entries[i].Title)
		it.PubDate = rssDate(entries[i].Published)
		items[i].RssItem = it
		if m.StoryPages {
			items[i].AtomLinks = []rssAtomLink{{Href: storyURL(m.Home, entries[i].ID), Rel: "related", Type: "text/html"}}
		}
		if it.Content != nil {
			it.Description = it.Content.Content
			it.Content = nil
		}
		it.Author = "" // RSS wants an e-mail address here; feeds give names
		if it.Guid != nil {
			it.Guid.IsPermaLink = "false"
		}
	}
	d := &rssDoc{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom"}
	d.Channel = rssChannel{
		Title:         m.Title,
		Link:          m.Home,
		Description:   m.Description,
		LastBuildDate: rssDate(m.Updated),
		TTL:           int(m.TTL / time.Minute),
		AtomLinks:     []rssAtomLink{{Href: m.Self, Rel: "self", Type: "application/rss+xml"}},
		Items:         items,
	}
	if m.Hub != "" {
		d.Channel.AtomLinks = append(d.Channel.AtomLinks, rssAtomLink{Href: m.Hub, Rel: "hub"})
	}
	return d
}

// atomDoc is an Atom 1.0 document: gorilla/feeds' entries in a feed element
// with several links (alternate, self, hub) and an author, which gorilla's
// feed cannot carry.
type atomDoc struct {
	XMLName  xml.Name `xml:"feed"`
	Xmlns    string   `xml:"xmlns,attr"`
	Title    string   `xml:"title"`
	Subtitle string   `xml:"subtitle,omitempty"`
	ID       string   `xml:"id"`
	Updated  string   `xml:"updated"`
	Links    []feeds.AtomLink
	Author   *feeds.AtomAuthor
	// RFC 5005 (see history): the namespace and its flags.
	XmlnsFH    string  `xml:"xmlns:fh,attr,omitempty"`
	FHArchive  *fhFlag `xml:"fh:archive"`
	FHComplete *fhFlag `xml:"fh:complete"`
	Entries    []atomEntry
}

// atomEntry is gorilla/feeds' entry with a title that can say it is HTML
// (see titleMarkup); the outer Title hides the embedded one.
type atomEntry struct {
	*feeds.AtomEntry
	Title atomTitle `xml:"title"`
}

type atomTitle struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

// FeedXml makes atomDoc a feeds.XmlFeed.
func (d *atomDoc) FeedXml() any { return d }

// newAtom derives the Atom document from the generic feed, adding each
// entry's published time and a rel="related" link per other source.
func newAtom(f *feeds.Feed, entries []entry, m feedMeta) *atomDoc {
	a := (&feeds.Atom{Feed: f}).AtomFeed()
	out := make([]atomEntry, len(a.Entries))
	for i, en := range a.Entries {
		e := entries[i]
		out[i] = atomEntry{AtomEntry: en}
		if text, isHTML := titleMarkup(e.Title); isHTML {
			out[i].Title = atomTitle{Type: "html", Text: text}
		} else {
			out[i].Title = atomTitle{Text: text}
		}
		en.Published = e.Published.Format(time.RFC3339)
		if m.StoryPages {
			en.Links = append(en.Links, feeds.AtomLink{Href: storyURL(m.Home, e.ID), Rel: "related", Type: "text/html"})
		}
		for _, s := range e.Sources[1:] {
			if s.URL != "" {
				en.Links = append(en.Links, feeds.AtomLink{Href: s.URL, Rel: "related", Type: "text/html"})
			}
		}
	}
	name := m.Title
	if name == "" {
		name = "aggregator"
	}
	d := &atomDoc{
		Xmlns:    "http://www.w3.org/2005/Atom",
		Title:    m.Title,
		Subtitle: m.Description,
		ID:       m.ID,
		Updated:  m.Updated.Format(time.RFC3339),
		Author:   &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: name}},
		Entries:  out,
	}
	if m.Home != "" {
		d.Links = append(d.Links, feeds.AtomLink{Href: m.Home, Rel: "alternate", Type: "text/html"})
	}
	d.Links = append(d.Links, feeds.AtomLink{Href: m.Self, Rel: "self", Type: "application/atom+xml"})
	if m.Hub != "" {
		d.Links = append(d.Links, feeds.AtomLink{Href: m.Hub, Rel: "hub"})
	}
	m.History.apply(d)
	return d
}

// jsonDoc is a JSON Feed 1.1 document: gorilla/feeds' feed with items that
// carry the _aggregator extension, which gorilla's items cannot.
type jsonDoc struct {
	*feeds.JSONFeed
	Items []jsonItem `json:"items"`
}

type jsonItem struct {
	*feeds.JSONItem
	Aggregator jsonExt `json:"_aggregator"`
}

// jsonExt is the item extension an evaluation tool relies on: every member
// of the story, the representative first.
type jsonExt struct {
	Sources []jsonSource `json:"sources"`
	// Story is the URL of the story page, when it is served.
	Story string `json:"story,omitempty"`
}

type jsonSource struct {
	Feed      string `json:"feed"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
}

// newJSON derives the JSON Feed document from the generic feed.
func newJSON(f *feeds.Feed, entries []entry, m feedMeta) *jsonDoc {
	j := (&feeds.JSON{Feed: f}).JSONFeed()
	j.FeedUrl = m.Self
	if m.Hub != "" {
		j.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: m.Hub}}
	}
	d := &jsonDoc{JSONFeed: j, Items: make([]jsonItem, 0, len(j.Items))}
	for i, it := range j.Items {
		ext := jsonExt{Sources: make([]jsonSource, 0, len(entries[i].Sources))}
		for _, s := range entries[i].Sources {
			ext.Sources = append(ext.Sources, jsonSource{
				Feed: s.Feed, URL: s.URL, Title: s.Title,
				Published: s.Published.Format(time.RFC3339),
			})
		}
		if m.StoryPages {
			ext.Story = storyURL(m.Home, entries[i].ID)
		}
		d.Items = append(d.Items, jsonItem{JSONItem: it, Aggregator: ext})
	}
	return d
}
