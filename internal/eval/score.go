package eval

import "fmt"

// Score holds the pairwise figures of a clustering against the labels, as
// shared/tools/wire-score defines them.
type Score struct {
	Labelled, Stories, TrueStories int
	Missing                        int // labelled items not placed
	TruePairs, PredPairs, Correct  int
	Precision, Recall, F1, ARI     float64
	Coverage                       float64
}

// String prints the figures on one line.
func (s Score) String() string {
	return fmt.Sprintf("precision=%.4f recall=%.4f f1=%.4f ari=%.4f coverage=%.4f (items %d, stories %d, true %d)",
		s.Precision, s.Recall, s.F1, s.ARI, s.Coverage, s.Labelled, s.Stories, s.TrueStories)
}

func pairs(n int) int { return n * (n - 1) / 2 }

// Evaluate scores placements against the corpus labels: pairs of labelled
// items in one predicted story against pairs in one labelled story. A
// labelled item that was not placed counts as a story of its own and
// lowers the coverage.
func Evaluate(c *Corpus, ps []Placement) Score {
	pred := map[string]string{}
	stories := map[string]bool{}
	for _, p := range ps {
		pred[Canon(p.Item.Link)] = p.Story
		stories[p.Story] = true
	}
	truth := map[string]int{}
	guess := map[string]int{}
	cont := map[[2]string]int{}
	s := Score{Labelled: len(c.Labels), Stories: len(stories)}
	for u, st := range c.Labels {
		g, ok := pred[u]
		if !ok {
			g = "missing " + u
			s.Missing++
		}
		truth[st]++
		guess[g]++
		cont[[2]string{st, g}]++
	}
	s.TrueStories = len(truth)
	for _, n := range cont {
		s.Correct += pairs(n)
	}
	for _, n := range truth {
		s.TruePairs += pairs(n)
	}
	for _, n := range guess {
		s.PredPairs += pairs(n)
	}
	s.Precision, s.Recall = ratio(s.Correct, s.PredPairs), ratio(s.Correct, s.TruePairs)
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	exp := float64(s.TruePairs) * float64(s.PredPairs) / float64(pairs(s.Labelled))
	if mean := float64(s.TruePairs+s.PredPairs) / 2; mean != exp {
		s.ARI = (float64(s.Correct) - exp) / (mean - exp)
	} else {
		s.ARI = 1
	}
	if s.Labelled > 0 {
		s.Coverage = float64(s.Labelled-s.Missing) / float64(s.Labelled)
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
