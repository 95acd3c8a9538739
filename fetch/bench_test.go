package fetch

import (
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// The benchmarks below parse feeds shaped like an outlet's: 50 items, each
// with about 3 KB of article HTML escaped into <content:encoded> (Atom:
// <content type="html">) and its lead paragraph into <description>
// (<summary>). All text is fictional and generated here.

const realisticItems = 50

var (
	realisticRSS  = realisticRSSFeed(realisticItems)
	realisticAtom = realisticAtomFeed(realisticItems)
	// realisticLatin1 is realisticRSS as older systems publish it: ASCII
	// only, other characters as references, declared ISO-8859-1.
	realisticLatin1 = strings.NewReplacer("é", "&#233;", "ï", "&#239;", "“", "&#8220;", "”", "&#8221;", "–", "&#8211;",
		`encoding="UTF-8"`, `encoding="ISO-8859-1"`).Replace(realisticRSS)
)

// benchWords is the vocabulary of the generated articles; a few words
// carry the non-ASCII letters and punctuation of real copy.
var benchWords = strings.Fields(`harbour council ferry timetable lantern valley
	orchard bridge river tide mayor board museum library festival storm
	warning rail station café résumé naïve “quoted” – evening morning
	residents visitors said announced would could planning season market
	square fishermen lighthouse school budget roadworks weekend village`)

// articleHTML returns the body of article i: about 3 KB of paragraphs with
// links, emphasis and an image, as a CMS renders them.
func articleHTML(i int) (lead, body string) {
	var b strings.Builder
	w := i * 7
	word := func() string { w = (w*31 + 17) % 1009; return benchWords[w%len(benchWords)] }
	sentence := func() {
		n := 9 + w%8
		for j := range n {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word())
		}
		b.WriteString(". ")
	}
	for p := 0; b.Len() < 3000; p++ {
		b.WriteString("<p>")
		for s := range 4 {
			sentence()
			if s == 1 {
				fmt.Fprintf(&b, `<a href="https://courier.example/topics/%s?ref=%d">%s &amp; %s</a> `, word(), p, word(), word())
			}
		}
		b.WriteString("</p>\n")
		if p == 0 {
			lead = b.String()
			fmt.Fprintf(&b, `<figure><img src="https://img.courier.example/%d/%d.jpg" alt="%s"/>`+
				`<figcaption><em>%s</em></figcaption></figure>`+"\n", i, p, word(), word())
		}
	}
	return lead, b.String()
}

func realisticRSSFeed(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">` + "\n" +
		`<channel><title>Lantern Valley Courier</title><link>https://courier.example/</link>` +
		`<atom:link href="https://courier.example/rss" rel="self" type="application/rss+xml"/>` +
		`<description>News from the valley</description><language>en-gb</language><ttl>15</ttl>` + "\n")
	for i := range n {
		lead, body := articleHTML(i)
		fmt.Fprintf(&b, "<item>\n<title>Ferry timetable change %d: “harbour board” &amp; council agree</title>\n"+
			"<link>https://courier.example/news/2031/06/ferry-%d?utm_source=rss</link>\n"+
			"<guid isPermaLink=\"false\">courier-%d</guid>\n<pubDate>Mon, 02 Jun 2031 10:%02d:00 +0100</pubDate>\n"+
			"<dc:creator><![CDATA[R. Alder]]></dc:creator>\n<category><![CDATA[Transport]]></category><category>Harbour</category>\n"+
			"<description>%s</description>\n<content:encoded>%s</content:encoded>\n</item>\n",
			i, i, i, i%60, html.EscapeString(lead), html.EscapeString(body))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func realisticAtomFeed(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>Lantern Valley Courier</title>` +
		`<link href="https://courier.example/"/><id>tag:courier.example,2031:feed</id>` +
		`<updated>2031-06-02T10:00:00Z</updated><author><name>Courier desk</name></author>` + "\n")
	for i := range n {
		lead, body := articleHTML(i)
		fmt.Fprintf(&b, "<entry>\n<id>tag:courier.example,2031:%d</id>\n"+
			"<title type=\"html\">Ferry timetable change %d: “harbour board” &amp;amp; council agree</title>\n"+
			"<link rel=\"alternate\" href=\"/news/2031/06/ferry-%d\"/>\n"+
			"<published>2031-06-02T10:%02d:00+01:00</published><updated>2031-06-02T11:%02d:00+01:00</updated>\n"+
			"<author><name>R. Alder</name></author><category term=\"Transport\"/>\n"+
			"<summary type=\"html\">%s</summary>\n<content type=\"html\">%s</content>\n</entry>\n",
			i, i, i, i%60, i%60, html.EscapeString(lead), html.EscapeString(body))
	}
	b.WriteString("</feed>\n")
	return b.String()
}

// benchParse runs Parse on doc, reporting bytes and items per second.
func benchParse(b *testing.B, doc string) {
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		items, err := Parse(strings.NewReader(doc), "bench", "https://courier.example/rss", 0, testNow)
		if err != nil || len(items) != realisticItems {
			b.Fatal(fmt.Sprint(len(items), err))
		}
	}
	b.ReportMetric(float64(realisticItems*b.N)/b.Elapsed().Seconds(), "items/s")
}

// benchGofeed runs gofeed's universal parser alone on doc: the floor that
// Parse's own work adds to.
func benchGofeed(b *testing.B, doc string) {
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		f, err := gofeed.NewParser().ParseString(doc)
		if err != nil || len(f.Items) != realisticItems {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(realisticItems*b.N)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkRealisticRSSParse(b *testing.B)  { benchParse(b, realisticRSS) }
func BenchmarkRealisticRSSGofeed(b *testing.B) { benchGofeed(b, realisticRSS) }

func BenchmarkRealisticAtomParse(b *testing.B)  { benchParse(b, realisticAtom) }
func BenchmarkRealisticAtomGofeed(b *testing.B) { benchGofeed(b, realisticAtom) }

func BenchmarkRealisticLatin1Parse(b *testing.B)  { benchParse(b, realisticLatin1) }
func BenchmarkRealisticLatin1Gofeed(b *testing.B) { benchGofeed(b, realisticLatin1) }

// TestRealisticFeeds checks that the benchmark feeds parse as intended, so
// the benchmarks measure full items and not an error path.
func TestRealisticFeeds(t *testing.T) {
	if !isASCII([]byte(realisticLatin1)) {
		t.Error("realisticLatin1 is not ASCII")
	}
	for name, doc := range map[string]string{"rss": realisticRSS, "atom": realisticAtom, "latin1": realisticLatin1} {
		t.Run(name, func(t *testing.T) {
			items, err := Parse(strings.NewReader(doc), "bench", "https://courier.example/rss", 0, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != realisticItems {
				t.Fatalf("%d items, want %d", len(items), realisticItems)
			}
			it := items[1]
			if len(it.Content) < 2500 || !strings.HasPrefix(it.Content, "<p>") || !strings.HasPrefix(it.Summary, "<p>") {
				t.Errorf("content %d bytes %.20q, summary %.20q", len(it.Content), it.Content, it.Summary)
			}
			if !strings.HasPrefix(it.Link, "https://courier.example/news/2031/06/ferry-1") || it.Author != "R. Alder" ||
				!strings.Contains(it.Title, "“harbour board” & council") || it.Published.Equal(testNow) {
				t.Errorf("item = %+v", it)
			}
			checkValidItem(t, name, it)
		})
	}
}
