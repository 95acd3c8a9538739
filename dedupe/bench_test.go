package dedupe

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// article returns a fictional ~3 KB HTML article.
func article(r *rand.Rand, vocab []string) string {
	var b strings.Builder
	for b.Len() < 3000 {
		b.WriteString("<p>")
		for s := 0; s < 4; s++ {
			n := 10 + r.IntN(12)
			for i := 0; i < n; i++ {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(vocab[r.IntN(len(vocab))])
			}
			b.WriteString(". ")
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func vocabulary(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]string, n)
	for i := range v {
		v[i] = word(r)
	}
	return v
}

// pool returns n fictional articles.
func pool(n int) []string {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := vocabulary(20000)
	out := make([]string, n)
	for i := range out {
		out[i] = article(r, vocab)
	}
	return out
}

// BenchmarkAdd measures normalise + sketch + query + insert per 3 KB
// article; the texts cycle through a pool and the window evicts the old
// copies, so the index holds about 4,000 documents.
func BenchmarkAdd(b *testing.B) {
	texts := pool(4096)
	ix := NewIndex(Options{})
	var none *Furniture
	b.SetBytes(int64(len(texts[0])))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := Doc{ID: fmt.Sprint(i), Feed: "f", Published: t0.Add(time.Duration(i) * time.Minute)}
		p := none.Prepare(Analyse(texts[i%len(texts)]), "")
		ix.Add(d, &p, d.ID)
		if i%1000 == 999 {
			ix.Evict(d.Published.Add(-4000 * time.Minute))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// TestMemoryPerDoc fills an index with 100,000 distinct documents and
// reports the heap bytes it holds per document; it fails above 1 KB. The
// documents are restored from their records, as at start-up (Add stores
// the same entry after its search for candidates, which this test has no
// need to pay for: TestPreparedRoundTrip checks the two agree).
func TestMemoryPerDoc(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("measures memory: needs a full run without -race")
	}
	const n = 100_000
	r := rand.New(rand.NewPCG(5, 6))
	vocab := vocabulary(20000)
	var none *Furniture
	recs := make([][]byte, n)
	var b strings.Builder
	for i := range recs {
		b.Reset()
		for j := 0; j < 150; j++ {
			b.WriteString(vocab[r.IntN(len(vocab))])
			b.WriteByte(' ')
		}
		p := none.Prepare(Analyse(b.String()), "t")
		recs[i] = p.Record()
	}
	ix := NewIndex(Options{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i, rec := range recs {
		id := fmt.Sprintf("%032x", i)
		if err := ix.Restore(Doc{ID: id, Feed: "f", Published: t0}, "s"+id[:20], rec); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(recs) // held before and after: not counted
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("index heap: %.0f bytes per document (%d documents)", per, ix.Len())
	if per > 1024 {
		t.Errorf("%.0f bytes per document > 1 KB", per)
	}
	runtime.KeepAlive(ix)
}

// records returns the records of texts, prepared without furniture.
func records(texts []string) [][]byte {
	var none *Furniture
	recs := make([][]byte, len(texts))
	for i, s := range texts {
		p := none.Prepare(Analyse(s), "")
		recs[i] = p.Record()
	}
	return recs
}

// BenchmarkRestore is the rebuild of the window at start-up, per record.
func BenchmarkRestore(b *testing.B) {
	recs := records(pool(64))
	ix := NewIndex(Options{})
	for i := 0; b.Loop(); i++ {
		d := Doc{ID: fmt.Sprintf("%032x", i), Feed: "f", Published: t0}
		if err := ix.Restore(d, fmt.Sprint(i%5000), recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestorer100k is the rebuild of a window of 100,000 documents
// at start-up, handed over in the store's order (not the window's): 60,000
// texts, 40 % of the documents a copy of another.
func BenchmarkRestorer100k(b *testing.B) {
	const n = 100_000
	recs := records(pool(60_000))
	docs := make([]Doc, n)
	stories := make([]string, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range docs {
		docs[i] = Doc{ID: fmt.Sprintf("%032x", i), Feed: "f", Published: t0.Add(time.Duration(r.IntN(72*60)) * time.Minute)}
		stories[i] = fmt.Sprint(i * 7 / 10) // 0.7 stories a document
	}
	for b.Loop() {
		rs := NewIndex(Options{}).Restorer(n)
		for i, d := range docs {
			if err := rs.Add(d, int64(i), stories[i], recs[i%len(recs)]); err != nil {
				b.Fatal(err)
			}
		}
		rs.Done()
	}
}
