package fetch

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"aggregator/news"
)

// ErrNotFeed is returned by Parse when the document is not an RSS, Atom or
// JSON feed.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// Parse reads one feed document and converts its entries to news items of
// the named feed. base is the URL the document came from; relative item
// links are resolved against it (then against the feed's own link). At most
// maxItems items are returned (0: no limit); now stands in for a missing
// publish time.
func Parse(r io.Reader, feed, base string, maxItems int, now time.Time) ([]news.Item, error) {
	parsed, err := gofeed.NewParser().Parse(r)
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	baseURL := resolveBase(base, parsed.Link)
	items := make([]news.Item, 0, len(parsed.Items))
	for _, it := range parsed.Items {
		if it == nil {
			continue
		}
		if maxItems > 0 && len(items) >= maxItems {
			break
		}
		items = append(items, convert(it, feed, baseURL, now))
	}
	return items, nil
}

func convert(it *gofeed.Item, feed string, base *url.URL, now time.Time) news.Item {
	link := absolute(base, strings.TrimSpace(it.Link))
	if link == "" && isURL(it.GUID) {
		link = absolute(base, it.GUID)
	}
	item := news.Item{
		Feed:          feed,
		GUID:          strings.TrimSpace(it.GUID),
		Link:          link,
		CanonicalLink: CanonicalURL(link),
		Title:         PlainText(it.Title),
		Content:       it.Content,
		Summary:       it.Description,
		Categories:    it.Categories,
		Published:     now.UTC(),
	}
	if len(it.Authors) > 0 && it.Authors[0] != nil {
		item.Author = strings.TrimSpace(it.Authors[0].Name)
	}
	switch {
	case it.PublishedParsed != nil:
		item.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		item.Published = it.UpdatedParsed.UTC()
	}
	if it.UpdatedParsed != nil {
		item.Updated = it.UpdatedParsed.UTC()
	}
	return item
}

func resolveBase(base, feedLink string) *url.URL {
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() {
		b = nil
	}
	if l, err := url.Parse(strings.TrimSpace(feedLink)); err == nil && l.IsAbs() && (b == nil || b.Scheme == "file") {
		return l
	}
	return b
}

func absolute(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	if base != nil && !u.IsAbs() {
		u = base.ResolveReference(u)
	}
	return u.String()
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// PlainText returns the text of an HTML fragment: tags dropped, entities
// decoded, white space folded to single spaces.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}
