package main

import (
	"context"
	"encoding/xml"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store"
)

// TestStoryPage runs the daemon on two feeds that carry one story: the
// page links the story's page, the Atom feed gives it as the entry's
// related link, and /stories/ID shows both copies with what the second
// changed, under the page's security headers, with a strong ETag that
// answers 304. When a source edits its copy, the next publish shows the
// edit. Unknown and malformed ids are 404s.
func TestStoryPage(t *testing.T) {
	fs := newFeedServer(t)
	agency, wire := stories("agency", 1), stories("wire", 1)
	fs.set("/agency.rss", rss("Agency", agency))
	fs.set("/wire.rss", rss("Wire", wire))
	td := startDaemon(t, feedConfig(filepath.Join(t.TempDir(), "a.db"), "@every 1s",
		"agency", fs.url("/agency.rss"), "wire", fs.url("/wire.rss")), nil)
	td.logs.wait(t, 0, "the first poll", contains(`msg="poll done"`))

	_, page, _ := td.get(t, "/")
	m := regexp.MustCompile(`href="stories/(s[0-9a-f]+)">every copy and version</a>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page links no story page of a merged story:\n%s", page)
	}
	id := m[1]
	if _, atom, _ := td.get(t, "/feed.atom"); !strings.Contains(atom, `<link href="https://merged.example/stories/`+id+`" rel="related" type="text/html">`) {
		t.Errorf("the Atom entry lacks its story page as a related link:\n%s", atom)
	}
	code, body, h := td.get(t, "/stories/"+id)
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("/stories/%s = %d %s", id, code, h.Get("Content-Type"))
	}
	for _, want := range []string{"2 copies from 2 sources", "agency", "wire", "<del>agency</del> <ins>wire</ins>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the story page lacks %q:\n%s", want, body)
		}
	}
	etag := h.Get("ETag")
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !regexp.MustCompile(`^"[0-9a-f]+(-gzip)?"$`).MatchString(etag) {
		t.Errorf("headers %v: want the page's CSP and a strong ETag", h)
	}
	if code, _, _ := td.get(t, "/stories/"+id, "If-None-Match", etag); code != http.StatusNotModified {
		t.Errorf("conditional GET = %d, want 304", code)
	}

	// The wire edits its copy: the next poll stores it, and the page shows it.
	wire[0].body += " The mayor called the decision hasty."
	fs.set("/wire.rss", rss("Wire", wire))
	i := fs.hits.wait(t, 0, "the first fetch", equals("/wire.rss 200"))
	fs.hits.wait(t, i+1, "the edited copy fetched", equals("/wire.rss 200"))
	// That poll, or a later one, has stored and published it once it is done.
	td.logs.wait(t, len(td.logs.all()), "the poll that fetched the edit to finish", contains(`msg="poll done"`))
	code, body, h = td.get(t, "/stories/"+id, "If-None-Match", etag)
	if code != http.StatusOK || h.Get("ETag") == etag || !strings.Contains(body, "<ins>wire-0. The mayor called the decision hasty.</ins>") {
		t.Errorf("after the edit: %d, ETag %s (was %s), edit shown:\n%s", code, h.Get("ETag"), etag, body)
	}

	for _, path := range []string{"/stories/s0000000000000000000", "/stories/" + id + "x", "/stories/bad%20id", "/stories/%3Cscript%3E"} {
		if code, _, _ := td.get(t, path); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, code)
		}
	}
}

// seedStory stores an item of feed (in a batch of its own, first seen at)
// in the story founded by founder (a guid of feed "seed"; "" founds its
// own) and returns the story's published id.
func seedStory(t *testing.T, db *store.DB, feed, guid, founder string, at time.Time) string {
	t.Helper()
	it := news.Item{Feed: feed, GUID: guid, Link: "https://" + feed + ".example/" + guid, Title: "Story " + guid,
		Content: "<p>The text of " + guid + ", as " + feed + " carried it.</p>", Published: at}
	id := news.ItemID(feed, it.Key())
	sid := news.StoryID(id)
	if founder != "" {
		sid = news.StoryID(news.ItemID("seed", "guid:"+founder))
	}
	e := news.Entry{StoredItem: news.StoredItem{Item: it, ID: id, StoryID: sid, CleanHTML: it.Content}}
	if err := db.Apply(context.Background(), news.Batch{State: news.FeedState{Name: feed}, Items: []news.Entry{e}, Now: at}); err != nil {
		t.Fatal(err)
	}
	return "urn:aggregator:story:" + sid
}

// atomDoc is what a feed reader reads of an Atom document for RFC 5005.
type atomDoc struct {
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Archive  *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
	Complete *struct{} `xml:"http://purl.org/syndication/history/1.0 complete"`
	Entries  []struct {
		ID string `xml:"id"`
	} `xml:"entry"`
}

func (d *atomDoc) link(rel string) string {
	for _, l := range d.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// TestArchiveWalk seeds a store with stories created on the days before
// the last archived one (one day empty, one story gaining a member a day
// later) and runs the daemon on it with max_items 3. A feed reader that
// walks prev-archive from /feed.atom (RFC 5005) reaches every archive
// once and sees every story: each in exactly one archive, or (today's) in
// the subscription feed. Archives carry fh:archive, current, next-archive
// and a long Cache-Control with a strong ETag (304s); their bytes do not
// change when a story of theirs gains a member later. Days not archived
// are 404s.
func TestArchiveWalk(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "a.db")
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	last := pipeline.LastArchived(now)
	day := func(n int) time.Time { return last.AddDate(0, 0, n) }
	want := map[string]bool{}
	for _, s := range []struct {
		guid string
		at   time.Time
	}{{"a1", day(-3).Add(time.Hour)}, {"a2", day(-3).Add(20 * time.Hour)}, {"c1", day(-1)}, {"c2", day(-1).Add(9 * time.Hour)}, {"d1", day(0).Add(23 * time.Hour)}} {
		want[seedStory(t, db, "seed", s.guid, "", s.at)] = true
	}
	seedStory(t, db, "wire", "c1-copy", "c1", day(-1).Add(time.Hour))
	seedStory(t, db, "wire", "c2-late", "c2", day(0).Add(time.Hour))     // joins the day after
	fresh := seedStory(t, db, "seed", "e1", "", day(1).Add(time.Second)) // not archived yet
	want[fresh] = true
	db.Close()

	fs := newFeedServer(t)
	fs.set("/agency.rss", rss("Agency", stories("agency", 2))) // two stories today
	cfg := feedConfig(dbPath, "@every 1h", "agency", fs.url("/agency.rss"))
	cfg = strings.Replace(cfg, "  listen:", "  max_items: 3\n  listen:", 1)
	td := startDaemon(t, cfg, nil)
	td.logs.wait(t, 0, "the first poll", contains(`msg="poll done"`))

	fetch := func(href string) (*atomDoc, string, http.Header) {
		t.Helper()
		code, body, h := td.get(t, strings.TrimPrefix(href, "https://merged.example"))
		if code != http.StatusOK {
			t.Fatalf("%s = %d", href, code)
		}
		var d atomDoc
		if err := xml.Unmarshal([]byte(body), &d); err != nil {
			t.Fatalf("%s: %v", href, err)
		}
		return &d, body, h
	}
	sub, _, _ := fetch("/feed.atom")
	if sub.Complete != nil || sub.link("prev-archive") != "https://merged.example"+output.ArchivePath(last) {
		t.Fatalf("subscription feed: prev-archive %q, complete %v; want the archive of %v", sub.link("prev-archive"), sub.Complete != nil, last)
	}
	inSub := map[string]bool{}
	for _, e := range sub.Entries {
		inSub[e.ID] = true
	}
	if !inSub[fresh] {
		t.Errorf("the subscription feed lacks a story of a day not archived yet")
	}
	for _, e := range sub.Entries[:2] { // today's, from the poll (newest)
		want[e.ID] = true
	}
	seen := map[string]int{}        // in archives
	archives := map[string]string{} // href -> body
	for href := sub.link("prev-archive"); href != ""; {
		if _, dup := archives[href]; dup || len(archives) > 10 {
			t.Fatalf("prev-archive loops back to %s", href)
		}
		d, body, h := fetch(href)
		archives[href] = body
		if d.Archive == nil || d.link("current") != "https://merged.example/feed.atom" || d.link("next-archive") == "" {
			t.Errorf("%s lacks fh:archive, current or next-archive: %+v", href, d)
		}
		if h.Get("Cache-Control") != "public, max-age=2592000" || !strings.HasPrefix(h.Get("ETag"), `"`) {
			t.Errorf("%s: Cache-Control %q, ETag %q", href, h.Get("Cache-Control"), h.Get("ETag"))
		}
		if code, _, _ := td.get(t, strings.TrimPrefix(href, "https://merged.example"), "If-None-Match", h.Get("ETag")); code != http.StatusNotModified {
			t.Errorf("%s: conditional GET = %d, want 304", href, code)
		}
		archived := map[string]bool{}
		for _, e := range d.Entries {
			if archived[e.ID] {
				t.Errorf("%s lists %s twice", href, e.ID)
			}
			archived[e.ID] = true
		}
		for id := range archived {
			seen[id]++
		}
		href = d.link("prev-archive")
	}
	if len(archives) != 4 {
		t.Errorf("walked %d archives, want 4 (days -3 to 0, one of them empty)", len(archives))
	}
	// Every story is in exactly one archive or, not archived yet, in the
	// subscription feed. (The subscription may also hold stories of the
	// newest archives when the current day has fewer than max_items:
	// RFC 5005 lets them overlap, with the same atom:id.)
	for id := range want {
		if seen[id] > 1 || seen[id] == 0 && !inSub[id] {
			t.Errorf("story %s in %d archives (in the subscription feed: %v); want exactly one, or the subscription", id, seen[id], inSub[id])
		}
	}
	for id := range seen {
		if !want[id] {
			t.Errorf("an archive lists %s, which is no story of the store", id)
		}
	}
	prev := "https://merged.example" + output.ArchivePath(day(-1))
	if strings.Contains(archives[prev], "wire.example/c2-late") || !strings.Contains(archives[prev], "wire.example/c1-copy") {
		t.Errorf("the archive of day -1 shows the story as it stood at the day's end: with c1-copy, without c2-late")
	}

	// A member joining an archived story today leaves the archive's bytes alone.
	db2, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	from := len(td.logs.all())
	seedStory(t, db2, "wire", "c1-later", "c1", time.Now())
	db2.Close()
	i := td.logs.wait(t, from, "the daemon to see the change", contains("the store changed since the last publish"))
	td.logs.wait(t, i, "the publish after it", contains(`msg=published`))
	if _, body, _ := fetch(prev); body != archives[prev] {
		t.Errorf("the archive of day -1 changed when a story of it gained a member today")
	}

	for _, p := range []string{output.ArchivePath(day(1)), output.ArchivePath(day(-4)), "/archive/2026-13-01.atom", "/archive/latest.atom", "/archive/" + day(-1).Format("2006-01-02") + ".rss"} {
		if code, _, _ := td.get(t, p); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, code)
		}
	}
}
