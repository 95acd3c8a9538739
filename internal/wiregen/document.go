package wiregen

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// Document renders the feed as Atom 1.0 if f.Atom is set, else as RSS 2.0,
// with each item's HTML escaped in its content or description. An Atom
// feed is updated when its newest item was published.
func (f Feed) Document() []byte {
	var b bytes.Buffer
	b.Grow(len(f.Items) * 3600)
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	if f.Atom {
		f.atom(&b)
	} else {
		f.rss(&b)
	}
	return b.Bytes()
}

func (f Feed) atom(b *bytes.Buffer) {
	esc := xmlEscaper.Replace
	var updated time.Time
	for _, it := range f.Items {
		if it.Published.After(updated) {
			updated = it.Published
		}
	}
	fmt.Fprintf(b, `<feed xmlns="http://www.w3.org/2005/Atom"><title>%s</title><id>urn:feed:%s</id><link href="https://%s/"/><updated>%s</updated>`+"\n",
		esc(f.Name), f.Host, f.Host, updated.Format(time.RFC3339))
	for _, it := range f.Items {
		fmt.Fprintf(b, `<entry><title>%s</title><id>%s</id><link href="%s"/><published>%s</published><updated>%s</updated><content type="html">%s</content></entry>`+"\n",
			esc(it.Title), it.GUID, esc(it.Link), it.Published.Format(time.RFC3339), it.Published.Format(time.RFC3339), esc(it.HTML))
	}
	b.WriteString("</feed>\n")
}

func (f Feed) rss(b *bytes.Buffer) {
	esc := xmlEscaper.Replace
	fmt.Fprintf(b, `<rss version="2.0"><channel><title>%s</title><link>https://%s/</link><description>News from %s</description>`+"\n",
		esc(f.Name), f.Host, esc(f.Name))
	for _, it := range f.Items {
		fmt.Fprintf(b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><description>%s</description><category>World</category></item>`+"\n",
			esc(it.Title), esc(it.Link), it.GUID, it.Published.Format(time.RFC1123Z), esc(it.HTML))
	}
	b.WriteString("</channel></rss>\n")
}
