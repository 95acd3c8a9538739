package fetch

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/wirestory/aggregator/news"
)

func rssWithTitle(title string) string {
	return `<rss version="2.0"><channel><title>x</title><item><guid>g</guid><title>` + title + `</title></item></channel></rss>`
}

func atomWithTitle(attrs, title string) string {
	return `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><id>g</id><title` + attrs + `>` + title + `</title></entry></feed>`
}

func jsonWithTitle(title string) string {
	b, _ := json.Marshal(map[string]any{"version": "https://jsonfeed.org/version/1.1", "title": "x",
		"items": []any{map[string]any{"id": "g", "title": title, "content_text": "body"}}})
	return string(b)
}

// TestTitlesStayText: headlines that are text come out as the same text
// (what plain gofeed returns), markup and entities included; HTML titles
// (Atom type="html"/"xhtml", RSS titles that look like HTML) are reduced
// to their text.
func TestTitlesStayText(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
		sameAsGofeed    bool
	}{
		{"rss entities", rssWithTitle(`S&amp;P &lt;1% move, x&lt;y`), "S&P <1% move, x<y", true},
		{"rss unknown tag", rssWithTitle(`&lt;blink&gt; is back`), "<blink> is back", true},
		{"rss html", rssWithTitle(`&lt;b&gt;Bold&lt;/b&gt; move`), "Bold move", false},
		{"rss cdata html", rssWithTitle(`<![CDATA[<em>Storm</em> warning]]>`), "Storm warning", false},
		{"rss escaped twice", rssWithTitle(`AT&amp;amp;T profits`), "AT&T profits", false},
		{"atom text", atomWithTitle(` type="text"`, `&lt;b&gt;bold&lt;/b&gt; AT&amp;amp;T`), "<b>bold</b> AT&amp;T", true},
		{"atom default", atomWithTitle(``, `x &lt; y &amp;&amp; y &gt; z`), "x < y && y > z", true},
		{"atom html", atomWithTitle(` type="html"`, `&lt;b&gt;bold&lt;/b&gt; AT&amp;amp;T`), "bold AT&T", false},
		{"atom xhtml", atomWithTitle(` type="xhtml"`, `<div xmlns="http://www.w3.org/1999/xhtml"><b>bold</b> &amp; more</div>`), "bold & more", false},
		{"json", jsonWithTitle("<b>not markup</b> & more"), "<b>not markup</b> & more", true},
		{"json entity", jsonWithTitle("Tom &amp; Jerry"), "Tom &amp; Jerry", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := parseOne(t, tc.doc)
			if it.Title != tc.want {
				t.Errorf("title %q, want %q", it.Title, tc.want)
			}
			if tc.sameAsGofeed {
				f, err := gofeed.NewParser().ParseString(tc.doc)
				if err != nil || len(f.Items) != 1 {
					t.Fatalf("gofeed: %v", err)
				}
				if it.Title != f.Items[0].Title {
					t.Errorf("title %q, gofeed returns %q", it.Title, f.Items[0].Title)
				}
			}
		})
	}
}

// TestPlainTextBodiesEscaped: plain-text bodies and summaries (JSON Feed
// content_text and summary, Atom type="text") are escaped into HTML that
// shows the same text; HTML bodies are kept.
func TestPlainTextBodiesEscaped(t *testing.T) {
	jsonDoc := `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1",` +
		`"content_text":"1 < 2 & <script>alert(1)</script>\n\nSecond paragraph","summary":"a <b> c"},` +
		`{"id":"2","content_html":"<p>kept</p>","content_text":"ignored"}]}`
	items, err := Parse(strings.NewReader(jsonDoc), "f", "", 0, testNow)
	if err != nil || len(items) != 2 {
		t.Fatalf("json: %v, %d items", err, len(items))
	}
	if want := "<p>1 &lt; 2 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second paragraph</p>"; items[0].Content != want {
		t.Errorf("content_text became %q, want %q", items[0].Content, want)
	}
	if items[0].Summary != "a &lt;b&gt; c" || items[1].Content != "<p>kept</p>" {
		t.Errorf("summary %q, content_html %q", items[0].Summary, items[1].Content)
	}
	atomDoc := `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>` +
		`<entry><id>1</id><title>t</title><summary type="text">x &lt;y&gt; z</summary><content type="text">a &amp;lt; b</content></entry>` +
		`<entry><id>2</id><title>t</title><summary type="html">&lt;p&gt;s&lt;/p&gt;</summary><content type="html">&lt;p&gt;c&lt;/p&gt;</content></entry></feed>`
	items, err = Parse(strings.NewReader(atomDoc), "f", "", 0, testNow)
	if err != nil || len(items) != 2 {
		t.Fatalf("atom: %v, %d items", err, len(items))
	}
	if items[0].Summary != "x &lt;y&gt; z" || items[0].Content != "a &amp;lt; b" {
		t.Errorf("atom text: summary %q content %q", items[0].Summary, items[0].Content)
	}
	if items[1].Summary != "<p>s</p>" || items[1].Content != "<p>c</p>" {
		t.Errorf("atom html: summary %q content %q", items[1].Summary, items[1].Content)
	}
}

// TestHugeFieldsCapped: a 1 MB headline is cut to 300 characters on a
// word boundary with an ellipsis; a huge summary beside a body is capped,
// one that is the body is kept.
func TestHugeFieldsCapped(t *testing.T) {
	huge := strings.Repeat("harbour ferry timetable ", 1<<20/24)
	summary := "<p>" + strings.Repeat("Sailing moves by ten minutes &amp; more. ", 1<<20/40) + "</p>"
	doc := `<rss version="2.0"><channel><title>x</title>` +
		`<item><guid>1</guid><title>` + huge + `</title><description>` + xmlEscape(summary) + `</description>` +
		`<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">body</content:encoded></item>` +
		`<item><guid>2</guid><title>short</title><description>` + xmlEscape(summary) + `</description></item></channel></rss>`
	items, err := Parse(strings.NewReader(doc), "f", "", 0, testNow)
	if err != nil || len(items) != 2 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	title := items[0].Title
	if n := utf8.RuneCountInString(title); n > maxTitleRunes || n < maxTitleRunes/2 || !strings.HasSuffix(title, "…") {
		t.Errorf("title of %d runes: %.80q", n, title)
	}
	if words := strings.Fields(strings.TrimSuffix(title, "…")); words[len(words)-1] != "harbour" && words[len(words)-1] != "ferry" && words[len(words)-1] != "timetable" {
		t.Errorf("title not cut on a word boundary: %q", title)
	}
	s := items[0].Summary
	if len(s) > maxSummaryBytes+len("…") || !strings.HasSuffix(s, "…") || !utf8.ValidString(s) || strings.HasSuffix(strings.TrimSuffix(s, "…"), "&amp") {
		t.Errorf("summary beside a body: %d bytes, ends %q", len(s), s[max(0, len(s)-20):])
	}
	if items[1].Summary != summary {
		t.Errorf("summary that is the body: %d bytes, want %d", len(items[1].Summary), len(summary))
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// TestLooksLikeHTML pins the guess for fields of unknown type.
func TestLooksLikeHTML(t *testing.T) {
	for s, want := range map[string]bool{
		"S&P <1% move, x<y": false, "<blink> is back": false, "plain": false, "AT&T": false,
		"<b>Bold</b>": true, "AT&amp;T": true, "caf&eacute;": true, "&#8217;": true,
		"x</y>": false, "&bogus; </b>": false, "a <br> b": false, "a <br/> &amp; b": true,
	} {
		if got := looksLikeHTML(s); got != want {
			t.Errorf("looksLikeHTML(%q) = %v, want %v", s, got, want)
		}
	}
}

// printableTitle reports whether s is a headline a feed can carry as text
// and readers should see as it is: valid UTF-8, printable, no bidi
// controls, within the title cap.
func printableTitle(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxTitleRunes || strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || news.IsBidiControl(r) {
			return false
		}
	}
	return true
}

// FuzzTitleRoundTrip: any printable title, written as text into an Atom
// feed (type="text" and no type), a JSON Feed and (unless it looks like
// HTML, which RSS cannot tell apart) an RSS feed, is parsed back as the
// same text, its white space folded.
func FuzzTitleRoundTrip(f *testing.F) {
	for _, s := range []string{"S&P <1% move, x<y", "<blink>", "Tom &amp; Jerry", "a ]]> b", "<![CDATA[x]]>", "Café “quoted” – 5 > 3", "&lt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		if !printableTitle(title) {
			return
		}
		want := strings.Join(strings.Fields(title), " ")
		docs := map[string]string{
			"atom text":    atomWithTitle(` type="text"`, xmlEscape(title)),
			"atom default": atomWithTitle(``, xmlEscape(title)),
			"json":         jsonWithTitle(title),
		}
		if !looksLikeHTML(want) {
			docs["rss"] = rssWithTitle(xmlEscape(title))
		}
		for name, doc := range docs {
			items, err := Parse(strings.NewReader(doc), "f", "", 0, testNow)
			if err != nil || len(items) != 1 {
				t.Fatalf("%s: %v, %d items", name, err, len(items))
			}
			if items[0].Title != want {
				t.Errorf("%s: title %q, want %q", name, items[0].Title, want)
			}
		}
	})
}

// TestFutureDatesClamped: dates after the fetch time plus ten minutes,
// year 9999 included, become the fetch time plus ten minutes; earlier
// dates stay.
func TestFutureDatesClamped(t *testing.T) {
	limit := testNow.Add(maxSkew)
	doc := `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>` +
		`<entry><id>1</id><title>a</title><published>2099-01-01T00:00:00Z</published><updated>9999-12-31T23:59:59Z</updated></entry>` +
		`<entry><id>2</id><title>b</title><updated>9999-01-01T00:00:00Z</updated></entry>` +
		fmt.Sprintf(`<entry><id>3</id><title>c</title><published>%s</published></entry>`, testNow.Add(5*time.Minute).Format(time.RFC3339)) +
		`<entry><id>4</id><title>d</title><published>2030-01-02T03:04:05Z</published></entry></feed>`
	items, err := Parse(strings.NewReader(doc), "f", "", 0, testNow)
	if err != nil || len(items) != 4 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	for i, want := range []struct{ published, updated time.Time }{
		{limit, limit}, {limit, limit},
		{testNow.Add(5 * time.Minute), time.Time{}},
		{time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), time.Time{}},
	} {
		if !items[i].Published.Equal(want.published) || !items[i].Updated.Equal(want.updated) {
			t.Errorf("item %d: published %v updated %v, want %v %v", i, items[i].Published, items[i].Updated, want.published, want.updated)
		}
	}
}

// TestMaxItemsKeepsNewest: a feed in ascending date order keeps its
// newest items, in document order; undated items tie and keep the first.
func TestMaxItemsKeepsNewest(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>x</title>`)
	start := testNow.Add(-1000 * time.Hour)
	for i := range 600 {
		fmt.Fprintf(&b, `<item><guid>i-%d</guid><title>Item %d</title><pubDate>%s</pubDate></item>`,
			i, i, start.Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	items, err := Parse(strings.NewReader(b.String()), "f", "", 500, testNow)
	if err != nil || len(items) != 500 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	for j, it := range items {
		if want := fmt.Sprintf("i-%d", 100+j); it.GUID != want {
			t.Fatalf("item %d is %s, want %s", j, it.GUID, want)
		}
	}
	items, err = Parse(strings.NewReader(rssWithTitle("a")+""), "f", "", 1, testNow)
	if err != nil || len(items) != 1 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	undated := `<rss version="2.0"><channel><title>x</title><item><guid>u0</guid></item><item><guid>u1</guid></item><item><guid>u2</guid></item></channel></rss>`
	items, err = Parse(strings.NewReader(undated), "f", "", 2, testNow)
	if err != nil || len(items) != 2 || items[0].GUID != "u0" || items[1].GUID != "u1" {
		t.Fatalf("undated: %v, %+v", err, items)
	}
}
