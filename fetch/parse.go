package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"

	"github.com/wirestory/aggregator/news"
)

// ErrNotFeed is returned by Parse when the document is not an RSS, Atom or
// JSON feed.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// parsed is one feed document converted to our types.
type parsed struct {
	items []news.Item
	// ttl is the RSS <ttl>, zero when absent.
	ttl time.Duration
}

// Parse reads one feed document and converts its entries to news items of
// the named feed. base is the URL the document came from; relative item
// links are resolved against it (then against the feed's own link). At most
// maxItems items are returned, the first ones of the document (0: no limit);
// now stands in for a missing publish time. Items with the same news.Item.Key
// as an earlier item are dropped.
//
// The document may be in any encoding that a byte order mark or its XML
// declaration names; the items' text is always valid UTF-8. Parse reads at
// most DefaultMaxBodyBytes and returns an error for a longer document. It
// never panics on malformed input and is safe for concurrent use.
func Parse(r io.Reader, feed, base string, maxItems int, now time.Time) ([]news.Item, error) {
	body, err := readCapped(r, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	p, err := parseBody(body, "", feed, base, maxItems, now)
	return p.items, err
}

// parseBody is Parse on a body in memory; contentType, when not empty, is
// the Content-Type the body was served with.
func parseBody(body []byte, contentType, feed, base string, maxItems int, now time.Time) (p parsed, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = parsed{}, fmt.Errorf("parse feed: parser panic: %v", r)
		}
	}()
	text, decl := toUTF8(body, contentType)
	text = stripXMLIllegal(text)
	fp := gofeed.NewParser()
	fp.KeepOriginalFeed = true
	// Items carry no image, so gofeed's HTML parse of every RSS item in
	// search of one is pure cost: 80% of the allocations of a feed of
	// 100,000 items (pipeline's TestHostileServers).
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err := fp.Parse(document(text, decl))
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if fixed, ok := repairJSONFeed(text); ok {
			f, err = fp.Parse(bytes.NewReader(fixed))
		}
	}
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return parsed{}, fmt.Errorf("parse feed: %w", ErrNotFeed)
		}
		return parsed{}, fmt.Errorf("parse feed: %w", err)
	}
	return parsed{items: convertAll(f, feed, base, maxItems, now), ttl: rssTTL(f)}, nil
}

// document returns a reader of text, with utf8Decl in front when toUTF8
// cut off an XML declaration.
func document(text []byte, decl bool) io.Reader {
	if !decl {
		return bytes.NewReader(text)
	}
	return io.MultiReader(strings.NewReader(utf8Decl), bytes.NewReader(text))
}

func convertAll(f *gofeed.Feed, feed, base string, maxItems int, now time.Time) []news.Item {
	baseURL := resolveBase(base, f.Link)
	feedAuthor := ""
	if len(f.Authors) > 0 && f.Authors[0] != nil {
		feedAuthor = clean(f.Authors[0].Name)
	}
	n := len(f.Items)
	if maxItems > 0 {
		n = min(n, maxItems)
	}
	items := make([]news.Item, 0, n)
	seen := make(map[string]bool, len(f.Items))
	for _, it := range f.Items {
		if maxItems > 0 && len(items) >= maxItems {
			break
		}
		if it == nil {
			continue
		}
		item := convert(it, feed, baseURL, now)
		if item.Author == "" {
			item.Author = feedAuthor
		}
		if k := item.Key(); !seen[k] {
			seen[k] = true
			items = append(items, item)
		}
	}
	return items
}

// rssTTL returns the RSS <ttl> of f (minutes) as a duration, or zero.
func rssTTL(f *gofeed.Feed) time.Duration {
	rf, ok := f.OriginalFeed().(*rss.Feed)
	if !ok || rf == nil {
		return 0
	}
	minutes, err := strconv.Atoi(strings.TrimSpace(rf.TTL))
	if err != nil || minutes <= 0 {
		return 0
	}
	return time.Duration(min(minutes, maxHintMinutes)) * time.Minute
}

func convert(it *gofeed.Item, feed string, base *url.URL, now time.Time) news.Item {
	item := news.Item{
		Feed:       feed,
		GUID:       clean(it.GUID),
		Link:       itemLink(it, base),
		Title:      PlainText(clean(it.Title)),
		Content:    clean(it.Content),
		Summary:    clean(it.Description),
		Categories: categories(it.Categories),
		Published:  now.UTC(),
	}
	item.CanonicalLink = CanonicalURL(item.Link)
	if len(it.Authors) > 0 && it.Authors[0] != nil {
		item.Author = clean(it.Authors[0].Name)
		if item.Author == "" {
			item.Author = clean(it.Authors[0].Email)
		}
	}
	// A date that parses to the zero time ("1 Jan 0001") counts as none.
	switch {
	case it.PublishedParsed != nil && !it.PublishedParsed.IsZero():
		item.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero():
		item.Published = it.UpdatedParsed.UTC()
	}
	if it.UpdatedParsed != nil {
		item.Updated = it.UpdatedParsed.UTC()
	}
	return item
}

// itemLink returns the item's link made absolute: its link, else its first
// link, else its GUID when that is an http(s) URL.
func itemLink(it *gofeed.Item, base *url.URL) string {
	link := clean(it.Link)
	for _, l := range it.Links {
		if link != "" {
			break
		}
		link = clean(l)
	}
	if link == "" && isURL(clean(it.GUID)) {
		link = clean(it.GUID)
	}
	return absolute(base, link)
}

// categories returns cs trimmed, without empty entries and duplicates.
func categories(cs []string) []string {
	var out []string
	for _, c := range cs {
		c = clean(c)
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// clean returns s trimmed, as valid UTF-8 and without NUL characters.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.TrimSpace(s)
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
// decoded, white space folded to single spaces. It is safe for concurrent
// use.
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
