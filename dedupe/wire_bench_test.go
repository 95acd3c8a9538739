package dedupe

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/wiregen"
)

// The benchmarks of this file run on generated wire copy (internal/wiregen:
// ~3 KB items with outlet furniture, datelines, sign-offs, and 40 % of the
// items republished wire stories), fed the way the pipeline feeds the
// index: every body analysed once, each feed's model learned from its whole
// batch, documents prepared, then added oldest first. Each reports items/s;
// run them with -cpu 1 for figures per core:
//
//	go test -run '^$' -bench Wire -benchmem -cpu 1 ./dedupe

// wireFeeds is the generated set: 200 feeds of 50 items.
const wireFeeds, wireItems = 200, 50

// wireSet is the generated set, analysed: docs in publish order, with each
// doc's Text, and the feeds' Texts for Learn.
type wireSet struct {
	docs  []tdoc
	texts []*Text
	feeds map[string][]*Text
	// the feeds' names, sorted, and the indexes in docs of each feed's docs
	names  []string
	byFeed map[string][]int
}

var wire = sync.OnceValue(func() *wireSet {
	gen := wiregen.Docs(wiregen.Spec{Feeds: wireFeeds, Items: wireItems, Bytes: 3000, Dup: 0.4, Seed: 1,
		Now: time.Date(2031, 3, 14, 12, 0, 0, 0, time.UTC)})
	slices.SortStableFunc(gen, func(a, b wiregen.Doc) int { return a.Published.Compare(b.Published) })
	s := &wireSet{feeds: make(map[string][]*Text), byFeed: make(map[string][]int)}
	for i, g := range gen {
		t := Analyse(g.HTML)
		s.docs = append(s.docs, tdoc{ID: g.GUID, Feed: g.Feed, Title: g.Title, HTML: g.HTML, Published: g.Published})
		s.texts = append(s.texts, t)
		s.feeds[g.Feed] = append(s.feeds[g.Feed], t)
		s.byFeed[g.Feed] = append(s.byFeed[g.Feed], i)
	}
	for f := range s.byFeed {
		s.names = append(s.names, f)
	}
	slices.Sort(s.names)
	return s
})

// learned returns the furniture of every feed of the set, learned.
func (s *wireSet) learned() map[string]*Furniture {
	m := make(map[string]*Furniture, len(s.feeds))
	for feed, ts := range s.feeds {
		m[feed] = new(Furniture)
		m[feed].Learn(ts)
	}
	return m
}

// prepared returns every document of the set prepared with its feed's
// learned furniture.
func (s *wireSet) prepared() []Prepared {
	furn := s.learned()
	ps := make([]Prepared, len(s.docs))
	for i, d := range s.docs {
		ps[i] = furn[d.Feed].Prepare(s.texts[i], d.Title)
	}
	return ps
}

// perItem reports the items/s of b.N items.
func perItem(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkWireAnalyse is normalisation: HTML split into blocks, entities
// decoded, text folded (mojibake, NFKC, case), words and sentences hashed.
func BenchmarkWireAnalyse(b *testing.B) {
	s := wire()
	b.SetBytes(int64(len(s.docs[0].HTML)))
	for i := 0; b.Loop(); i++ {
		Analyse(s.docs[i%len(s.docs)].HTML)
	}
	perItem(b)
}

// BenchmarkWireLearn is the furniture model learned from a feed's batch of
// analysed bodies, per item.
func BenchmarkWireLearn(b *testing.B) {
	s := wire()
	feeds := make([]string, 0, len(s.feeds))
	for f := range s.feeds {
		feeds = append(feeds, f)
	}
	slices.Sort(feeds)
	furn := make(map[string]*Furniture, len(feeds))
	for _, f := range feeds {
		furn[f] = new(Furniture)
	}
	n := 0
	for i := 0; b.Loop(); i++ {
		ts := s.feeds[feeds[i%len(feeds)]]
		furn[feeds[i%len(feeds)]].Learn(ts)
		n += len(ts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkWireSketch is Prepare on an analysed body: furniture and agency
// copy removed, shingled, one-permutation MinHash with densification.
func BenchmarkWireSketch(b *testing.B) {
	s := wire()
	furn := s.learned()
	for i := 0; b.Loop(); i++ {
		k := i % len(s.docs)
		furn[s.docs[k].Feed].Prepare(s.texts[k], s.docs[k].Title)
	}
	perItem(b)
}

// BenchmarkWireClean is Clean: the body without the feed's furniture.
func BenchmarkWireClean(b *testing.B) {
	s := wire()
	furn := s.learned()
	for i := 0; b.Loop(); i++ {
		k := i % len(s.docs)
		furn[s.docs[k].Feed].Clean(s.texts[k])
	}
	perItem(b)
}

// window returns an index holding the set's first n documents (prepared
// and added), and every document prepared.
func (s *wireSet) window(b *testing.B, n int) (*Index, []Prepared) {
	b.Helper()
	ix := NewIndex(Options{})
	ps := s.prepared()
	for i := range ps[:n] {
		ix.Add(s.docs[i].doc(), &ps[i], s.docs[i].ID)
	}
	return ix, ps
}

// BenchmarkWireQuery is the index query of a prepared document: candidates
// from the postings (LSH bands, lead shingles, title), each verified, and
// the story chosen, against a window of 5,000 documents; nothing inserted.
func BenchmarkWireQuery(b *testing.B) {
	ix, ps := wire().window(b, 5000)
	rest := ps[5000:]
	for i := 0; b.Loop(); i++ {
		p := &rest[i%len(rest)]
		fp := p.view()
		ix.bestStory(&fp, &p.keys)
	}
	perItem(b)
}

// BenchmarkWireInsert is the insert of a prepared document into the window
// (postings, story list), without the query.
func BenchmarkWireInsert(b *testing.B) {
	s := wire()
	ix := NewIndex(Options{})
	ps := s.prepared()
	for i := 0; b.Loop(); i++ {
		d := s.docs[i%len(ps)].doc()
		if i >= len(ps) {
			// a second lap: fresh ids, so every call inserts
			d.ID += "+" + string(rune('a'+i/len(ps)%26))
		}
		ix.insert(d, &ps[i%len(ps)], d.ID)
	}
	perItem(b)
}

// BenchmarkWireAdd is clustering: Add of prepared documents (query, verify,
// choose the story, insert), the writer's whole share, in publish order
// over the 10,000 documents of the set; the index starts empty each lap.
func BenchmarkWireAdd(b *testing.B) {
	s := wire()
	var ix *Index
	var ps []Prepared
	for i := 0; b.Loop(); i++ {
		k := i % len(s.docs)
		if k == 0 {
			b.StopTimer()
			ix, ps = s.window(b, 0)
			b.StartTimer()
		}
		ix.Add(s.docs[k].doc(), &ps[k], s.docs[k].ID)
	}
	perItem(b)
}

// BenchmarkWireDedupe is the whole of dedupe per item, on one core, with
// the pipeline's data flow: feed by feed, the bodies are analysed, the
// feed's model learned, and each item prepared and cleaned (the Texts are
// then dropped); then every prepared item is added in publish order, over
// the 10,000 documents, a fresh index each lap. Its items/s is the dedupe
// throughput per core.
func BenchmarkWireDedupe(b *testing.B) {
	s := wire()
	prepared := make([]Prepared, len(s.docs))
	for b.Loop() {
		ix := NewIndex(Options{})
		for _, feed := range s.names {
			idx := s.byFeed[feed]
			ts := make([]*Text, len(idx))
			for j, i := range idx {
				ts[j] = Analyse(s.docs[i].HTML)
			}
			f := new(Furniture)
			f.Learn(ts)
			for j, i := range idx {
				prepared[i] = f.Prepare(ts[j], s.docs[i].Title)
				f.Clean(ts[j])
			}
		}
		for i := range prepared {
			ix.Add(s.docs[i].doc(), &prepared[i], s.docs[i].ID)
		}
	}
	b.ReportMetric(float64(b.N*len(s.docs))/b.Elapsed().Seconds(), "items/s")
}

// TestPreparedRoundTrip: a Prepared stored (MarshalBinary) and read back
// (ParsePrepared) is placed exactly as the one made, with the same record.
func TestPreparedRoundTrip(t *testing.T) {
	s := wire()
	n := 3000
	if testing.Short() {
		n = 500
	}
	ps := s.prepared()
	a, b := NewIndex(Options{}), NewIndex(Options{})
	merged := 0
	for i := range ps[:n] {
		raw, err := ps[i].MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePrepared(raw)
		if err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		d := s.docs[i].doc()
		da, db := a.Add(d, &ps[i], d.ID), b.Add(d, &back, d.ID)
		if da.StoryID != db.StoryID || da.New != db.New || da.Match != db.Match || da.Reason != db.Reason {
			t.Fatalf("doc %d %s: made %+v, read back %+v", i, d.ID, da, db)
		}
		if !da.New {
			merged++
		}
		if !slices.Equal(ps[i].Record(), back.Record()) {
			t.Fatalf("doc %d: records differ", i)
		}
	}
	if merged == 0 {
		t.Fatal("no document merged: the comparison tested nothing")
	}
	if _, err := ParsePrepared([]byte{preparedVersion, 1, 2}); err == nil {
		t.Error("short bytes parsed")
	}
}

// TestLeadKeyCollision: a band key of one document equal to a lead key of
// another (32-bit keys share one table) is not read as a lead key.
func TestLeadKeyCollision(t *testing.T) {
	s := wire()
	ix := NewIndex(Options{})
	ps := s.prepared()
	n := rareLead + 2 // lists longer than rare ones
	probe := &ps[n]
	for i, d := range s.docs[:n] {
		ix.Add(d.doc(), &ps[i], d.ID)
		slot := ix.byID[d.ID]
		e := ix.entries.at(slot)
		ix.post.remove(uint32(slot), &e.keys)
		for j := range bands {
			e.keys[j] = leadKey(probe.lead[j+1])
		}
		ix.post.insert(uint32(slot), &e.keys)
	}
	d := ix.Add(s.docs[n].doc(), probe, s.docs[n].ID) // must not misread the bands as lead keys
	if d.StoryID == "" {
		t.Fatal("no decision")
	}
}
