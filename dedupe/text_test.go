package dedupe

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// fictional text for tests: made-up words from syllables, so no real copy
// is used anywhere.
var syllables = []string{"ba", "ko", "ri", "tan", "vel", "mo", "zu", "pri", "dax", "lo", "ne", "shi", "gar", "fo", "tes", "qui"}

func word(r *rand.Rand) string {
	n := 1 + r.IntN(3)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	return b.String()
}

// fakeSentence returns a fictional sentence of n words.
func fakeSentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = word(r)
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// paragraphs returns n fictional paragraphs of about 60 words each.
func paragraphs(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]string, n)
	for i := range out {
		out[i] = fakeSentence(r, 14) + " " + fakeSentence(r, 18) + " " + fakeSentence(r, 12) + " " + fakeSentence(r, 16)
	}
	return out
}

func page(ps ...string) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "<p>%s</p>", p)
	}
	return b.String()
}

var t0 = time.Date(2031, 3, 4, 10, 0, 0, 0, time.UTC)

func doc(id, feed string, min int, body string) tdoc {
	return tdoc{ID: id, Feed: feed, Title: "Title of " + id, HTML: body, Published: t0.Add(time.Duration(min) * time.Minute)}
}
