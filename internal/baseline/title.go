package baseline

import (
	"fmt"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

// Title groups documents by title word Jaccard similarity, as many readers
// do: a document joins the story of the most similar earlier title when the
// similarity is at least Threshold (0 means 0.5). The zero value is not
// usable; use NewTitle.
type Title struct {
	Threshold float64
	titles    map[string]map[string]bool
	order     []string
	stories
}

// NewTitle returns an empty title index.
func NewTitle() *Title { return &Title{Threshold: 0.5, titles: map[string]map[string]bool{}} }

func titleSet(t string) map[string]bool {
	s := map[string]bool{}
	for _, w := range words(t) {
		s[w] = true
	}
	return s
}

// Learn does nothing.
func (t *Title) Learn(string, []news.Item) {}

// Add places doc with the most similar earlier title, else in a new story.
func (t *Title) Add(id string, doc news.Item, newStoryID string) dedupe.Decision {
	set := titleSet(doc.Title)
	best, bestJ := "", 0.0
	for _, id := range t.order {
		other := t.titles[id]
		inter := 0
		for w := range set {
			if other[w] {
				inter++
			}
		}
		if u := len(set) + len(other) - inter; u > 0 {
			if j := float64(inter) / float64(u); j >= t.Threshold && j > bestJ {
				best, bestJ = id, j
			}
		}
	}
	story := newStoryID
	if best != "" {
		story = t.of[best]
	}
	t.Join(id, doc, story)
	return newDecision(story, newStoryID, best, fmt.Sprintf("title jaccard %.2f", bestJ))
}

// Join places doc in storyID.
func (t *Title) Join(id string, doc news.Item, storyID string) {
	if _, ok := t.titles[id]; !ok {
		t.order = append(t.order, id)
	}
	t.titles[id] = titleSet(doc.Title)
	t.put(id, storyID)
}

// Update replaces the title of a known doc.
func (t *Title) Update(id string, doc news.Item) {
	if st, ok := t.of[id]; ok {
		t.Join(id, doc, st)
	}
}
