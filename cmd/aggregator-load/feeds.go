package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// feeds serves n generated RSS feeds at /feeds/I.xml with ETags. A tenth
// of them publish a new item every ten seconds, so polls keep storing
// and the daemon keeps re-rendering; the rest answer 304 to a conditional
// GET.
type feeds struct {
	n, items int
	start    time.Time
}

func newFeeds(n, items int) *feeds { return &feeds{n: n, items: items, start: time.Now()} }

var vocabulary = strings.Fields(`harbour board council ferry tram orchard frost budget minister strike
	port river bridge school hospital court police museum festival railway airport election mayor
	union farmers fishermen storm flood drought wildfire vaccine clinic market bank shares exports
	factory mine dam canal tunnel highway library theatre stadium league coach senate parliament
	treaty summit envoy border customs tariff pension wages inflation lender housing rent survey`)

func (f *feeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var i int
	if _, err := fmt.Sscanf(r.URL.Path, "/feeds/%d.xml", &i); err != nil || i < 0 || i >= f.n {
		http.NotFound(w, r)
		return
	}
	gen := 0
	if i%10 == 0 {
		gen = int(time.Since(f.start) / (10 * time.Second))
	}
	doc := f.doc(i, gen)
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(doc)
}

// doc is feed i at generation gen: its newest items first; item k of a
// generation is item k+1 of the next.
func (f *feeds) doc(i, gen int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Load feed %d</title><link>https://load.test/%d/</link>`, i, i)
	for k := range f.items {
		seq := gen - k
		rng := rand.New(rand.NewPCG(uint64(i), uint64(seq+1<<20)))
		pub := f.start.Add(time.Duration(seq) * 10 * time.Second).UTC().Format(time.RFC1123Z)
		fmt.Fprintf(&b, `<item><guid>load-%d-%d</guid><link>https://load.test/%d/%d</link><title>%s</title><pubDate>%s</pubDate><description>`,
			i, seq, i, seq, words(rng, 9), pub)
		for range 3 {
			_ = xml.EscapeText(&b, []byte("<p>"+words(rng, 45)+".</p>"))
		}
		b.WriteString(`</description></item>`)
	}
	b.WriteString(`</channel></rss>`)
	return b.Bytes()
}

func words(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = vocabulary[rng.IntN(len(vocabulary))]
	}
	return strings.Join(ws, " ")
}
