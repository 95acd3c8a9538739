package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/wirestory/aggregator/internal/eval"
	"github.com/wirestory/aggregator/news"
)

// page is a real page of the source corpus, cut into blocks.
type page struct {
	feed   string
	item   news.Item
	label  string
	blocks []block
}

// realCorpus is the source corpus with its pages by feed and by story.
type realCorpus struct {
	c       *eval.Corpus
	pages   []*page
	byFeed  map[string][]*page
	byStory map[string][]*page
}

// readReal loads a labelled corpus and marks the article paragraphs of
// its pages.
func readReal(dir string) (*realCorpus, error) {
	c, err := eval.Load(dir)
	if err != nil {
		return nil, err
	}
	rc := &realCorpus{c: c, byFeed: map[string][]*page{}, byStory: map[string][]*page{}}
	for _, f := range c.Feeds {
		for _, it := range c.Items[f] {
			p := &page{feed: f, item: it, label: c.Labels[eval.Canon(it.Link)], blocks: splitBlocks(it.Body())}
			rc.pages = append(rc.pages, p)
			rc.byFeed[f] = append(rc.byFeed[f], p)
			if p.label != "" {
				rc.byStory[p.label] = append(rc.byStory[p.label], p)
			}
		}
	}
	for _, ps := range rc.byStory {
		shared := map[string]int{}
		for _, p := range ps {
			seen := map[string]bool{}
			for _, b := range p.blocks {
				if k := norm(b.text); !seen[k] {
					seen[k] = true
					shared[k]++
				}
			}
		}
		for _, p := range ps {
			markArticle(p.blocks, shared)
		}
	}
	return rc, nil
}

// article returns the page's story paragraphs.
func (p *page) article() []block {
	var out []block
	for _, b := range p.blocks {
		if b.article {
			out = append(out, b)
		}
	}
	return out
}

// fromReal writes the source corpus to out with write-through chains of
// up to n of its stories added, and returns the number of items added
// and the chains' versions as plain text.
func fromReal(src, out string, seed uint64, n int) (int, [][]string, error) {
	rc, err := readReal(src)
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", src, err)
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	added := map[string][]news.Item{}
	labels := map[string]string{}
	for k, v := range rc.c.Labels {
		labels[k] = v
	}
	next, total := 0, 0
	var chains [][]string
	for _, label := range rc.pickStories(r, n) {
		base := richest(rc.byStory[label])
		vs := writeThrough(r, base.article())
		for _, cp := range rc.republishAll(r, base, vs, &next) {
			added[cp.Feed] = append(added[cp.Feed], cp)
			labels[eval.Canon(cp.Link)] = label
			total++
		}
		var texts []string
		for _, v := range vs {
			var t []string
			for _, b := range v {
				t = append(t, b.text)
			}
			texts = append(texts, strings.Join(t, "\n"))
		}
		chains = append(chains, texts)
	}
	return total, chains, writeReal(out, rc, added, labels, filepath.Base(filepath.Clean(src)))
}

// pickStories chooses up to n stories whose fullest page has at least six
// paragraphs, in a seeded order.
func (rc *realCorpus) pickStories(r *rand.Rand, n int) []string {
	var ok []string
	for label, ps := range rc.byStory {
		if len(richest(ps).article()) >= 6 {
			ok = append(ok, label)
		}
	}
	sort.Strings(ok)
	r.Shuffle(len(ok), func(i, j int) { ok[i], ok[j] = ok[j], ok[i] })
	return ok[:min(n, len(ok))]
}

// richest is the page with the most story paragraphs (the first on a tie).
func richest(ps []*page) *page {
	best := ps[0]
	for _, p := range ps[1:] {
		if len(p.article()) > len(best.article()) {
			best = p
		}
	}
	return best
}

// republishAll republishes each version vs of base's story with one to
// three of the corpus's outlets, in their own page furniture, in the hours
// before the story's earliest page.
func (rc *realCorpus) republishAll(r *rand.Rand, base *page, vs [][]block, next *int) []news.Item {
	earliest := base.item.Published
	for _, p := range rc.byStory[base.label] {
		if p.item.Published.Before(earliest) {
			earliest = p.item.Published
		}
	}
	titles := []string{}
	for _, p := range rc.byStory[base.label] {
		titles = append(titles, p.item.Title)
	}
	var out []news.Item
	for k, v := range vs {
		sent := earliest.Add(-time.Duration(len(vs)-k) * time.Duration(30+r.IntN(60)) * time.Minute)
		title := titles[r.IntN(len(titles))]
		for range 1 + r.IntN(3) {
			feed := rc.c.Feeds[r.IntN(len(rc.c.Feeds))]
			tpl := rc.byFeed[feed][r.IntN(len(rc.byFeed[feed]))]
			*next++
			out = append(out, republish(tpl, v, title, sent.Add(time.Duration(2+r.IntN(180))*time.Minute), *next))
		}
	}
	return out
}

// republish is outlet tpl.feed's page for version v: the furniture of
// its page tpl before and after the text (its headline block replaced by
// title) and between paragraphs where tpl had some.
func republish(tpl *page, v []block, title string, at time.Time, n int) news.Item {
	first, last := -1, -1
	for i, x := range tpl.blocks {
		if x.article {
			last = i
			if first < 0 {
				first = i
			}
		}
	}
	var b strings.Builder
	furniture := func(x block) {
		if norm(x.text) == norm(tpl.item.Title) {
			b.WriteString("<h1>" + htmlEscape(title) + "</h1>")
			return
		}
		b.WriteString(x.raw)
	}
	if first < 0 {
		first, last = len(tpl.blocks), len(tpl.blocks)-1
	}
	for _, x := range tpl.blocks[:first] {
		furniture(x)
	}
	inner := tpl.blocks[first : last+1]
	for i, x := range v {
		b.WriteString(x.raw)
		if i < len(inner) && !inner[i].article {
			furniture(inner[i])
		}
	}
	for _, x := range tpl.blocks[last+1:] {
		furniture(x)
	}
	link := sibling(tpl.item.Link, n)
	return news.Item{Feed: tpl.feed, GUID: link, Link: link, Title: title, Content: b.String(), Published: at.UTC(), Author: tpl.item.Author}
}

// sibling is a link on the host of link, in its first path directory,
// named wtN.
func sibling(link string, n int) string {
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Sprintf("https://example.invalid/wt%d", n)
	}
	dir := path.Dir(u.Path)
	return fmt.Sprintf("%s://%s%s", u.Scheme, u.Host, path.Join(dir, fmt.Sprintf("wt%d", n)))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
