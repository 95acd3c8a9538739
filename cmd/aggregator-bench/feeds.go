package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// genSpec describes a generated set of feeds.
type genSpec struct {
	Feeds, Items int
	Bytes        int     // text bytes per story
	Dup          float64 // share of items that are copies of a wire story
	Seed         uint64
	Now          time.Time
}

// genItem is one generated item with its true story.
type genItem struct {
	title, html, link, guid string
	published               time.Time
	story                   string
}

// genFeed is one generated feed.
type genFeed struct {
	outlet outlet
	items  []genItem
}

// copiesPerStory is the mean number of feeds that carry one wire story.
const copiesPerStory = 4

// generator builds the feeds of a genSpec; it is safe for concurrent use.
type generator struct {
	spec genSpec
	lx   *lexicon
	wire int // wire stories in the pool
}

func newGenerator(spec genSpec) *generator {
	w := max(1, int(float64(spec.Feeds*spec.Items)*spec.Dup/copiesPerStory))
	return &generator{spec: spec, lx: newLexicon(spec.Seed), wire: w}
}

func seedOf(parts ...any) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	return h.Sum64()
}

// feed generates feed i.
func (g *generator) feed(i int) genFeed {
	s := g.spec
	r := rand.New(rand.NewPCG(s.Seed, seedOf("feed", i)))
	o := g.lx.newOutlet(i, r)
	var latest strings.Builder
	latest.WriteString("<p>LATEST NEWS</p><ul>")
	for k := range 3 {
		c := g.lx.newCast(r)
		fmt.Fprintf(&latest, `<li><a href="https://%s/latest/%d">%s</a></li>`, o.host, k, escapeText(g.lx.headline(r, &c)))
	}
	latest.WriteString("</ul>")
	f := genFeed{outlet: o, items: make([]genItem, s.Items)}
	for j := range f.items {
		var st *story
		original := true
		if r.Float64() < s.Dup {
			w := r.IntN(g.wire)
			wr := rand.New(rand.NewPCG(s.Seed, seedOf("wire", w)))
			at := s.Now.Add(-time.Hour - time.Duration(wr.Int64N(int64(47*time.Hour))))
			st = g.lx.newStory(fmt.Sprintf("w%d", w), seedOf("wire", s.Seed, w), s.Bytes, at)
			st.published = at.Add(time.Duration(r.Int64N(int64(2 * time.Hour))))
			original = o.agency
		} else {
			at := s.Now.Add(-time.Duration(r.Int64N(int64(48 * time.Hour))))
			st = g.lx.newStory(fmt.Sprintf("u%d-%d", i, j), seedOf("unique", s.Seed, i, j), s.Bytes, at)
		}
		title, html := g.lx.copyOf(st, &o, r, original, latest.String())
		slug := strings.ToLower(strings.Join(strings.Fields(st.cast.topics[0]+" "+st.cast.place), "-"))
		f.items[j] = genItem{
			title: title, html: html, story: st.id, published: st.published.UTC().Truncate(time.Second),
			link: fmt.Sprintf("https://%s/news/%d/%s-%d?utm_source=rss&utm_medium=feed", o.host, st.published.Year(), slug, j),
			guid: fmt.Sprintf("urn:%s:%d", o.host, j),
		}
	}
	slices.SortStableFunc(f.items, func(a, b genItem) int { return b.published.Compare(a.published) })
	return f
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// document renders the feed as RSS 2.0 or Atom 1.0.
func (f *genFeed) document() []byte {
	var b bytes.Buffer
	b.Grow(len(f.items) * 3600)
	esc := xmlEscaper.Replace
	o := &f.outlet
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	if o.atom {
		fmt.Fprintf(&b, `<feed xmlns="http://www.w3.org/2005/Atom"><title>%s</title><id>urn:feed:%s</id><link href="https://%s/"/><updated>%s</updated>`+"\n",
			esc(o.name), o.host, o.host, f.items[0].published.Format(time.RFC3339))
		for _, it := range f.items {
			fmt.Fprintf(&b, `<entry><title>%s</title><id>%s</id><link href="%s"/><published>%s</published><updated>%s</updated><content type="html">%s</content></entry>`+"\n",
				esc(it.title), it.guid, esc(it.link), it.published.Format(time.RFC3339), it.published.Format(time.RFC3339), esc(it.html))
		}
		b.WriteString("</feed>\n")
		return b.Bytes()
	}
	fmt.Fprintf(&b, `<rss version="2.0"><channel><title>%s</title><link>https://%s/</link><description>News from %s</description>`+"\n",
		esc(o.name), o.host, esc(o.name))
	for _, it := range f.items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><description>%s</description><category>World</category></item>`+"\n",
			esc(it.title), esc(it.link), it.guid, it.published.Format(time.RFC1123Z), esc(it.html))
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// feedBodies are the served documents of a generated set, gzipped.
type feedBodies struct {
	gz       [][]byte
	rawBytes int64 // total size before compression
	gzBytes  int64
	items    int
}

// generateBodies renders and gzips every feed of spec, in parallel.
func generateBodies(spec genSpec) (*feedBodies, error) {
	g := newGenerator(spec)
	fb := &feedBodies{gz: make([][]byte, spec.Feeds)}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
		next  = make(chan int)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
			for i := range next {
				f := g.feed(i)
				doc := f.document()
				var buf bytes.Buffer
				zw.Reset(&buf)
				_, err := zw.Write(doc)
				if err == nil {
					err = zw.Close()
				}
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("gzip feed %d: %w", i, err)
				}
				fb.gz[i] = buf.Bytes()
				fb.rawBytes += int64(len(doc))
				fb.gzBytes += int64(buf.Len())
				fb.items += len(f.items)
				mu.Unlock()
			}
		}()
	}
	for i := range spec.Feeds {
		next <- i
	}
	close(next)
	wg.Wait()
	return fb, first
}
