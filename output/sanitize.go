package output

import (
	"bytes"
	"html"
	"net/url"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirestory/aggregator/news"
)

// policy is the sanitiser for every body published: bluemonday's UGC policy
// (no script, style, event handlers, forms, iframes, SVG or CSS; only http,
// https and mailto URLs) with links opening without referrer or opener.
// A built Policy is safe for concurrent use.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.RequireNoFollowOnLinks(true)
	return p
})

// urlAttrs are the attributes whose values are URLs to make absolute.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "poster": true}

// sanitize makes the URLs in the HTML fragment raw absolute against base,
// then sanitises it. Resolving comes first so that the sanitiser judges the
// URLs readers will follow.
func sanitize(raw, base string) string {
	return policy().Sanitize(absolutize(raw, base))
}

// absolutize rewrites relative URLs in the fragment raw against base. When
// base is not an absolute URL the fragment is returned as parsed.
func absolutize(raw, base string) string {
	body := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(raw), body)
	if err != nil {
		return html.EscapeString(raw)
	}
	b, err := url.Parse(base)
	resolve := err == nil && b.IsAbs()
	var buf bytes.Buffer
	for _, n := range nodes {
		if resolve {
			resolveNode(n, b)
		}
		if err := xhtml.Render(&buf, n); err != nil {
			return html.EscapeString(raw)
		}
	}
	return buf.String()
}

// resolveNode makes the URL attributes of n and its descendants absolute.
func resolveNode(n *xhtml.Node, base *url.URL) {
	visit := func(m *xhtml.Node) {
		if m.Type != xhtml.ElementNode {
			return
		}
		for i, a := range m.Attr {
			if a.Namespace != "" || !urlAttrs[a.Key] {
				continue
			}
			u, err := url.Parse(strings.TrimSpace(a.Val))
			if err != nil {
				continue // the sanitiser drops unparseable URLs
			}
			m.Attr[i].Val = base.ResolveReference(u).String()
		}
	}
	visit(n)
	for d := range n.Descendants() {
		visit(d)
	}
}

// safeLink returns u when it is an absolute http or https URL, else "".
// Links published outside sanitised HTML (item links, related links,
// sources) go through it.
func safeLink(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
		return ""
	}
	return p.String()
}

// titleText returns a text field (a headline, a byline) as published: the
// text as it is, never parsed as HTML (fetch keeps titles as text, so
// "x<y" is a headline about x and y, which every format and the page
// escape), with bidirectional controls (U+202A-U+202E, U+2066-U+2069 and
// the marks), which could reorder a reader's display, and other control
// characters dropped, and white space folded.
func titleText(s string) string {
	s = strings.Map(func(r rune) rune {
		if news.IsBidiControl(r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// excerpt returns at most n runes of text, cut at a word boundary with an
// ellipsis when shortened.
func excerpt(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := []rune(text)[:n]
	s := string(cut)
	if i := strings.LastIndexByte(s, ' '); i > n/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,.;:") + "…"
}
