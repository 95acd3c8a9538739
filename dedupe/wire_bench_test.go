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
	docs  []Doc
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
		s.docs = append(s.docs, Doc{ID: g.GUID, Feed: g.Feed, Title: g.Title, HTML: g.HTML, Published: g.Published})
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

// learned returns an index that has learned every feed of the set.
func (s *wireSet) learned() *Index {
	ix := NewIndex(Options{Window: 87600 * time.Hour})
	for feed, ts := range s.feeds {
		ix.LearnTexts(feed, ts)
	}
	return ix
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
	ix := NewIndex(Options{})
	n := 0
	for i := 0; b.Loop(); i++ {
		ts := s.feeds[feeds[i%len(feeds)]]
		ix.LearnTexts(feeds[i%len(feeds)], ts)
		n += len(ts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkWireSketch is Prepare on an analysed body: furniture and agency
// copy removed, shingled, one-permutation MinHash with densification.
func BenchmarkWireSketch(b *testing.B) {
	s := wire()
	ix := s.learned()
	for i := 0; b.Loop(); i++ {
		k := i % len(s.docs)
		ix.Prepare(s.docs[k], s.texts[k])
	}
	perItem(b)
}

// BenchmarkWireClean is CleanText: the body without the feed's furniture.
func BenchmarkWireClean(b *testing.B) {
	s := wire()
	ix := s.learned()
	for i := 0; b.Loop(); i++ {
		k := i % len(s.docs)
		ix.CleanText(s.docs[k].Feed, s.texts[k])
	}
	perItem(b)
}

// window returns an index holding the set's first n documents (prepared
// and added), and the rest prepared.
func (s *wireSet) window(b *testing.B, n int) (*Index, []Doc) {
	b.Helper()
	ix := s.learned()
	docs := make([]Doc, len(s.docs))
	for i, d := range s.docs {
		docs[i] = ix.Prepare(d, s.texts[i])
	}
	for _, d := range docs[:n] {
		ix.Add(d, d.ID)
	}
	return ix, docs[n:]
}

// BenchmarkWireQuery is the index query of a prepared document: candidates
// from the postings (LSH bands, lead shingles, title), each verified, and
// the story chosen, against a window of 5,000 documents; nothing inserted.
func BenchmarkWireQuery(b *testing.B) {
	ix, rest := wire().window(b, 5000)
	for i := 0; b.Loop(); i++ {
		fp := ix.fingerprintOf(rest[i%len(rest)])
		ix.bestStory(fp)
	}
	perItem(b)
}

// BenchmarkWireInsert is the insert of a prepared document into the window
// (postings, story list), without the query.
func BenchmarkWireInsert(b *testing.B) {
	s := wire()
	ix := s.learned()
	docs := make([]Doc, len(s.docs))
	for i, d := range s.docs {
		docs[i] = ix.Prepare(d, s.texts[i])
	}
	for i := 0; b.Loop(); i++ {
		d := docs[i%len(docs)]
		if i >= len(docs) {
			// a second lap: fresh ids, so every call inserts
			d.ID += "+" + string(rune('a'+i/len(docs)%26))
		}
		ix.insert(d, ix.fingerprintOf(d), d.ID)
	}
	perItem(b)
}

// BenchmarkWireAdd is clustering: Add of prepared documents (query, verify,
// choose the story, insert), the writer's whole share, in publish order
// over the 10,000 documents of the set; the index starts empty each lap.
func BenchmarkWireAdd(b *testing.B) {
	s := wire()
	var ix *Index
	var docs []Doc
	for i := 0; b.Loop(); i++ {
		k := i % len(s.docs)
		if k == 0 {
			b.StopTimer()
			ix, docs = s.window(b, 0)
			b.StartTimer()
		}
		ix.Add(docs[k], docs[k].ID)
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
	prepared := make([]Doc, len(s.docs))
	for b.Loop() {
		ix := NewIndex(Options{Window: 87600 * time.Hour})
		for _, feed := range s.names {
			idx := s.byFeed[feed]
			ts := make([]*Text, len(idx))
			for j, i := range idx {
				ts[j] = Analyse(s.docs[i].HTML)
			}
			ix.LearnTexts(feed, ts)
			for j, i := range idx {
				prepared[i] = ix.Prepare(s.docs[i], ts[j])
				ix.CleanText(feed, ts[j])
			}
		}
		for _, d := range prepared {
			ix.Add(d, d.ID)
		}
	}
	b.ReportMetric(float64(b.N*len(s.docs))/b.Elapsed().Seconds(), "items/s")
}

// TestPreparedEqualsAdd: documents prepared from their Texts are placed
// exactly as Add places them from their HTML, with the same records.
func TestPreparedEqualsAdd(t *testing.T) {
	s := wire()
	n := 3000
	if testing.Short() {
		n = 500
	}
	plain, prep := NewIndex(Options{Window: 87600 * time.Hour}), NewIndex(Options{Window: 87600 * time.Hour})
	htmls := make(map[string][]string)
	for _, d := range s.docs {
		htmls[d.Feed] = append(htmls[d.Feed], d.HTML)
	}
	for feed, hs := range htmls {
		plain.Learn(feed, hs)
		prep.LearnTexts(feed, s.feeds[feed])
	}
	merged := 0
	for i, d := range s.docs[:n] {
		a := plain.Add(d, d.ID)
		if !a.New {
			merged++
		}
		b := prep.Add(prep.Prepare(d, s.texts[i]), d.ID)
		if a != b {
			t.Fatalf("doc %d %s: Add %+v, prepared %+v", i, d.ID, a, b)
		}
		if ra, rb := plain.Record(d.ID), prep.Record(d.ID); !slices.Equal(ra, rb) {
			t.Fatalf("doc %d %s: records differ", i, d.ID)
		}
		if ca, cb := plain.Clean(d.Feed, d.HTML), prep.CleanText(d.Feed, s.texts[i]); ca != cb {
			t.Fatalf("doc %d %s: cleaned bodies differ", i, d.ID)
		}
	}
	if merged == 0 {
		t.Fatal("no document merged: the comparison tested nothing")
	}
}

// TestPrepareStale: a document prepared before its feed's model changed is
// analysed again by Add, so it is placed as an unprepared one is.
func TestPrepareStale(t *testing.T) {
	s := wire()
	var feed string
	for f, ts := range s.feeds {
		if len(ts) >= 10 && (feed == "" || f < feed) {
			feed = f
		}
	}
	var d Doc
	var tx *Text
	for i := range s.docs {
		if s.docs[i].Feed == feed {
			d, tx = s.docs[i], s.texts[i]
			break
		}
	}
	ix, fresh := NewIndex(Options{}), NewIndex(Options{})
	stale := ix.Prepare(d, tx) // no model yet: furniture kept
	ix.LearnTexts(feed, s.feeds[feed])
	fresh.LearnTexts(feed, s.feeds[feed])
	if slices.Equal(stale.prep.fp.full, fresh.Prepare(d, tx).prep.fp.full) {
		t.Fatal("the model changed nothing in the document: the test tests nothing")
	}
	ix.Add(stale, d.ID)
	fresh.Add(d, d.ID)
	if a, b := ix.Record(d.ID), fresh.Record(d.ID); !slices.Equal(a, b) {
		t.Fatal("a stale prepared document was added as prepared")
	}
}

// TestLeadKeyCollision: a band key of one document equal to a lead key of
// another (32-bit keys share one table) is not read as a lead key.
func TestLeadKeyCollision(t *testing.T) {
	s := wire()
	ix := NewIndex(Options{Window: 87600 * time.Hour})
	n := rareLead + 2 // lists longer than rare ones
	probe := ix.Prepare(s.docs[n], s.texts[n])
	for i, d := range s.docs[:n] {
		ix.Add(ix.Prepare(d, s.texts[i]), d.ID)
		slot := ix.byID[d.ID]
		e := &ix.entries[slot]
		ix.post.remove(uint32(slot), &e.keys)
		for j := range bands {
			e.keys[j] = leadKey(probe.prep.fp.lead[j+1])
		}
		ix.post.insert(uint32(slot), &e.keys)
	}
	d := ix.Add(probe, probe.ID) // must not misread the bands as lead keys
	if d.StoryID == "" {
		t.Fatal("no decision")
	}
}
