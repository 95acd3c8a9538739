package fetch

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/wirestory/aggregator/news"
)

func encode(t testing.TB, enc encoding.Encoding, s string) string {
	t.Helper()
	out, err := enc.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func parseOne(t *testing.T, doc string) news.Item {
	t.Helper()
	items, err := Parse(strings.NewReader(doc), "f", "https://base.example/feed", 0, testNow)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	return items[0]
}

func TestParseDeclaredCharsets(t *testing.T) {
	for _, tc := range []struct {
		name, label, title string
		enc                encoding.Encoding
	}{
		{"windows-1251", "windows-1251", "Новый мост через реку Тихую открыт", charmap.Windows1251},
		{"shift_jis", "Shift_JIS", "港町の花火大会は土曜日に延期", japanese.ShiftJIS},
		{"iso-8859-1", "ISO-8859-1", "Fête du vin à Château-Neuf", charmap.ISO8859_1},
		{"euc-jp", "EUC-JP", "山間の村に新しい図書館", japanese.EUCJP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + tc.label + `"?>` +
				`<rss version="2.0"><channel><title>x</title><item><title>` + tc.title +
				`</title><guid>g</guid><description>` + tc.title + `</description></item></channel></rss>`
			it := parseOne(t, encode(t, tc.enc, doc))
			if it.Title != tc.title || it.Summary != tc.title {
				t.Errorf("title %q summary %q, want %q", it.Title, it.Summary, tc.title)
			}
		})
	}
}

func TestParseUTF16WithBOM(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>` +
		`<entry><id>e1</id><title>Brücke über den Fluss</title><link href="/a/1"/></entry></feed>`
	u16 := []byte{0xFF, 0xFE}
	for _, r := range doc {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	it := parseOne(t, string(u16))
	if it.Title != "Brücke über den Fluss" || it.Link != "https://base.example/a/1" {
		t.Errorf("item = %+v", it)
	}
}

func TestParseMislabelledAndInvalidUTF8(t *testing.T) {
	utf8Doc := `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>x</title>` +
		`<item><title>Ärger über Straßenbahn</title><guid>g</guid></item></channel></rss>`
	if it := parseOne(t, utf8Doc); it.Title != "Ärger über Straßenbahn" {
		t.Errorf("UTF-8 declared as Latin-1: title %q", it.Title)
	}
	broken := `<rss version="2.0"><channel><title>x</title><item><title>Caf` + "\xc3\xa9 \xff\xfe bad\x01" +
		`</title><guid>g</guid><description>ok` + "\x00" + `</description></item></channel></rss>`
	it := parseOne(t, broken)
	if !utf8.ValidString(it.Title) || !strings.Contains(it.Title, "Café") || !strings.Contains(it.Title, "\uFFFD") {
		t.Errorf("invalid UTF-8 title came out as %q", it.Title)
	}
	if it.Summary != "ok" {
		t.Errorf("summary %q", it.Summary)
	}
	latin := `<rss version="2.0"><channel><title>x</title><item><title>` + encode(t, charmap.Windows1252, "Crème brûlée “special”") +
		`</title><guid>g</guid></item></channel></rss>`
	if it := parseOne(t, latin); it.Title != "Crème brûlée “special”" {
		t.Errorf("undeclared windows-1252: title %q", it.Title)
	}
}

func TestParseFormats(t *testing.T) {
	for _, tc := range []struct{ name, doc, title, link, guid string }{
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="https://atom.example/"/>` +
			`<entry><id>tag:atom.example,2031:1</id><title type="html">Tide &lt;b&gt;tables&lt;/b&gt;</title>` +
			`<link href="/stories/1#top"/><updated>2031-06-02T10:00:00Z</updated></entry></feed>`,
			"Tide tables", "https://base.example/stories/1#top", "tag:atom.example,2031:1"},
		{"json", `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":42,` +
			`"url":"https://json.example/p/42?fbclid=zzz","title":"Lighthouse repainted","content_html":"<p>Red.</p>"}]}`,
			"Lighthouse repainted", "https://json.example/p/42?fbclid=zzz", "42"},
		{"rdf", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">` +
			`<channel><title>t</title></channel><item><title>Orchard fair</title><link>https://rdf.example/1</link></item></rdf:RDF>`,
			"Orchard fair", "https://rdf.example/1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := parseOne(t, tc.doc)
			if it.Title != tc.title || it.Link != tc.link || it.GUID != tc.guid {
				t.Errorf("got title %q link %q guid %q", it.Title, it.Link, it.GUID)
			}
			if it.CanonicalLink != CanonicalURL(tc.link) {
				t.Errorf("canonical %q", it.CanonicalLink)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"html":            `<!DOCTYPE html><html><body>not a feed</body></html>`,
		"empty":           ``,
		"json wrong type": `{"version":"https://jsonfeed.org/version/1.1","title":7,"items":"none"}`,
		"json broken":     `{"items":[{"id":1,`,
		"truncated xml":   `<rss version="2.0"><channel><title>x</title><item><title>cut`,
	} {
		items, err := Parse(strings.NewReader(doc), "f", "", 0, testNow)
		if err == nil && len(items) > 0 {
			t.Errorf("%s: %d items, no error", name, len(items))
			continue
		}
		if err != nil && !strings.HasPrefix(err.Error(), "parse feed: ") {
			t.Errorf("%s: error %q does not name the operation", name, err)
		}
	}
	if _, err := Parse(strings.NewReader("<html></html>"), "f", "", 0, testNow); !errors.Is(err, ErrNotFeed) {
		t.Errorf("html: err %v, want ErrNotFeed", err)
	}
}

func TestParseItemDetails(t *testing.T) {
	doc := `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>x</title>` +
		`<item><title>  Storm   warning </title><guid>dup</guid><category>Weather</category><category> Weather </category>` +
		`<category></category><dc:creator>R. Alder</dc:creator></item>` +
		`<item><title>Repeat</title><guid>dup</guid></item>` +
		`<item><title>No date</title><link>https://d.example/n</link></item></channel></rss>`
	items, err := Parse(strings.NewReader(doc), "f", "", 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("%d items, want 2 (duplicate GUID dropped)", len(items))
	}
	first := items[0]
	if first.Title != "Storm warning" || first.Author != "R. Alder" || len(first.Categories) != 1 || first.Categories[0] != "Weather" {
		t.Errorf("first = %+v", first)
	}
	if !items[1].Published.Equal(testNow) || !items[1].Updated.IsZero() {
		t.Errorf("undated item: published %v updated %v", items[1].Published, items[1].Updated)
	}
}

func TestParseTooLarge(t *testing.T) {
	doc := strings.Repeat(" ", DefaultMaxBodyBytes+1)
	if _, err := Parse(strings.NewReader(doc), "f", "", 0, time.Now()); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestParseRepairsMistypedJSONFeed(t *testing.T) {
	doc := `{"version":"https://jsonfeed.org/version/1.1","title":["Wrong"],"author":"Desk",` +
		`"items":[{"id":9007199254740993,"title":12,"author":"M. Reed","tags":"harbour","image":{"url":"x"},` +
		`"url":"https://json.example/9","content_html":"<p>Body</p>","attachments":{"url":"a.mp3"}},"junk"]}`
	items, err := Parse(strings.NewReader(doc), "f", "", 0, testNow)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	it := items[0]
	if it.GUID != "9007199254740993" || it.Title != "12" || it.Author != "M. Reed" ||
		len(it.Categories) != 1 || it.Categories[0] != "harbour" || it.Content != "<p>Body</p>" {
		t.Errorf("item = %+v", it)
	}
}
