package eval

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/internal/baseline"
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
		d.Add(dedupe.Doc{ID: id, Feed: "f", HTML: texts[i%len(texts)], Published: t0.Add(time.Duration(i) * time.Minute)}, id)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkDedupe and BenchmarkMinHash128 compare normalise + sketch +
// query + insert per 3 KB article: ours, and classic 128-permutation
// MinHash LSH. Run with -cpu 1.
func BenchmarkDedupe(b *testing.B) {
	benchAdd(b, dedupe.NewIndex(dedupe.Options{Window: 4000 * time.Minute}))
}

func BenchmarkMinHash128(b *testing.B) { benchAdd(b, baseline.NewMinHash()) }
