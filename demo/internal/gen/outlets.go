package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Feed names, as in demo.Feeds.
const (
	meridian  = "meridian-wire"
	coastline = "coastline-news"
	harbour   = "harbour-gazette"
	valley    = "valley-courier"
	northstar = "northstar-daily"
	tidewater = "tidewater-times"
)

// agency is a wire service: it writes the stories the outlets reprint.
type agency struct {
	Code, Name string
	// dateline returns the lead-in the agency puts before the first
	// paragraph.
	dateline func(place string, t time.Time) string
	// signOff returns the closing paragraphs for a story's credit line.
	signOff func(credit string) []string
}

var (
	mpa = &agency{
		Code: "MPA", Name: "Meridian Press Agency",
		dateline: func(place string, t time.Time) string {
			return fmt.Sprintf("%s, %s %d (MPA) - ", place, t.Format("Jan"), t.Day())
		},
		signOff: func(credit string) []string { return []string{credit} },
	}
	cns = &agency{
		Code: "CNS", Name: "Coastline News Service",
		dateline: func(place string, t time.Time) string {
			return fmt.Sprintf("%s, %s. %d (CNS) \u2014 ", place, t.Format("Jan"), t.Day())
		},
		signOff: func(credit string) []string { return []string{"--CNS", credit} },
	}
)

type story struct {
	Key       string // expected story key
	Agency    *agency
	Place     string // dateline place
	Category  string
	Published time.Time
	Title     string
	Paras     []string
	Update    *update
	Credit    string // MPA: reporting credit; CNS: desk initials
	Carriers  []carrier
}

// update is a later version of a story, with paragraphs added.
type update struct {
	At    time.Time
	Title string
	Note  string
	After int // insert the paragraphs after this many
	Paras []string
}

// carrier is one outlet's copy of a story.
type carrier struct {
	Outlet    string
	Title     string        // the outlet's headline; empty: the agency's
	Delay     time.Duration // after the agency published
	Updated   bool          // carries the updated version
	Sentences int           // summary-only outlets: sentences kept
	NoGUID    bool
	Edits     [][2]string // copy edits, applied to the agency's paragraphs
}

// item is an outlet's item, ready to be written in its feed's format.
type item struct {
	Key                string
	Title, Link, GUID  string
	Published, Updated time.Time
	Body, Summary      string // HTML; plain text
	Author, Category   string
}

var harbourLatest = `<div class="latest-news"><h3>LATEST NEWS</h3><ul>` +
	`<li><a href="https://harbourgazette.example/news/tide-gauge-upgrade-finished-ahead-of-winter-57702">Tide gauge upgrade finished ahead of winter</a></li>` +
	`<li><a href="https://harbourgazette.example/news/council-opens-consultation-on-old-town-parking-57731">Council opens consultation on Old Town parking</a></li>` +
	`<li><a href="https://harbourgazette.example/sport/rowing-club-names-new-coach-57744">Rowing club names new coach</a></li>` +
	`<li><a href="https://harbourgazette.example/news/letters-the-harbour-we-want-57750">Letters: the harbour we want</a></li>` +
	`</ul></div>`

const tidewaterDisclaimer = `<p class="disclaimer"><em>This story has not been edited by Tidewater Times staff and is auto-generated from a syndicated feed.</em></p>`

const tidewaterMore = `<p class="more">More from Tidewater Times:&nbsp;<a href="/world/">World</a> | <a href="/business/?utm_source=rss&amp;utm_medium=feed">Business</a> | <a href="/local/">Local</a></p>`

// render makes carrier c's item for story s; n numbers the item.
func render(s *story, c carrier, n int) item {
	it := item{Key: s.Key, Title: c.Title, Published: s.Published.Add(c.Delay), Category: s.Category}
	if it.Title == "" {
		it.Title = s.Title
	}
	ps := s.Paras
	if c.Updated {
		u := s.Update
		it.Updated = u.At.Add(c.Delay)
		ps = append(append(append([]string{}, ps[:u.After]...), u.Paras...), ps[u.After:]...)
		if c.Title == "" {
			it.Title = u.Title
		}
	}
	ps = edited(ps, c.Edits)
	lead := firstSentences(s.Paras, 1)
	dl := s.Agency.dateline(s.Place, s.Published)
	withDateline := append([]string{dl + ps[0]}, ps[1:]...)
	day := s.Published.Format("2006/01/02")
	switch c.Outlet {
	case meridian:
		body := withDateline
		if c.Updated {
			body = append([]string{s.Update.Note}, body...)
		}
		it.Body = paragraphs(append(body, s.Agency.signOff(s.Credit)...))
		it.Summary = lead
		it.Link = "https://meridianpress.example/news/" + day + "/" + slug(s.Title)
		it.GUID = fmt.Sprintf("MPA-%s-%04d", s.Published.Format("20060102"), 300+n)
		it.Author = mpa.Name
	case coastline:
		it.Body = paragraphs(append(withDateline, s.Agency.signOff(s.Credit)...))
		it.Summary = lead
		it.Link = "https://coastlinenews.example/wire/" + day + "/" + slug(s.Title)
		it.GUID = fmt.Sprintf("cns-%s-%03d", s.Published.Format("20060102"), 40+n)
		it.Author = cns.Name
	case harbour:
		body := []string{`<p class="byline">By Staff Writer</p>`, paragraphs(ps),
			fmt.Sprintf(`<p class="source"><em>Source: %s</em></p>`, s.Agency.Name), harbourLatest}
		it.Body = smarten(strings.Join(body, "\n"), false)
		id := 57800 + 3*n
		it.Link = fmt.Sprintf("https://harbourgazette.example/news/%s-%d", slug(it.Title), id)
		it.GUID = fmt.Sprintf("tag:harbourgazette.example,%s:/news/%d", s.Published.Format("2006-01-02"), id)
		it.Author = "Staff Writer"
	case valley:
		it.Summary = firstSentences(ps, c.Sentences)
		it.Link = "https://valleycourier.example/region/" + day + "/" + slug(it.Title) +
			"/?utm_source=rss&utm_medium=feed&utm_campaign=regional"
		it.GUID = fmt.Sprintf("vc-%d", 20410+n)
		it.Author = "Valley Courier"
	case northstar:
		body := paragraphs(append(withDateline, s.Agency.signOff(s.Credit)...))
		link := "https://northstardaily.example/" + day + "/" + slug(it.Title) + ".html"
		share := url.QueryEscape(link)
		body += "\n" + fmt.Sprintf(`<p class="share">Share this: <a href="https://www.facebook.com/sharer/sharer.php?u=%s">Facebook</a> | <a href="https://x.com/intent/post?url=%s">X</a> | <a href="mailto:?subject=Northstar%%20Daily&amp;body=%s">Email</a></p>`, share, share, share)
		it.Body = entities(smarten(body, true))
		it.Link = link
		it.Author = "Northstar Daily newsdesk"
	case tidewater:
		credit := []string{"--" + s.Agency.Code}
		if s.Agency == cns {
			credit = s.Agency.signOff(s.Credit)
		}
		it.Body = paragraphs(append(withDateline, credit...)) + "\n" + tidewaterDisclaimer + "\n" + tidewaterMore
		id := 8800 + 11*n
		it.Link = fmt.Sprintf("https://tidewatertimes.example/world/%s-%d", slug(it.Title), id)
		if n%2 == 1 {
			it.Link += "?utm_source=rss&utm_medium=feed"
		}
		if !c.NoGUID {
			it.GUID = fmt.Sprintf("https://tidewatertimes.example/?p=%d", id)
		}
		it.Author = "Wire service"
	default:
		panic("unknown outlet " + c.Outlet)
	}
	return it
}

// edited applies copy edits to paragraphs, each to its first match; it
// panics on an edit that matches nothing.
func edited(ps []string, edits [][2]string) []string {
	out := append([]string{}, ps...)
	for _, e := range edits {
		i := slices.IndexFunc(out, func(p string) bool { return strings.Contains(p, e[0]) })
		if i < 0 {
			panic(fmt.Sprintf("edit %q matches nothing", e[0]))
		}
		out[i] = strings.Replace(out[i], e[0], e[1], 1)
	}
	return out
}

func paragraphs(ps []string) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		if strings.HasPrefix(p, "<") {
			b.WriteString(p)
			continue
		}
		b.WriteString("<p>" + p + "</p>")
	}
	return b.String()
}
