package output

import (
	"fmt"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/wirestory/aggregator/news"
)

// Feed history (RFC 5005, "Feed Paging and Archiving"). The subscription
// feed (/feed.atom) links the newest archive with prev-archive, or says
// fh:complete when it holds every story (then no archive is needed). Each
// UTC day has an archive document, /archive/YYYY-MM-DD.atom, holding the
// stories created that day as they stood at its end, with fh:archive and
// the links current (the subscription feed), prev-archive and
// next-archive. A reader that walks prev-archive from the subscription
// feed meets every story in exactly one archive.

// fhNS is the namespace of RFC 5005's elements.
const fhNS = "http://purl.org/syndication/history/1.0"

// ArchiveMaxAge is the Cache-Control max-age of an archive: once
// published it does not change.
const ArchiveMaxAge = 30 * 24 * time.Hour

// Archive is the content of one day's archive document. Stories are
// ordered newest first, each with its representative first.
type Archive struct {
	Day     time.Time // the UTC day, at midnight
	Stories []news.Story
	// Prev and Next are the days the prev-archive and next-archive links
	// name; the zero time for none.
	Prev, Next time.Time
}

// ArchivePath returns the URL path of the archive of the UTC day of t,
// "/archive/2026-12-01.atom".
func ArchivePath(t time.Time) string {
	return "/archive/" + t.UTC().Format(time.DateOnly) + ".atom"
}

// history is what a feed carries of RFC 5005: its flags and links.
type history struct {
	Archive, Complete bool
	Links             []feeds.AtomLink
}

// fhFlag is an empty element of the fh namespace.
type fhFlag struct{}

// apply adds the history to an Atom document.
func (h history) apply(d *atomDoc) {
	if h.Archive || h.Complete {
		d.XmlnsFH = fhNS
	}
	if h.Archive {
		d.FHArchive = &fhFlag{}
	}
	if h.Complete {
		d.FHComplete = &fhFlag{}
	}
	d.Links = append(d.Links, h.Links...)
}

// subscriptionHistory sets the history of the main feed, n stories long,
// when opts publishes archives: fh:complete when it holds every story,
// else a prev-archive link to the newest archive, if any.
func subscriptionHistory(m *feedMeta, in Input, opts Options, n int) {
	switch {
	case !opts.Archives:
	case opts.MaxItems <= 0 || n < opts.MaxItems:
		m.History.Complete = true
	case !in.PrevArchive.IsZero():
		m.History.Links = append(m.History.Links, archiveLink(opts.Link, "prev-archive", in.PrevArchive))
	}
}

func archiveLink(base, rel string, day time.Time) feeds.AtomLink {
	path := strings.TrimSuffix(strings.TrimPrefix(ArchivePath(day), "/"), ".atom")
	return feeds.AtomLink{Href: feedURL(base, path, "atom"), Rel: rel, Type: "application/atom+xml"}
}

// RenderArchive renders the Atom archive document of a: its entries as in
// the main feed, fh:archive, and the links self, current, prev-archive
// and next-archive. The same archive gives the same bytes: its dates come
// from its stories (an empty day is dated by its end).
func RenderArchive(a Archive, opts Options) (Doc, error) {
	entries := newEntries(a.Stories)
	path := strings.TrimSuffix(strings.TrimPrefix(ArchivePath(a.Day), "/"), ".atom")
	m := newMeta(opts, path, "atom", "", entries)
	m.Title = fmt.Sprintf("%s: archive of %s", cmpOrTitle(opts.Title), a.Day.UTC().Format(time.DateOnly))
	if len(entries) == 0 {
		m.Updated = a.Day.UTC().AddDate(0, 0, 1)
	}
	m.History.Archive = true
	m.History.Links = append(m.History.Links, feeds.AtomLink{Href: feedURL(opts.Link, "feed", "atom"), Rel: "current", Type: "application/atom+xml"})
	if !a.Prev.IsZero() {
		m.History.Links = append(m.History.Links, archiveLink(opts.Link, "prev-archive", a.Prev))
	}
	if !a.Next.IsZero() {
		m.History.Links = append(m.History.Links, archiveLink(opts.Link, "next-archive", a.Next))
	}
	b, err := renderEntries("atom", entries, m)
	if err != nil {
		return Doc{}, fmt.Errorf("render archive %s: %w", a.Day.UTC().Format(time.DateOnly), err)
	}
	return Doc{Body: b, ContentType: contentTypes["atom"], Self: m.Self}, nil
}

func cmpOrTitle(t string) string {
	if t == "" {
		return "aggregator"
	}
	return t
}
