package baseline

import (
	"fmt"
	"strings"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

const (
	perms     = 128
	mhBands   = 32
	mhRows    = perms / mhBands
	mhPrime   = (1 << 61) - 1
	mhShingle = 5
)

// MinHash is classic MinHash LSH: 5-word shingles, 128 random linear
// permutations evaluated per shingle, 32 bands of 4 rows, and a match when
// the estimated Jaccard resemblance is at least Threshold (0 means 0.5).
// The zero value is not usable; use NewMinHash.
type MinHash struct {
	Threshold float64
	a, b      [perms]uint64
	sigs      map[string]*[perms]uint64
	bands     map[[2]uint64][]string
	stories
}

// NewMinHash returns an empty index with fixed pseudo-random permutations.
func NewMinHash() *MinHash {
	m := &MinHash{Threshold: 0.5, sigs: map[string]*[perms]uint64{}, bands: map[[2]uint64][]string{}}
	x := uint64(0x9E3779B97F4A7C15)
	for i := range m.a {
		x = x*6364136223846793005 + 1442695040888963407
		m.a[i] = x>>3 | 1
		x = x*6364136223846793005 + 1442695040888963407
		m.b[i] = x >> 3
	}
	return m
}

// Signature computes the 128-value MinHash signature of html.
func (m *MinHash) Signature(html string) *[perms]uint64 {
	var sig [perms]uint64
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	ws := words(html)
	for i := 0; i+mhShingle <= len(ws) || (i == 0 && len(ws) > 0); i++ {
		x := fnv64(strings.Join(ws[i:min(i+mhShingle, len(ws))], " "))
		for p := range sig {
			if h := (m.a[p]*x + m.b[p]) % mhPrime; h < sig[p] {
				sig[p] = h
			}
		}
	}
	return &sig
}

// Learn does nothing: the baseline has no furniture model.
func (m *MinHash) Learn(string, []news.Item) {}

// Add places doc in the story of its best LSH candidate at or above the
// threshold, else in a new story.
func (m *MinHash) Add(id string, doc news.Item, newStoryID string) dedupe.Decision {
	sig := m.Signature(doc.Body())
	best, bestJ := "", 0.0
	seen := map[string]bool{}
	for b := 0; b < mhBands; b++ {
		for _, id := range m.bands[bandKey(sig, b)] {
			if seen[id] {
				continue
			}
			seen[id] = true
			if j := estimate(sig, m.sigs[id]); j >= m.Threshold && j > bestJ {
				best, bestJ = id, j
			}
		}
	}
	story := newStoryID
	if best != "" {
		story = m.of[best]
	}
	m.insert(id, sig, story)
	return newDecision(story, newStoryID, best, fmt.Sprintf("minhash estimate %.2f", bestJ))
}

func (m *MinHash) insert(id string, sig *[perms]uint64, story string) {
	m.sigs[id] = sig
	for b := 0; b < mhBands; b++ {
		k := bandKey(sig, b)
		m.bands[k] = append(m.bands[k], id)
	}
	m.put(id, story)
}

// Join places doc in storyID.
func (m *MinHash) Join(id string, doc news.Item, storyID string) {
	m.insert(id, m.Signature(doc.Body()), storyID)
}

// Update replaces the signature of a known doc (its old band entries stay).
func (m *MinHash) Update(id string, doc news.Item) {
	if st, ok := m.of[id]; ok {
		m.insert(id, m.Signature(doc.Body()), st)
	}
}

func bandKey(sig *[perms]uint64, b int) [2]uint64 {
	h := uint64(b)
	for _, v := range sig[b*mhRows : (b+1)*mhRows] {
		h = (h ^ v) * 1099511628211
	}
	return [2]uint64{uint64(b), h}
}

func estimate(a, b *[perms]uint64) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / perms
}
