package fetch

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html/charset"
)

// OPMLFeed is one subscription of an OPML file. It is plain data.
type OPMLFeed struct {
	// Name is the outline's title, else its text, else the URL.
	Name string
	// URL is the outline's xmlUrl.
	URL string
	// Tags are the texts of the enclosing folder outlines, outermost
	// first, then the entries of the outline's category attribute.
	Tags []string
}

// maxOPMLBytes caps the OPML files ParseOPML reads.
const maxOPMLBytes = 16 << 20

// outline is an OPML outline element, with its attributes matched without
// regard to case (xmlUrl, xmlurl and XMLURL all occur).
type outline struct {
	attrs    map[string]string
	children []outline
}

func (o *outline) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	o.attrs = make(map[string]string, len(start.Attr))
	for _, a := range start.Attr {
		o.attrs[strings.ToLower(a.Name.Local)] = strings.TrimSpace(a.Value)
	}
	var inner struct {
		Outlines []outline `xml:"outline"`
	}
	if err := d.DecodeElement(&inner, &start); err != nil {
		return err
	}
	o.children = inner.Outlines
	return nil
}

// ParseOPML reads an OPML subscription list: every outline with an xmlUrl,
// at any depth, is a feed. The same URL listed twice is one feed with the
// tags of both. Files of more than 16 MiB are refused. It is safe for
// concurrent use.
func ParseOPML(r io.Reader) ([]OPMLFeed, error) {
	body, err := readCapped(r, maxOPMLBytes)
	if err != nil {
		return nil, fmt.Errorf("parse opml: %w", err)
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	var doc struct {
		XMLName xml.Name
		Body    struct {
			Outlines []outline `xml:"outline"`
		} `xml:"body"`
	}
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse opml: %w", err)
	}
	if !strings.EqualFold(doc.XMLName.Local, "opml") {
		return nil, fmt.Errorf("parse opml: root element is <%s>, not <opml>", doc.XMLName.Local)
	}
	var feeds []OPMLFeed
	index := map[string]int{}
	walkOutlines(doc.Body.Outlines, nil, func(f OPMLFeed) {
		if i, ok := index[f.URL]; ok {
			feeds[i].Tags = appendTags(feeds[i].Tags, f.Tags...)
			return
		}
		index[f.URL] = len(feeds)
		feeds = append(feeds, f)
	})
	return feeds, nil
}

func walkOutlines(outlines []outline, tags []string, emit func(OPMLFeed)) {
	for _, o := range outlines {
		name := firstNonEmpty(o.attrs["title"], o.attrs["text"])
		if u := o.attrs["xmlurl"]; u != "" {
			t := appendTags(slices.Clone(tags), strings.Split(o.attrs["category"], ",")...)
			emit(OPMLFeed{Name: firstNonEmpty(name, u), URL: u, Tags: t})
		}
		if len(o.children) > 0 {
			walkOutlines(o.children, appendTags(slices.Clone(tags), name), emit)
		}
	}
}

// appendTags appends the non-empty tags not yet in list; surrounding white
// space and slashes (OPML category paths start with one) are trimmed.
func appendTags(list []string, tags ...string) []string {
	for _, t := range tags {
		t = strings.Trim(strings.TrimSpace(t), "/")
		if t != "" && !slices.Contains(list, t) {
			list = append(list, t)
		}
	}
	return list
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

type opmlOut struct {
	XMLName xml.Name   `xml:"opml"`
	Version string     `xml:"version,attr"`
	Title   string     `xml:"head>title"`
	Body    []*outOutl `xml:"body>outline"`
}

type outOutl struct {
	Text     string     `xml:"text,attr"`
	Title    string     `xml:"title,attr,omitempty"`
	Type     string     `xml:"type,attr,omitempty"`
	XMLURL   string     `xml:"xmlUrl,attr,omitempty"`
	Category string     `xml:"category,attr,omitempty"`
	Children []*outOutl `xml:"outline"`
}

// WriteOPML writes feeds as an OPML 2.0 subscription list titled title.
// Consecutive feeds whose first tag is the same go into a folder outline of
// that name; every feed also lists all its tags in its category attribute,
// so ParseOPML gives the feeds back with the same names, URLs and tags
// (tags containing commas excepted).
func WriteOPML(w io.Writer, title string, feeds []OPMLFeed) error {
	doc := opmlOut{Version: "2.0", Title: title}
	var folder *outOutl
	for _, f := range feeds {
		if f.URL == "" {
			return errors.New("write opml: feed without URL")
		}
		o := &outOutl{Text: f.Name, Title: f.Name, Type: "rss", XMLURL: f.URL, Category: strings.Join(f.Tags, ",")}
		if len(f.Tags) == 0 {
			doc.Body, folder = append(doc.Body, o), nil
			continue
		}
		if folder == nil || folder.Text != f.Tags[0] {
			folder = &outOutl{Text: f.Tags[0]}
			doc.Body = append(doc.Body, folder)
		}
		folder.Children = append(folder.Children, o)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	return nil
}
