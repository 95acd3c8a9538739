package wiregen_test

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/wiregen"
)

// entry is an RSS item or an Atom entry as encoding/xml reads it.
type entry struct {
	Title string `xml:"title"`
	Link  struct {
		Text string `xml:",chardata"` // RSS
		Href string `xml:"href,attr"` // Atom
	} `xml:"link"`
	GUID        string `xml:"guid"`
	ID          string `xml:"id"`
	PubDate     string `xml:"pubDate"`
	Published   string `xml:"published"`
	Description string `xml:"description"`
	Content     string `xml:"content"`
}

type document struct {
	XMLName xml.Name
	Title   string  `xml:"title"`
	Channel string  `xml:"channel>title"`
	Items   []entry `xml:"channel>item"`
	Entries []entry `xml:"entry"`
}

// TestDocumentsRoundTrip parses every document with encoding/xml and
// checks that it carries its items unchanged.
func TestDocumentsRoundTrip(t *testing.T) {
	spec := wiregen.Spec{Feeds: 20, Items: 10, Bytes: 3000, Dup: 0.5, Seed: 3}
	g := wiregen.New(spec)
	formats := map[bool]int{}
	for i := range spec.Feeds {
		f := g.Feed(i)
		formats[f.Atom]++
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var d document
			if err := xml.Unmarshal(f.Document(), &d); err != nil {
				t.Fatal(err)
			}
			es, title, layout, root := d.Items, d.Channel, time.RFC1123Z, "rss"
			if f.Atom {
				es, title, layout, root = d.Entries, d.Title, time.RFC3339, "feed"
			}
			if d.XMLName.Local != root || title != f.Name || len(es) != len(f.Items) {
				t.Fatalf("<%s> %q with %d items, want <%s> %q with %d", d.XMLName.Local, title, len(es), root, f.Name, len(f.Items))
			}
			for j, it := range f.Items {
				checkEntry(t, f.Atom, layout, es[j], it)
			}
		})
	}
	if formats[true] == 0 || formats[false] == 0 {
		t.Errorf("formats %v, want both Atom and RSS", formats)
	}
}

func checkEntry(t *testing.T, atom bool, layout string, e entry, it wiregen.Item) {
	t.Helper()
	link, guid, date, html := e.Link.Text, e.GUID, e.PubDate, e.Description
	if atom {
		link, guid, date, html = e.Link.Href, e.ID, e.Published, e.Content
	}
	at, err := time.Parse(layout, date)
	if err != nil {
		t.Fatal(err)
	}
	if e.Title != it.Title || link != it.Link || guid != it.GUID || !at.Equal(it.Published) || html != it.HTML {
		t.Errorf("entry %q/%s/%s/%s does not match item %q/%s/%s/%s", e.Title, link, guid, at, it.Title, it.Link, it.GUID, it.Published)
	}
}

// TestStories checks the labels, sizes and dates of the items, with no,
// some and only wire copy.
func TestStories(t *testing.T) {
	now := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		dup  float64
		wire bool // some items copy wire stories
		own  bool // some items are the outlet's own
	}{
		{0, false, true},
		{0.5, true, true},
		{1, true, false},
	} {
		t.Run(fmt.Sprint(c.dup), func(t *testing.T) {
			spec := wiregen.Spec{Feeds: 20, Items: 10, Bytes: 3000, Dup: c.dup, Seed: 3, Now: now}
			g := wiregen.New(spec)
			carriers := map[string]map[string]bool{}
			size, n := 0, 0
			for i := range spec.Feeds {
				f := g.Feed(i)
				guids := map[string]bool{}
				for j, it := range f.Items {
					if j > 0 && it.Published.After(f.Items[j-1].Published) {
						t.Errorf("feed %d: item %d is newer than item %d", i, j, j-1)
					}
					if it.Published.Before(now.Add(-48*time.Hour)) || it.Published.After(now.Add(time.Hour)) {
						t.Errorf("item %s published %s, not within 48 hours before %s to an hour after", it.Link, it.Published, now)
					}
					if guids[it.GUID] {
						t.Errorf("feed %d: GUID %s twice", i, it.GUID)
					}
					guids[it.GUID] = true
					if carriers[it.Story] == nil {
						carriers[it.Story] = map[string]bool{}
					}
					carriers[it.Story][f.Host] = true
					size += len(it.HTML)
					n++
				}
			}
			// Summary-only copies are short, furniture is long: the mean
			// is about 3 KB of HTML.
			if mean := size / n; mean < 2500 || mean > 5000 {
				t.Errorf("mean body of %d bytes, want about 3 KB", mean)
			}
			wire, own, shared := 0, 0, 0
			for st, fs := range carriers {
				switch {
				case strings.HasPrefix(st, "w"):
					wire++
				case len(fs) > 1:
					t.Errorf("own story %s carried by %d feeds", st, len(fs))
				default:
					own++
				}
				if len(fs) > 1 {
					shared++
				}
			}
			if (wire > 0) != c.wire || (own > 0) != c.own || (shared > 0) != c.wire {
				t.Errorf("%d wire stories (%d shared), %d own stories", wire, shared, own)
			}
		})
	}
}

// TestRewrites checks that wire copy comes in the documented versions:
// agencies run it as sent, other outlets rewrite headlines, drop datelines
// and sign-offs and shorten the text.
func TestRewrites(t *testing.T) {
	spec := wiregen.Spec{Feeds: 40, Items: 10, Bytes: 3000, Dup: 1, Seed: 5}
	g := wiregen.New(spec)
	headlines := map[string]string{} // story → agency headline
	var copies []wiregen.Item
	seen := map[string]int{}
	for i := range spec.Feeds {
		f := g.Feed(i)
		for _, it := range f.Items {
			dateline := strings.Contains(it.HTML, "(Wirenet) - ")
			signoff := strings.Contains(it.HTML, "(Reporting by ")
			switch {
			case f.Agency && (!dateline || !signoff):
				t.Errorf("agency copy %s: dateline %v, sign-off %v", it.Link, dateline, signoff)
			case f.Agency:
				headlines[it.Story] = it.Title
			case signoff:
				t.Errorf("outlet copy %s is signed off", it.Link)
			case !dateline:
				seen["dateline dropped"]++
			}
			if !f.Agency {
				copies = append(copies, it)
				if strings.HasPrefix(it.Title, "UPDATE 1-") {
					seen["update"]++
				}
				if strings.HasSuffix(it.Title, " | "+f.Name) {
					seen["signed headline"]++
				}
			}
		}
	}
	for _, it := range copies {
		if h, ok := headlines[it.Story]; ok && h == it.Title {
			seen["headline kept"]++
		}
	}
	for _, k := range []string{"dateline dropped", "update", "signed headline", "headline kept"} {
		if seen[k] == 0 {
			t.Errorf("no outlet copy with %s in %d copies", k, len(copies))
		}
	}
}
