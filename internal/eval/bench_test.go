package eval

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/internal/baseline"
	"github.com/wirestory/aggregator/news"
)

// articles returns n fictional ~3 KB HTML articles.
func articles(n int) []string {
	r := rand.New(rand.NewPCG(3, 4))
	syl := []string{"ba", "ko", "ri", "tan", "vel", "mo", "zu", "pri", "dax", "lo", "ne", "shi", "gar", "fo", "tes", "qui"}
	vocab := make([]string, 20000)
	for i := range vocab {
		var b strings.Builder
		for j := 0; j < 1+r.IntN(3); j++ {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		vocab[i] = b.String()
	}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for b.Len() < 3000 {
			b.WriteString("<p>")
			for w := 0; w < 60; w++ {
				b.WriteString(vocab[r.IntN(len(vocab))])
				b.WriteByte(' ')
			}
			b.WriteString("</p>")
		}
		out[i] = b.String()
	}
	return out
}

func benchAdd(b *testing.B, d Deduper) {
	texts := articles(4096)
	t0 := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(texts[0])))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprint(i)
		at := t0.Add(time.Duration(i) * time.Minute)
		d.Add(id, news.Item{Feed: "f", Content: texts[i%len(texts)], Published: at}, id)
		if o, ok := d.(*Ours); ok && i%1000 == 999 {
			o.Index.Evict(at.Add(-4000 * time.Minute)) // a window of about 4,000 documents
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkDedupe and BenchmarkMinHash128 compare normalise + sketch +
// query + insert per 3 KB article: ours, and classic 128-permutation
// MinHash LSH. Run with -cpu 1.
func BenchmarkDedupe(b *testing.B) {
	benchAdd(b, NewOurs(dedupe.Options{}))
}

func BenchmarkMinHash128(b *testing.B) { benchAdd(b, baseline.NewMinHash()) }
