package dedupe

import (
	"fmt"
	"slices"
)

// Figures are the similarity figures of a new document against a stored
// one, as the decision sees them.
type Figures struct {
	// Resemblance and Containment are Broder's resemblance (Jaccard) of the
	// two shingle sets and the containment of the smaller in the larger,
	// estimated on the stored document's threshold sample; Sampled is the
	// number of sampled shingles of the smaller they rest on.
	Resemblance float64
	Containment float64
	Sampled     int
	// Lead is the share of the shorter lead (first shingles) found in the
	// other's lead.
	Lead float64
	// Numbers is the share of the smaller number list found in the other;
	// NumbersCompared is the size of that list.
	Numbers         float64
	NumbersCompared int
	// Shingles of the new and stored documents.
	NewShingles, OldShingles int
	// SameTitle reports equal normalised titles.
	SameTitle bool
}

// compare computes the figures of fp (full) against the stored entry e.
func compare(fp *fingerprint, e *entry) Figures {
	f := Figures{NewShingles: fp.n, OldShingles: int(e.n)}
	f.SameTitle = fp.title != 0 && titleKey(fp.title) == e.keys[nKeys-1]
	// restrict both to values below the stored tau: the new document is
	// complete, so its restriction is exact.
	s := e.sample()
	cut, _ := slices.BinarySearch(fp.full, e.tau)
	if e.tau == ^uint32(0) {
		cut = len(fp.full)
	}
	a := fp.full[:cut]
	inter := intersect(a, s)
	union := len(a) + len(s) - inter
	if union > 0 {
		f.Resemblance = float64(inter) / float64(union)
	}
	small := min(len(a), len(s))
	if small > 0 {
		f.Containment = float64(inter) / float64(small)
	}
	f.Sampled = small
	f.Lead = leadAgreement(fp.lead, e.lead)
	f.Numbers, f.NumbersCompared = overlap(fp.nums, e.nums())
	return f
}

// intersect counts common values of two sorted distinct slices.
func intersect(a, b []uint32) int {
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

// leadAgreement is the share of the shorter lead found in the other; the
// stored lead keeps 16 bits of each hash.
func leadAgreement(full []uint32, stored []uint16) float64 {
	var a [leadLen]uint16
	for i, v := range full {
		a[i] = uint16(v >> 16)
	}
	x, y := a[:len(full)], stored
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) == 0 {
		return 0
	}
	n := 0
	for _, v := range x {
		if slices.Contains(y, v) {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

// overlap is the share of the shorter list found in the other, and its size.
func overlap(a, b []uint32) (float64, int) {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return 1, 0
	}
	n := 0
	for _, v := range a {
		if slices.Contains(b, v) {
			n++
		}
	}
	return float64(n) / float64(len(a)), len(a)
}

const (
	// newLeadBelow: two full-length documents whose leads agree less than
	// this have different leads; unless they are nearly identical
	// (followUpResemblance) the later one is a follow-up.
	newLeadBelow        = 0.3
	followUpResemblance = 0.85
	followUpContainment = 0.9
)

// verdict applies the decision rule to figures: it reports a match and a
// one-line reason. relaxed is the looser rule of the chaining guard.
func (o *Options) verdict(f Figures, relaxed bool) (bool, string) {
	r, c, l, sm := o.Resemblance, o.Containment, o.Lead, o.Summary
	if relaxed {
		r, c, l, sm = r*0.6, c*0.8, l*0.6, sm*0.75
	}
	short := min(f.NewShingles, f.OldShingles) <= leadLen*3/2
	newLead := min(f.NewShingles, f.OldShingles) >= leadLen && f.Lead < newLeadBelow
	switch {
	case f.NumbersCompared >= 3 && f.Numbers < o.Numbers:
		return false, fmt.Sprintf("numbers differ (%.2f of %d shared < %.2f)", f.Numbers, f.NumbersCompared, o.Numbers)
	case newLead && f.Resemblance < followUpResemblance && f.Containment < followUpContainment:
		return false, fmt.Sprintf("new lead (%.2f < %.2f) and resemblance %.2f < %.2f: a follow-up", f.Lead, newLeadBelow, f.Resemblance, followUpResemblance)
	case f.Resemblance >= r:
		return true, fmt.Sprintf("resemblance %.2f >= %.2f", f.Resemblance, r)
	case f.Containment >= c && f.Lead >= l:
		return true, fmt.Sprintf("containment %.2f >= %.2f with lead %.2f >= %.2f", f.Containment, c, f.Lead, l)
	case relaxed && f.Lead >= o.Summary && f.Containment >= c/2:
		return true, fmt.Sprintf("same lead %.2f with containment %.2f", f.Lead, f.Containment)
	case short && f.Lead >= sm:
		return true, fmt.Sprintf("short text with lead %.2f >= %.2f", f.Lead, sm)
	case f.Containment >= c:
		return false, fmt.Sprintf("containment %.2f but leads differ (%.2f < %.2f): a follow-up", f.Containment, f.Lead, l)
	}
	return false, fmt.Sprintf("resemblance %.2f < %.2f, containment %.2f < %.2f, lead %.2f", f.Resemblance, r, f.Containment, c, f.Lead)
}

// score orders matching candidates: the better match first.
func (f Figures) score() float64 { return f.Resemblance + f.Containment + f.Lead }
