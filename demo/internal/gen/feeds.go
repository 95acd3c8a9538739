package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"time"
)

// channel describes an RSS 2.0 feed and how it carries its items' text.
type channel struct {
	Title, Link, Self, Description string
	// FullDescription puts the body in <description> (as CDATA); otherwise
	// <description> has the summary, and the body, if Encoded, goes in
	// <content:encoded>.
	FullDescription, Encoded bool
}

var (
	meridianChannel = channel{
		Title: "Meridian Press Agency - Top News", Link: "https://meridianpress.example/",
		Self:        "https://meridianpress.example/feeds/topnews.xml",
		Description: "Wire copy from the Meridian Press Agency (MPA), Port Ellis.",
		Encoded:     true,
	}
	valleyChannel = channel{
		Title: "The Valley Courier: Region", Link: "https://valleycourier.example/region/",
		Self:        "https://valleycourier.example/region/feed/",
		Description: "News from the Orlen Valley and the coast.",
	}
	tidewaterChannel = channel{
		Title: "Tidewater Times | World", Link: "https://tidewatertimes.example/world/",
		Self:            "https://tidewatertimes.example/world/feed.rss",
		Description:     "World and regional news from the wires.",
		FullDescription: true,
	}
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return xmlEscaper.Replace(s) }

func cdata(s string) string {
	if strings.Contains(s, "]]>") {
		log.Fatalf("CDATA end in %q", s)
	}
	return "<![CDATA[" + s + "]]>"
}

func rss2(ch channel, items []item) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">` + "\n<channel>\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<link>%s</link>\n<description>%s</description>\n<language>en</language>\n",
		esc(ch.Title), esc(ch.Link), esc(ch.Description))
	fmt.Fprintf(&b, "<lastBuildDate>%s</lastBuildDate>\n", latest(items).Format(time.RFC1123Z))
	fmt.Fprintf(&b, "<atom:link href=\"%s\" rel=\"self\" type=\"application/rss+xml\"/>\n", esc(ch.Self))
	for _, it := range items {
		b.WriteString("<item>\n")
		fmt.Fprintf(&b, "  <title>%s</title>\n  <link>%s</link>\n", esc(it.Title), esc(it.Link))
		if it.GUID != "" {
			fmt.Fprintf(&b, "  <guid isPermaLink=\"%t\">%s</guid>\n", strings.HasPrefix(it.GUID, "http") && it.GUID == it.Link, esc(it.GUID))
		}
		fmt.Fprintf(&b, "  <pubDate>%s</pubDate>\n", it.Published.Format(time.RFC1123Z))
		fmt.Fprintf(&b, "  <dc:creator>%s</dc:creator>\n  <category>%s</category>\n", esc(it.Author), esc(it.Category))
		switch {
		case ch.FullDescription:
			fmt.Fprintf(&b, "  <description>%s</description>\n", cdata(it.Body))
		default:
			fmt.Fprintf(&b, "  <description>%s</description>\n", esc(it.Summary))
		}
		if ch.Encoded {
			fmt.Fprintf(&b, "  <content:encoded>%s</content:encoded>\n", cdata(it.Body))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

func atom(items []item) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">` + "\n")
	b.WriteString("<title>The Harbour Gazette</title>\n<subtitle>Port Ellis and the harbour, every day</subtitle>\n")
	b.WriteString(`<link rel="alternate" type="text/html" href="https://harbourgazette.example/"/>` + "\n")
	b.WriteString(`<link rel="self" type="application/atom+xml" href="https://harbourgazette.example/feeds/news.atom"/>` + "\n")
	b.WriteString("<id>tag:harbourgazette.example,2019:/feeds/news</id>\n")
	fmt.Fprintf(&b, "<updated>%s</updated>\n", latest(items).Format(time.RFC3339))
	b.WriteString("<author><name>The Harbour Gazette</name></author>\n")
	for _, it := range items {
		updated := it.Updated
		if updated.IsZero() {
			updated = it.Published
		}
		b.WriteString("<entry>\n")
		fmt.Fprintf(&b, "  <title type=\"text\">%s</title>\n", esc(it.Title))
		fmt.Fprintf(&b, "  <link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n", esc(it.Link))
		fmt.Fprintf(&b, "  <id>%s</id>\n", esc(it.GUID))
		fmt.Fprintf(&b, "  <published>%s</published>\n  <updated>%s</updated>\n",
			it.Published.Format(time.RFC3339), updated.Format(time.RFC3339))
		fmt.Fprintf(&b, "  <author><name>%s</name></author>\n", esc(it.Author))
		fmt.Fprintf(&b, "  <category term=\"%s\"/>\n", esc(strings.ToLower(it.Category)))
		fmt.Fprintf(&b, "  <content type=\"html\">%s</content>\n", esc(it.Body))
		b.WriteString("</entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

func rdf(items []item) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n")
	b.WriteString(`<channel rdf:about="https://northstardaily.example/rss/news.rdf">` + "\n")
	b.WriteString("  <title>The Northstar Daily - News</title>\n  <link>https://northstardaily.example/</link>\n")
	b.WriteString("  <description>Latest news from The Northstar Daily.</description>\n")
	fmt.Fprintf(&b, "  <dc:date>%s</dc:date>\n  <dc:language>en</dc:language>\n", latest(items).Format(time.RFC3339))
	b.WriteString("  <items>\n    <rdf:Seq>\n")
	for _, it := range items {
		fmt.Fprintf(&b, "      <rdf:li rdf:resource=\"%s\"/>\n", esc(it.Link))
	}
	b.WriteString("    </rdf:Seq>\n  </items>\n</channel>\n")
	for _, it := range items {
		fmt.Fprintf(&b, "<item rdf:about=\"%s\">\n", esc(it.Link))
		fmt.Fprintf(&b, "  <title>%s</title>\n  <link>%s</link>\n", esc(it.Title), esc(it.Link))
		fmt.Fprintf(&b, "  <description>%s</description>\n", esc(it.Body))
		fmt.Fprintf(&b, "  <dc:date>%s</dc:date>\n", it.Published.Format(time.RFC3339))
		fmt.Fprintf(&b, "  <dc:creator>%s</dc:creator>\n  <dc:subject>%s</dc:subject>\n", esc(it.Author), esc(it.Category))
		b.WriteString("</item>\n")
	}
	b.WriteString("</rdf:RDF>\n")
	return b.Bytes()
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary"`
	DatePublished string       `json:"date_published"`
	Authors       []jsonAuthor `json:"authors"`
	Tags          []string     `json:"tags"`
}

type jsonFeedDoc struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description"`
	Language    string       `json:"language"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
}

func jsonFeed(items []item) []byte {
	doc := jsonFeedDoc{
		Version: "https://jsonfeed.org/version/1.1", Title: "Coastline News Service",
		HomePageURL: "https://coastlinenews.example/", FeedURL: "https://coastlinenews.example/wire/feed.json",
		Description: "The Coastline News Service (CNS) wire, from Harwick Bay.",
		Language:    "en", Authors: []jsonAuthor{{Name: "Coastline News Service"}},
	}
	for _, it := range items {
		doc.Items = append(doc.Items, jsonItem{
			ID: it.GUID, URL: it.Link, Title: it.Title, ContentHTML: it.Body, Summary: it.Summary,
			DatePublished: it.Published.Format(time.RFC3339), Authors: []jsonAuthor{{Name: it.Author}},
			Tags: []string{strings.ToLower(it.Category)},
		})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}
