package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/wirestory/aggregator/news"
)

// feedTypes ranks the types of <link rel="alternate"> that name a feed:
// RSS, Atom and JSON Feed first; plain JSON last, as a page may link an
// API document (a WordPress page's wp-json link) with it.
var feedTypes = map[string]int{
	"application/rss+xml":   0,
	"application/atom+xml":  0,
	"application/feed+json": 0,
	"application/json":      1,
}

// maxDiscovered is how many of a page's feed links a fetch tries.
const maxDiscovered = 3

// FeedLinks returns the feeds an HTML page links with
// <link rel="alternate" type="application/rss+xml" href="...">
// (or atom+xml, feed+json, json), as Miniflux and most feed readers find
// a site's feed: the hrefs resolved against the page's <base href>, else
// against base (the page's URL), http and https only, without duplicates,
// in page order with application/json links last. It returns nil for a
// page that links no feed and for a document that is not HTML.
func FeedLinks(page []byte, base string) []string {
	baseURL, err := url.Parse(base)
	if err != nil {
		baseURL = &url.URL{}
	}
	type link struct {
		url  string
		rank int
	}
	var links []link
	seenBase := false
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			slices.SortStableFunc(links, func(a, b link) int { return a.rank - b.rank })
			var out []string
			for _, l := range links {
				if !slices.Contains(out, l.url) {
					out = append(out, l.url)
				}
			}
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr {
				continue
			}
			attrs := tagAttrs(z)
			switch string(name) {
			case "base":
				if u, err := baseURL.Parse(strings.TrimSpace(attrs["href"])); err == nil && !seenBase && attrs["href"] != "" {
					baseURL, seenBase = u, true
				}
			case "link":
				rank, ok := feedTypes[mediaType(attrs["type"])]
				if !ok || !hasToken(attrs["rel"], "alternate") || strings.TrimSpace(attrs["href"]) == "" {
					continue
				}
				u, err := baseURL.Parse(strings.TrimSpace(attrs["href"]))
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					continue
				}
				u.Fragment, u.RawFragment = "", ""
				links = append(links, link{u.String(), rank})
			}
		}
	}
}

// tagAttrs returns the attributes of the tag z is at, names lower-cased;
// the first of a repeated attribute wins, as in a browser.
func tagAttrs(z *html.Tokenizer) map[string]string {
	attrs := make(map[string]string)
	for {
		k, v, more := z.TagAttr()
		if _, dup := attrs[string(k)]; !dup {
			attrs[string(k)] = string(v)
		}
		if !more {
			return attrs
		}
	}
}

// mediaType returns the type of a type attribute, lower-cased, without
// parameters.
func mediaType(s string) string {
	t, _, _ := strings.Cut(s, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// hasToken reports whether the space-separated list s holds tok, in any
// case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// discovered handles a feed URL that gave an HTML page: when res failed
// because the body is no feed and the page links feeds (FeedLinks), the
// first linked feed that parses is polled instead, and its result
// returned with Discovered set, State.URL the feed's URL and Rewritten
// the page's, so that later polls fetch the feed directly. Otherwise res
// is returned as it is.
func (c *Client) discovered(ctx context.Context, st news.FeedState, now time.Time, resp *response, res Result) Result {
	if !errors.Is(res.Err, ErrNotFeed) {
		return res
	}
	links := FeedLinks(resp.body, resp.url)
	if len(links) == 0 {
		return res
	}
	var errs []string
	for _, link := range links[:min(len(links), maxDiscovered)] {
		fst := st
		fst.URL, fst.ETag, fst.LastModified, fst.BodyHash, fst.RedirectTo, fst.RedirectCount = link, "", "", "", "", 0
		fresp, err := c.get(ctx, &fst)
		switch {
		case err != nil && ctx.Err() != nil:
			return Result{State: st, Err: c.redactErr(fmt.Errorf("fetch %s: %w", c.feedName(st), err))}
		case err != nil:
			errs = append(errs, fmt.Sprintf("%s: %v", link, err))
			continue
		case fresp.status != http.StatusOK:
			errs = append(errs, fmt.Sprintf("%s: status %d %s", link, fresp.status, http.StatusText(fresp.status)))
			continue
		}
		out := c.changed(fst, now, fresp)
		if out.Err == nil {
			out.Discovered, out.Rewritten = true, st.URL
			return out
		}
		// failed's "fetch NAME: " comes again below
		errs = append(errs, fmt.Sprintf("%s: %s", link, strings.TrimPrefix(out.Err.Error(), "fetch "+c.feedName(fst)+": ")))
	}
	return c.failed(st, now, resp.status, resp.header,
		fmt.Errorf("%s is an HTML page whose linked feeds failed: %s", resp.url, strings.Join(errs, "; ")))
}
