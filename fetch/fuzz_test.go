package fetch

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// fuzzSeeds are small documents of every kind Parse meets.
var fuzzSeeds = []string{
	rssFeed(2, "<ttl>15</ttl>"),
	`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></title><link href="a"/></entry></feed>`,
	`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":1,"author":"A","tags":"t","url":"/x"}]}`,
	`<?xml version="1.0" encoding="windows-1251"?><rss><channel><item><title>` + "\xcd\xee" + `</title></item></channel></rss>`,
	"\xff\xfe<\x00r\x00s\x00s\x00>\x00",
	`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><title>&#26;a</title></item></rdf:RDF>`,
}

// FuzzParse checks that Parse neither panics (its recover would hide one,
// so a recovered panic fails too) nor returns invalid text or more items
// than asked.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for i, path := range wildSample(f, 40) {
		body, err := os.ReadFile(path)
		if err != nil {
			f.Fatalf("seed %d: %v", i, err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		items, err := Parse(strings.NewReader(string(doc)), "fz", "https://fuzz.example/f", 3, testNow)
		if err != nil {
			if strings.Contains(err.Error(), "panic") {
				t.Fatalf("parser panicked: %v", err)
			}
			return
		}
		if len(items) > 3 {
			t.Fatalf("%d items with maxItems 3", len(items))
		}
		for _, it := range items {
			checkValidItem(t, "fuzz", it)
		}
	})
}

// wildSample returns up to n feeds-wild files spread over the corpus, none
// when it is absent.
func wildSample(tb testing.TB, n int) []string {
	if _, err := os.Stat(wildDir); err != nil {
		return nil
	}
	files := wildFiles(tb)
	step := max(1, len(files)/n)
	var out []string
	for i := 0; i < len(files) && len(out) < n; i += step {
		out = append(out, files[i])
	}
	return out
}

// FuzzCanonicalURL checks that CanonicalURL never panics, is idempotent,
// returns valid UTF-8 for valid input and drops fragments and utm_*
// parameters from http(s) URLs.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"HTTPS://News.Example:443/a/../b/?utm_source=x&b=2&a=1#frag",
		"http://user:pw@[::1]:80/?",
		"http://xn--bcher-kva.example./%7Euser;p?q=%2F&&fbclid=1",
		"https://bücher.example/ü?x=ü",
		"mailto:someone@example.com",
		" //no-scheme.example/x ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		once := CanonicalURL(raw)
		if twice := CanonicalURL(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, once, twice)
		}
		if utf8.ValidString(raw) && !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8 from %q: %q", raw, once)
		}
		// When the URL was rewritten, the result has no fragment and no
		// utm_ parameter. Look at the parsed parts, not the string: a host
		// such as "0&utm_" is not a query.
		if strings.HasPrefix(once, "http") && once != strings.TrimSpace(raw) {
			u, err := url.Parse(once)
			if err != nil {
				t.Fatalf("rewritten URL does not parse: %q -> %q: %v", raw, once, err)
			}
			if u.Fragment != "" || strings.Contains(once, "#") {
				t.Fatalf("fragment kept: %q -> %q", raw, once)
			}
			for _, pair := range strings.Split(u.RawQuery, "&") {
				key, _, _ := strings.Cut(pair, "=")
				if k, err := url.QueryUnescape(key); err == nil {
					key = k
				}
				if strings.HasPrefix(strings.ToLower(key), "utm_") {
					t.Fatalf("utm_ parameter kept: %q -> %q", raw, once)
				}
			}
		}
	})
}

// benchFeed is a 50-item RSS feed shared by the benchmarks.
var benchFeed = rssFeed(50, "")

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(benchFeed)))
	for b.Loop() {
		items, err := Parse(strings.NewReader(benchFeed), "bench", "https://courier.example/rss", 0, testNow)
		if err != nil || len(items) != 50 {
			b.Fatal(fmt.Sprint(len(items), err))
		}
	}
}

func BenchmarkGofeedParseString(b *testing.B) {
	b.SetBytes(int64(len(benchFeed)))
	for b.Loop() {
		f, err := gofeed.NewParser().ParseString(benchFeed)
		if err != nil || len(f.Items) != 50 {
			b.Fatal(err)
		}
	}
}
