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

	"github.com/wirestory/aggregator/news"
)

// ErrNotFeed is returned by Parse when the document is not an RSS, Atom or
// JSON feed.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// parsed is one feed document converted to our types.
type parsed struct {
	items []news.Item
	// ttl is the longer of the RSS <ttl> and the sy:updatePeriod /
	// sy:updateFrequency, zero when both are absent.
	ttl time.Duration
	// dates are the publish times the feed gave, clamped as the items'
	// are; items without a date are left out.
	dates []time.Time
}

// Parse reads one feed document and converts its entries to news items of
// the named feed. base is the URL the document came from; relative item
// links are resolved against it (then against the feed's own link). At most
// maxItems items are returned (0: no limit): the newest by date, ties going
// to the earlier in the document, in document order. now is the fetch
// time: it stands in for a missing publish time, and later dates are
// clamped to it plus ten minutes. Items with the same news.Item.Key as an
// item kept are dropped.
//
// Text fields stay text: a title is plain text (HTML only where the format
// says so, or, in RSS, where it looks like HTML), capped at 300 characters;
// Content and Summary are HTML, with plain-text fields (Atom type="text",
// JSON Feed content_text and summary) escaped.
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
	kinds := feedKinds(f, text, decl)
	return parsed{items: convertAll(f, kinds, feed, base, maxItems, now),
		ttl: max(rssTTL(f), updatePeriod(f)), dates: feedDates(f.Items, now)}, nil
}

// document returns a reader of text, with utf8Decl in front when toUTF8
// cut off an XML declaration.
func document(text []byte, decl bool) io.Reader {
	if !decl {
		return bytes.NewReader(text)
	}
	return io.MultiReader(strings.NewReader(utf8Decl), bytes.NewReader(text))
}

// convertAll converts the items of f: at most maxItems (0: all), the
// newest by date with ties going to the earlier in the document, returned
// in document order. Items with the Key of an item kept already are
// dropped.
func convertAll(f *gofeed.Feed, kinds func(int) fieldKinds, feed, base string, maxItems int, now time.Time) []news.Item {
	baseURL := resolveBase(base, f.Link)
	feedAuthor := ""
	if len(f.Authors) > 0 && f.Authors[0] != nil {
		feedAuthor = textField(clean(f.Authors[0].Name), kindGuess)
	}
	order := newestFirst(f.Items, now)
	n := len(order)
	if maxItems > 0 {
		n = min(n, maxItems)
	}
	kept := make([]int, 0, n)
	byIndex := make(map[int]news.Item, n)
	seen := make(map[string]bool, n)
	for _, i := range order {
		if len(kept) == n {
			break
		}
		item := convert(f.Items[i], kinds(i), feed, baseURL, now)
		if item.Author == "" {
			item.Author = feedAuthor
		}
		if k := item.Key(); !seen[k] {
			seen[k] = true
			kept = append(kept, i)
			byIndex[i] = item
		}
	}
	slices.Sort(kept)
	items := make([]news.Item, len(kept))
	for j, i := range kept {
		items[j] = byIndex[i]
	}
	return items
}

// newestFirst returns the indexes of the non-nil items, newest first by
// the date convert gives them; ties keep document order.
func newestFirst(items []*gofeed.Item, now time.Time) []int {
	order := make([]int, 0, len(items))
	dates := make([]time.Time, len(items))
	for i, it := range items {
		if it != nil {
			order = append(order, i)
			dates[i], _ = itemTimes(it, now)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return dates[b].Compare(dates[a]) })
	return order
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

func convert(it *gofeed.Item, k fieldKinds, feed string, base *url.URL, now time.Time) news.Item {
	item := news.Item{
		Feed:       feed,
		GUID:       clean(it.GUID),
		Link:       itemLink(it, base),
		Title:      capTitle(textField(clean(it.Title), k.title)),
		Content:    htmlField(clean(it.Content), k.content),
		Summary:    htmlField(clean(it.Description), k.summary),
		Categories: categories(it.Categories),
	}
	if item.Content != "" {
		// The summary beside a body is never published: cap it. Alone, it
		// is the body, under the document's cap.
		item.Summary = capSummary(item.Summary)
	}
	item.Published, item.Updated = itemTimes(it, now)
	item.CanonicalLink = CanonicalURL(item.Link)
	if len(it.Authors) > 0 && it.Authors[0] != nil {
		item.Author = textField(clean(it.Authors[0].Name), kindGuess)
		if item.Author == "" {
			item.Author = clean(it.Authors[0].Email)
		}
		item.Author = capTitle(item.Author)
	}
	return item
}

// maxSkew is how far past the fetch time an item's date may lie. A later
// date (a feed's mistake, or a trick to stay on top of the merged feed)
// is clamped to the fetch time plus maxSkew: here, once, before dedupe,
// store and output see it. The original is not kept.
const maxSkew = 10 * time.Minute

// itemTimes returns the item's publish time (its published, else updated
// date, else now) and its updated time (zero when none), in UTC, clamped
// to now plus maxSkew. A date that parses to the zero time ("1 Jan 0001")
// counts as none.
func itemTimes(it *gofeed.Item, now time.Time) (published, updated time.Time) {
	limit := now.Add(maxSkew).UTC()
	clamp := func(t time.Time) time.Time {
		if t = t.UTC(); t.After(limit) {
			return limit
		}
		return t
	}
	published = now.UTC()
	switch {
	case it.PublishedParsed != nil && !it.PublishedParsed.IsZero():
		published = clamp(*it.PublishedParsed)
	case it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero():
		published = clamp(*it.UpdatedParsed)
	}
	if it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero() {
		updated = clamp(*it.UpdatedParsed)
	}
	return published, updated
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
