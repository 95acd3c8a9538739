package demo

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"
)

// feedItem is what the tests need of an item, in any of the formats.
type feedItem struct {
	Link, GUID, Body, Date string
}

type rss2Doc struct {
	Items []struct {
		Link        string `xml:"link"`
		GUID        string `xml:"guid"`
		PubDate     string `xml:"pubDate"`
		Description string `xml:"description"`
		Encoded     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	} `xml:"channel>item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

type atomDoc struct {
	Entries []struct {
		ID        string     `xml:"id"`
		Links     []atomLink `xml:"link"`
		Published string     `xml:"published"`
		Content   string     `xml:"content"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

type rdfDoc struct {
	Items []struct {
		About       string `xml:"http://www.w3.org/1999/02/22-rdf-syntax-ns# about,attr"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		Date        string `xml:"http://purl.org/dc/elements/1.1/ date"`
	} `xml:"http://purl.org/rss/1.0/ item"`
}

type jsonDoc struct {
	Version string `json:"version"`
	Items   []struct {
		ID            string `json:"id"`
		URL           string `json:"url"`
		ContentHTML   string `json:"content_html"`
		Summary       string `json:"summary"`
		DatePublished string `json:"date_published"`
	} `json:"items"`
}

// checkWellFormed reads every token of an XML document.
func checkWellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// parseFeed parses a demo feed with the standard library alone.
func parseFeed(t *testing.T, name string, data []byte) []feedItem {
	t.Helper()
	var items []feedItem
	if strings.HasSuffix(name, ".json") {
		var doc jsonDoc
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		if doc.Version != "https://jsonfeed.org/version/1.1" {
			t.Errorf("%s: version %q", name, doc.Version)
		}
		for _, it := range doc.Items {
			items = append(items, feedItem{it.URL, it.ID, it.ContentHTML, it.DatePublished})
		}
		return items
	}
	if err := checkWellFormed(data); err != nil {
		t.Fatalf("%s is not well-formed: %v", name, err)
	}
	var root struct{ XMLName xml.Name }
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	var err error
	switch root.XMLName.Local {
	case "rss":
		var doc rss2Doc
		err = xml.Unmarshal(data, &doc)
		for _, it := range doc.Items {
			body := it.Encoded
			if body == "" {
				body = it.Description
			}
			date, perr := time.Parse(time.RFC1123Z, it.PubDate)
			if perr != nil {
				t.Errorf("%s: pubDate: %v", name, perr)
			}
			items = append(items, feedItem{it.Link, it.GUID, body, date.Format(time.RFC3339)})
		}
	case "feed":
		var doc atomDoc
		err = xml.Unmarshal(data, &doc)
		for _, e := range doc.Entries {
			i := slices.IndexFunc(e.Links, func(l atomLink) bool { return l.Rel == "" || l.Rel == "alternate" })
			if i < 0 {
				t.Errorf("%s: entry %s has no alternate link", name, e.ID)
				continue
			}
			items = append(items, feedItem{e.Links[i].Href, e.ID, e.Content, e.Published})
		}
	case "RDF":
		var doc rdfDoc
		err = xml.Unmarshal(data, &doc)
		for _, it := range doc.Items {
			if it.About != it.Link {
				t.Errorf("%s: rdf:about %q differs from link %q", name, it.About, it.Link)
			}
			items = append(items, feedItem{it.Link, it.About, it.Description, it.Date})
		}
	default:
		t.Fatalf("%s: unknown root element %v", name, root.XMLName)
	}
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return items
}

// canonical is the link as Expected keys it: without query and fragment.
func canonical(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() {
		t.Errorf("bad item link %q: %v", link, err)
		return link
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

func TestFeedFilesExist(t *testing.T) {
	listed := map[string]bool{}
	for _, f := range Feeds() {
		if listed[f.File] {
			t.Errorf("%s listed twice", f.File)
		}
		listed[f.File] = true
		if _, err := fs.Stat(FS, f.File); err != nil {
			t.Errorf("feed %s: %v", f.Name, err)
		}
		if f.Name != strings.TrimSuffix(path.Base(f.File), path.Ext(f.File)) {
			t.Errorf("feed %s has file %s", f.Name, f.File)
		}
	}
	files, err := fs.Glob(FS, "feeds/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if !listed[name] {
			t.Errorf("%s is in FS but not in Feeds", name)
		}
	}
}

func TestFeedsMatchExpected(t *testing.T) {
	expected := Expected()
	seen := map[string]string{} // canonical link -> feed
	asOf := AsOf()
	for _, f := range Feeds() {
		t.Run(f.Name, func(t *testing.T) {
			data, err := fs.ReadFile(FS, f.File)
			if err != nil {
				t.Fatal(err)
			}
			items := parseFeed(t, f.File, data)
			if len(items) == 0 {
				t.Fatal("no items")
			}
			for _, it := range items {
				link := canonical(t, it.Link)
				if other, dup := seen[link]; dup {
					t.Errorf("link %s also in %s", link, other)
				}
				seen[link] = f.Name
				if _, ok := expected[link]; !ok {
					t.Errorf("item %s is not in Expected", link)
				}
				if strings.TrimSpace(it.Body) == "" {
					t.Errorf("item %s has no text", link)
				}
				date, err := time.Parse(time.RFC3339, it.Date)
				switch {
				case err != nil:
					t.Errorf("item %s: date: %v", link, err)
				case date.After(asOf) || date.Before(asOf.AddDate(0, 0, -5)):
					t.Errorf("item %s: date %v not in the five days before %v", link, date, asOf)
				}
			}
		})
	}
	for link := range expected {
		if _, ok := seen[link]; !ok {
			t.Errorf("Expected has %s, which no feed carries", link)
		}
	}
	if n := len(seen); n < 40 || n > 60 {
		t.Errorf("%d items, want 40 to 60", n)
	}
	if n := len(StoryKeys()); n < 12 || n > 15 {
		t.Errorf("%d stories, want 12 to 15", n)
	}
}

// TestBodiesAreHTML checks that each full body, unescaped once by its
// feed's format, parses as HTML fragments with known entities.
func TestBodiesAreHTML(t *testing.T) {
	for _, f := range Feeds() {
		data, err := fs.ReadFile(FS, f.File)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range parseFeed(t, f.File, data) {
			d := xml.NewDecoder(strings.NewReader("<body>" + it.Body + "</body>"))
			d.Entity = xml.HTMLEntity
			d.AutoClose = xml.HTMLAutoClose
			for {
				_, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Errorf("%s: %s: body: %v", f.Name, it.Link, err)
					break
				}
			}
		}
	}
}
