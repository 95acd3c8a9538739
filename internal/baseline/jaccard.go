package baseline

import (
	"fmt"
	"slices"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

// BodyJaccard is the plain rule a careful reader would write: the exact
// Jaccard index of the bodies' word 3-shingle sets, compared with every
// earlier document, and single-link clustering (a document joins the story
// of its most similar earlier document when the index is at least
// Threshold; 0 means 0.5). No sketch, no furniture learning, quadratic:
// for measuring, not for use. The zero value is not usable; use
// NewBodyJaccard.
type BodyJaccard struct {
	Threshold float64
	sets      map[string][]uint64 // sorted, distinct
	order     []string
	stories
}

// NewBodyJaccard returns an empty index.
func NewBodyJaccard() *BodyJaccard {
	return &BodyJaccard{Threshold: 0.5, sets: map[string][]uint64{}}
}

// shingleSet returns the word 3-shingles of an HTML body, hashed, sorted
// and distinct.
func shingleSet(html string) []uint64 {
	ws := words(html)
	var s []uint64
	for i := 0; i+3 <= len(ws); i++ {
		s = append(s, fnv64(ws[i]+" "+ws[i+1]+" "+ws[i+2]))
	}
	if len(ws) > 0 && len(ws) < 3 {
		s = append(s, fnv64(fmt.Sprint(ws)))
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// intersect counts the common values of two sorted distinct slices.
func intersect(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Learn does nothing.
func (j *BodyJaccard) Learn(string, []news.Item) {}

// Add places doc with its most similar earlier body, else in a new story.
func (j *BodyJaccard) Add(id string, doc news.Item, newStoryID string) dedupe.Decision {
	set := shingleSet(doc.Body())
	best, bestJ := "", 0.0
	for _, other := range j.order {
		o := j.sets[other]
		inter := intersect(set, o)
		if u := len(set) + len(o) - inter; u > 0 {
			if x := float64(inter) / float64(u); x >= j.Threshold && x > bestJ {
				best, bestJ = other, x
			}
		}
	}
	story := newStoryID
	if best != "" {
		story = j.of[best]
	}
	j.join(id, set, story)
	return newDecision(story, newStoryID, best, fmt.Sprintf("body jaccard %.2f", bestJ))
}

func (j *BodyJaccard) join(id string, set []uint64, story string) {
	if _, ok := j.sets[id]; !ok {
		j.order = append(j.order, id)
	}
	j.sets[id] = set
	j.put(id, story)
}

// Join places doc in storyID.
func (j *BodyJaccard) Join(id string, doc news.Item, storyID string) {
	j.join(id, shingleSet(doc.Body()), storyID)
}

// Update replaces the body of a known doc.
func (j *BodyJaccard) Update(id string, doc news.Item) {
	if st, ok := j.of[id]; ok {
		j.Join(id, doc, st)
	}
}
