package wiregen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CorpusPort is the loopback port the written config.yaml polls; the
// evaluation tool rewrites it.
const CorpusPort = 8765

// Label is a link reduced to scheme://host/path, as labels.json keys
// links.
func Label(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.Path
}

// FileName is the feed's file under feeds/: its name with the extension
// of its format.
func (f *EventFeed) FileName() string {
	switch f.Format {
	case Atom:
		return f.Name + ".atom"
	case JSON:
		return f.Name + ".json"
	}
	return f.Name + ".xml"
}

// Write writes the corpus to dir in the layout of a labelled evaluation
// corpus: feeds/ with one document per feed, labels.json ({"items": n,
// "labels": {link: story}}), config.yaml polling the feeds on
// 127.0.0.1:CorpusPort, and meta.json (each link's story, kind, version
// and feed) for analysis. It creates dir and feeds/ as needed and
// overwrites the files it writes.
func (c *EventCorpus) Write(dir, title string) error {
	if err := os.MkdirAll(filepath.Join(dir, "feeds"), 0o755); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	for i := range c.Feeds {
		f := &c.Feeds[i]
		if err := os.WriteFile(filepath.Join(dir, "feeds", f.FileName()), f.EventDocument(), 0o644); err != nil {
			return fmt.Errorf("write corpus: feed %s: %w", f.Name, err)
		}
	}
	labels := map[string]string{}
	meta := map[string]metaItem{}
	for _, d := range c.Items() {
		labels[Label(d.Link)] = d.Story
		meta[Label(d.Link)] = metaItem{d.Story, d.Kind, d.Version, d.Feed}
	}
	files := map[string]any{
		"labels.json": struct {
			Items  int               `json:"items"`
			Labels map[string]string `json:"labels"`
		}{len(labels), labels},
		"meta.json": struct {
			Items map[string]metaItem `json:"items"`
		}{meta},
	}
	for name, v := range files {
		b, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			return fmt.Errorf("write corpus: %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), c.config(title), 0o644); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	return nil
}

type metaItem struct {
	Story   string `json:"story"`
	Kind    Kind   `json:"kind"`
	Version int    `json:"version"`
	Feed    string `json:"feed"`
}

// config is the evaluation config of the corpus.
func (c *EventCorpus) config(title string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Evaluation config: serve feeds/ on http://127.0.0.1:%d, then run a one-shot fetch.\n", CorpusPort)
	fmt.Fprintf(&b, "store: eval.db\ndedupe:\n  window: 87600h\noutput:\n  title: %q\n  link: http://127.0.0.1:%d/\n  max_items: 0\nfeeds:\n", title, CorpusPort)
	for i := range c.Feeds {
		f := &c.Feeds[i]
		fmt.Fprintf(&b, "  - name: %s\n    url: http://127.0.0.1:%d/feeds/%s\n", f.Name, CorpusPort, f.FileName())
	}
	return b.Bytes()
}

// EventDocument renders the feed in its format: RSS 2.0 (the page in
// content:encoded, a teaser in description), Atom 1.0 or JSON Feed 1.1.
func (f *EventFeed) EventDocument() []byte {
	switch f.Format {
	case Atom:
		return f.atomDoc()
	case JSON:
		return f.jsonDoc()
	}
	return f.rssDoc()
}

func (f *EventFeed) rssDoc() []byte {
	esc := xmlEscaper.Replace
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>%s</title><link>https://%s/</link><description>%s</description>`+"\n",
		esc(f.Title), f.Host, esc(f.Title))
	for _, it := range f.Items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"%t\">%s</guid><pubDate>%s</pubDate>",
			esc(it.Title), esc(it.Link), strings.HasPrefix(it.GUID, "https://"), esc(it.GUID), it.Published.Format(time.RFC1123Z))
		if it.Author != "" {
			fmt.Fprintf(&b, "<dc:creator>%s</dc:creator>", esc(it.Author))
		}
		if it.Summary != "" {
			fmt.Fprintf(&b, "<description>%s</description>", esc(it.Summary))
		}
		if it.HTML != it.Summary {
			fmt.Fprintf(&b, "<content:encoded>%s</content:encoded>", esc(it.HTML))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

func (f *EventFeed) atomDoc() []byte {
	esc := xmlEscaper.Replace
	var b bytes.Buffer
	var updated time.Time
	for _, it := range f.Items {
		updated = latest(latest(updated, it.Published), it.Updated)
	}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<feed xmlns="http://www.w3.org/2005/Atom"><title>%s</title><id>https://%s/</id><link href="https://%s/"/><updated>%s</updated>`+"\n",
		esc(f.Title), f.Host, f.Host, updated.Format(time.RFC3339))
	for _, it := range f.Items {
		fmt.Fprintf(&b, `<entry><title>%s</title><id>%s</id><link href="%s"/><published>%s</published><updated>%s</updated>`,
			esc(it.Title), esc(it.GUID), esc(it.Link), it.Published.Format(time.RFC3339), latest(it.Published, it.Updated).Format(time.RFC3339))
		if it.Author != "" {
			fmt.Fprintf(&b, "<author><name>%s</name></author>", esc(it.Author))
		}
		if it.Summary != "" && it.Summary != it.HTML {
			fmt.Fprintf(&b, `<summary type="html">%s</summary>`, esc(it.Summary))
		}
		fmt.Fprintf(&b, `<content type="html">%s</content></entry>`+"\n", esc(it.HTML))
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

type jsonItem struct {
	ID       string       `json:"id"`
	URL      string       `json:"url"`
	Title    string       `json:"title"`
	Content  string       `json:"content_html,omitempty"`
	Summary  string       `json:"summary,omitempty"`
	Date     string       `json:"date_published"`
	Modified string       `json:"date_modified,omitempty"`
	Authors  []jsonAuthor `json:"authors,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

func (f *EventFeed) jsonDoc() []byte {
	doc := struct {
		Version string     `json:"version"`
		Title   string     `json:"title"`
		Home    string     `json:"home_page_url"`
		Items   []jsonItem `json:"items"`
	}{"https://jsonfeed.org/version/1.1", f.Title, "https://" + f.Host + "/", []jsonItem{}}
	for _, it := range f.Items {
		j := jsonItem{ID: it.GUID, URL: it.Link, Title: it.Title, Content: it.HTML, Date: it.Published.Format(time.RFC3339)}
		if it.Summary != it.HTML {
			j.Summary = it.Summary
		}
		if !it.Updated.IsZero() {
			j.Modified = it.Updated.Format(time.RFC3339)
		}
		if it.Author != "" {
			j.Authors = []jsonAuthor{{it.Author}}
		}
		doc.Items = append(doc.Items, j)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		panic(err) // strings and slices only: cannot fail
	}
	return b.Bytes()
}
