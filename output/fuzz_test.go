package output

import (
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/wirestory/aggregator/internal/htmlcheck"
	"github.com/wirestory/aggregator/news"
)

// wildCorpus holds feeds from other parsers' test suites, beside the
// repository; its HTML bodies seed FuzzSanitize when it is present.
const wildCorpus = "../../shared/corpus/feeds-wild"

// sanitizeSeeds are fragments built to break out of the sanitiser, the
// XML escaping or the CDATA sections of the feeds.
var sanitizeSeeds = []string{
	hostileMarkup,
	`<a href="jav&#x0A;ascript:alert(1)">x</a>`,
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<img src="x" alt="]]><script>alert(1)</script>">`,
	`<p style="width:expression(alert(1))">css</p><div style="behavior:url(x.htc)">b</div>`,
	`<svg><foreignObject><script>alert(1)</script></foreignObject><animate onbegin=alert(1) attributeName=x/></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<a href="vbscript:msgbox(1)">v</a><a href="  data:text/html,<script>alert(1)</script>">d</a>`,
	"<p>\x00<scr\x00ipt>alert(1)</script>\ufffe\x0b</p>",
	`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "<script>alert(1)</script>">]><p>&e;</p>`,
	`</textarea></title></style><script>alert(1)</script>`,
}

// FuzzSanitize feeds hostile HTML, titles and links through Render in every
// format and through the HTML page, then parses what a reader would get and
// fails when script, an event handler, style or a script URL survived, when
// an element was injected into the XML, or when a document does not parse.
func FuzzSanitize(f *testing.F) {
	for _, s := range sanitizeSeeds {
		f.Add(s, `<script>alert('t')</script>Title`, "javascript:alert(1)")
	}
	for _, s := range wildFragments(f, 60) {
		f.Add(s, "Wild", "https://wild.example/a")
	}
	f.Fuzz(func(t *testing.T, body, title, link string) {
		stories := fuzzStories(body, title, link)
		opts := sampleOptions()
		for _, format := range Formats {
			b, err := renderFormat(format, stories, opts)
			if err != nil {
				t.Fatalf("Render(%s): %v", format, err)
			}
			for i, h := range fuzzHTMLFields(t, format, b) {
				checkSafeHTML(t, format+" item "+string(rune('0'+i)), h)
			}
			if format != "json" {
				checkXMLElements(t, b)
			}
		}
		checkPage(t, stories, opts)
	})
}

// fuzzStories is one story made of the fuzzed parts, twice (as the
// representative's cleaned body and as a second source's title and link),
// and as the raw body of a second story whose cleaned body is empty.
func fuzzStories(body, title, link string) []news.Story {
	rep := member("fuzz-feed", link, title, body, base.Add(time.Hour))
	rep.Author = title
	rep.Content = body
	other := member(title, link, title, "", base)
	raw := member("raw-feed", "https://raw.example/a", "raw", "", base.Add(time.Minute))
	raw.Content = body // cleaned body empty: the raw body is published
	return []news.Story{
		story("s-fuzz", base.Add(2*time.Hour), rep, other),
		story("s-raw", base.Add(time.Hour), raw),
	}
}

// fuzzHTMLFields returns every HTML field of a rendered feed as the feed's
// own parser yields it.
func fuzzHTMLFields(t *testing.T, format string, b []byte) []string {
	t.Helper()
	var out []string
	switch format {
	case "rss":
		var r rssFile
		decodeXML(t, b, &r)
		for _, it := range r.Channel.Items {
			out = append(out, it.Description)
		}
	case "atom":
		var a atomFile
		decodeXML(t, b, &a)
		for _, e := range a.Entries {
			out = append(out, e.Content.Body)
		}
	case "json":
		for _, it := range decodeJSON(t, b).Items {
			out = append(out, it.ContentHTML)
		}
	}
	if len(out) != 2 {
		t.Fatalf("%s: %d items, want 2", format, len(out))
	}
	return out
}

// checkPage renders the HTML page as the Server does (without the
// compression, which costs most of the time) and fails on anything unsafe
// in it.
func checkPage(t *testing.T, stories []news.Story, opts Options) {
	t.Helper()
	b, err := renderPage(newEntries(stories), sampleFeeds(), nil, opts)
	if err != nil {
		t.Fatalf("page: %v", err)
	}
	doc, err := xhtml.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("page: parse: %v", err)
	}
	for _, p := range htmlcheck.Node(doc) {
		t.Errorf("page: %s", p)
	}
}

// wildFragments returns up to n HTML bodies (description, content,
// summary) from the wild corpus files that carry script-like markup.
func wildFragments(tb testing.TB, n int) []string {
	if _, err := os.Stat(wildCorpus); err != nil {
		return nil
	}
	var out []string
	err := filepath.WalkDir(wildCorpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || len(out) >= n {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !bytes.Contains(b, []byte("script")) && !bytes.Contains(b, []byte("onerror")) && !bytes.Contains(b, []byte("style")) {
			return nil
		}
		out = append(out, htmlFields(b)...)
		return nil
	})
	if err != nil {
		tb.Fatalf("wild corpus: %v", err)
	}
	return out[:min(n, len(out))]
}

// htmlFields returns the text of the elements of an XML feed that carry
// HTML; a document that does not parse yields what was read before the
// error.
func htmlFields(doc []byte) []string {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var out []string
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "description", "content", "summary", "encoded", "body":
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if cur != nil && strings.TrimSpace(cur.String()) != "" {
				out = append(out, cur.String())
			}
			cur = nil
		}
	}
}
