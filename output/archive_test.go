package output

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRenderArchive: an archive document carries fh:archive and the links
// self, current, prev-archive and next-archive, its entries as the main
// feed has them, and the same bytes for the same archive; an empty day is
// a valid feed dated by its end.
func TestRenderArchive(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	a := Archive{Day: day, Stories: sampleStories(), Prev: day.AddDate(0, 0, -1), Next: day.AddDate(0, 0, 1)}
	doc, err := RenderArchive(a, sampleOptions())
	if err != nil {
		t.Fatal(err)
	}
	body := string(doc.Body)
	for _, want := range []string{
		`xmlns:fh="http://purl.org/syndication/history/1.0"`,
		`<fh:archive></fh:archive>`,
		`<link href="http://127.0.0.1:8080/archive/2026-03-02.atom" rel="self" type="application/atom+xml">`,
		`<link href="http://127.0.0.1:8080/feed.atom" rel="current" type="application/atom+xml">`,
		`<link href="http://127.0.0.1:8080/archive/2026-03-01.atom" rel="prev-archive" type="application/atom+xml">`,
		`<link href="http://127.0.0.1:8080/archive/2026-03-03.atom" rel="next-archive" type="application/atom+xml">`,
		`<id>urn:aggregator:story:s-lighthouse</id>`,
		`<title>Merged News: archive of 2026-03-02</title>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("archive lacks %s", want)
		}
	}
	if doc.ContentType != "application/atom+xml; charset=utf-8" || doc.Self != "http://127.0.0.1:8080/archive/2026-03-02.atom" {
		t.Errorf("doc %q self %q", doc.ContentType, doc.Self)
	}
	again, _ := RenderArchive(a, sampleOptions())
	if !bytes.Equal(doc.Body, again.Body) {
		t.Error("the same archive rendered different bytes")
	}
	empty, err := RenderArchive(Archive{Day: day}, sampleOptions())
	if err != nil || !strings.Contains(string(empty.Body), "<updated>2026-03-03T00:00:00Z</updated>") || strings.Contains(string(empty.Body), "prev-archive") {
		t.Errorf("an empty first day: %v\n%s", err, empty.Body)
	}
}

// TestSubscriptionHistory: with Archives, the main Atom feed says
// fh:complete when it holds every story, else links the newest archive
// with prev-archive; tag feeds and the other formats carry neither, nor
// does anything without Archives.
func TestSubscriptionHistory(t *testing.T) {
	prev := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	in := input(sampleStories(), nil, sampleTags)
	in.PrevArchive = prev
	for _, tc := range []struct {
		name     string
		archives bool
		max      int
		want     string // in /feed.atom; "" for no history
	}{
		{"off", false, 3, ""},
		{"no limit", true, 0, "<fh:complete></fh:complete>"},
		{"under the limit", true, 4, "<fh:complete></fh:complete>"},
		{"cut", true, 3, `<link href="http://127.0.0.1:8080/archive/2026-03-01.atom" rel="prev-archive" type="application/atom+xml">`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := sampleOptions()
			opts.Archives, opts.MaxItems = tc.archives, tc.max
			docs, err := Render(in, opts)
			if err != nil {
				t.Fatal(err)
			}
			atom := string(docs["/feed.atom"].Body)
			if tc.want == "" && strings.Contains(atom, "history/1.0") || tc.want != "" && !strings.Contains(atom, tc.want) {
				t.Errorf("/feed.atom: want %q:\n%s", tc.want, atom)
			}
			if strings.Contains(atom, "complete") && strings.Contains(atom, "prev-archive") {
				t.Error("a feed both complete and archived")
			}
			for _, p := range []string{"/tags/coast.atom", "/feed.rss", "/feed.json"} {
				if b := string(docs[p].Body); strings.Contains(b, "history/1.0") || strings.Contains(b, "prev-archive") {
					t.Errorf("%s carries the history", p)
				}
			}
		})
	}
	in.PrevArchive = time.Time{}
	opts := sampleOptions()
	opts.Archives, opts.MaxItems = true, 3
	docs, _ := Render(in, opts)
	if b := string(docs["/feed.atom"].Body); strings.Contains(b, "prev-archive") || strings.Contains(b, "complete") {
		t.Errorf("no archive yet and cut: want neither link nor complete:\n%s", b)
	}
}

// TestArchiveRelaxNG validates an archive, an empty archive and a
// subscription feed with its history and story links against the Atom
// schema (foreign elements allowed where RFC 4287 allows them).
func TestArchiveRelaxNG(t *testing.T) {
	need(t, "/usr/bin/jing")
	schema := filepath.Join("..", "..", "shared", "schemas", "atom.rnc")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("schema %s absent", schema)
	}
	dir := t.TempDir()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	opts := sampleOptions()
	opts.Archives, opts.StoryPages, opts.MaxItems = true, true, 2
	in := input(sampleStories(), nil, sampleTags)
	in.PrevArchive = day
	docs, err := Render(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := RenderArchive(Archive{Day: day, Stories: sampleStories(), Prev: day.AddDate(0, 0, -1), Next: day.AddDate(0, 0, 1)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := RenderArchive(Archive{Day: day}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for name, b := range map[string][]byte{"feed.atom": docs["/feed.atom"].Body, "archive.atom": arch.Body, "empty.atom": empty.Body} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	run(t, "/usr/bin/jing", append([]string{"-c", schema}, files...)...)
}

// TestFeedparserHistory: feedparser reads the feeds with story links and
// history, and an archive, without complaint, with every entry's id.
func TestFeedparserHistory(t *testing.T) {
	need(t, "/usr/bin/python3")
	if err := exec.Command("/usr/bin/python3", "-c", "import feedparser").Run(); err != nil {
		skipUnlessCI(t, "python3-feedparser not installed")
	}
	opts := sampleOptions()
	opts.Archives, opts.StoryPages, opts.MaxItems = true, true, 3
	s, _ := newTestServer(t, opts)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	arch, err := RenderArchive(Archive{Day: day, Stories: hostileStories(), Next: day.AddDate(0, 0, 1)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.Handle("/archive.atom", NewResource(arch, day, ArchiveMaxAge))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var got map[string]struct {
		Bozo           int
		Error, Version string
		IDs            []string
	}
	urls := []string{srv.URL + "/feed.rss", srv.URL + "/feed.atom", srv.URL + "/archive.atom"}
	if err := json.Unmarshal(run(t, "/usr/bin/python3", append([]string{"-c", feedparserScript}, urls...)...), &got); err != nil {
		t.Fatal(err)
	}
	for i, u := range urls {
		if r := got[u]; r.Bozo != 0 || len(r.IDs) != []int{3, 3, len(hostileStories())}[i] {
			t.Errorf("%s: bozo %d (%s), %s, ids %q", u, r.Bozo, r.Error, r.Version, r.IDs)
		}
	}
}
