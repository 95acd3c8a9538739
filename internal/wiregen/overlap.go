package wiregen

import (
	"hash/fnv"
	"strings"
	"unicode"
)

// Shingles returns the set of word 3-shingles of a plain text: words are
// runs of letters and digits, lower-cased; a text of fewer than three
// words is one shingle.
func Shingles(text string) map[uint64]bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := make(map[uint64]bool, len(words))
	h := fnv.New64a()
	for i := 0; i == 0 || i+3 <= len(words); i++ {
		h.Reset()
		for _, w := range words[i:min(len(words), i+3)] {
			h.Write([]byte(w))
			h.Write([]byte{' '})
		}
		out[h.Sum64()] = true
	}
	return out
}

// Resemblance is the Jaccard similarity of two shingle sets (1 for two
// empty sets).
func Resemblance(a, b map[uint64]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for s := range a {
		if b[s] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

// Containment is the share of a's shingles that are in b (1 for an empty
// a): Broder's containment of a in b.
func Containment(a, b map[uint64]bool) float64 {
	if len(a) == 0 {
		return 1
	}
	n := 0
	for s := range a {
		if b[s] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}
