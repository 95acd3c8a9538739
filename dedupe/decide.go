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
	if small < minSampled && fp.n < int(e.n) {
		// Too few sampled shingles to estimate on: the new document is
		// short, so look for all of it in the head of the stored one.
		f.Containment, f.Sampled = headContainment(fp.lead, e.lead), len(fp.lead)
	}
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

// sameLead is the lead agreement of two copies of one lead; with it, a
// lower containment (sameLeadShare of Options.Containment) suffices, since
// a follow-up by definition has a new lead.
const (
	sameLead      = 0.9
	sameLeadShare = 0.8
)

// nearlyAll is the containment at which the shorter text is taken to be a
// copy, a summary or the original of an update of the longer, whatever
// their leads (page clutter can hide a lead): a follow-up's new lead keeps
// it lower.
const nearlyAll = 0.9

// minSampled is the fewest sampled shingles a containment estimate may rest
// on; below it, a short new document is compared with the stored head.
const minSampled = 16

// headContainment is the share of the new document's shingles (all of it:
// it is short) found in the stored head.
func headContainment(full []uint32, stored []uint16) float64 {
	if len(full) == 0 {
		return 0
	}
	n := 0
	for _, v := range full {
		if slices.Contains(stored, uint16(v>>16)) {
			n++
		}
	}
	return float64(n) / float64(len(full))
}

// leadAgreement is how far the two leads (first leadLen shingles) agree,
// allowing for clutter before the story: the larger of the share of each
// lead found in the other's head (first headLen shingles). The stored
// shingles keep 16 bits of each hash.
func leadAgreement(full []uint32, stored []uint16) float64 {
	var a [headLen]uint16
	for i, v := range full {
		a[i] = uint16(v >> 16)
	}
	newHead := a[:len(full)]
	return max(shareIn(newHead[:min(leadLen, len(newHead))], stored),
		shareIn(stored[:min(leadLen, len(stored))], newHead))
}

// shareIn is the share of xs found in ys; 0 when xs is empty.
func shareIn(xs, ys []uint16) float64 {
	if len(xs) == 0 {
		return 0
	}
	n := 0
	for _, v := range xs {
		if slices.Contains(ys, v) {
			n++
		}
	}
	return float64(n) / float64(len(xs))
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
	// this have different leads, and the later one is a follow-up unless
	// the rest of the texts overrule that: the more the leads differ, the
	// more they must. A lead that shares almost nothing (below
	// freshLeadBelow) is overruled only by near-identical texts; a lead
	// partly shared (a paragraph dropped or rewritten) by a clear majority
	// of shared shingles.
	newLeadBelow   = 0.3
	freshLeadBelow = 0.1
)

// followUpBar returns the resemblance and containment that overrule a
// different lead of agreement lead.
func followUpBar(lead float64) (resemblance, containment float64) {
	if lead < freshLeadBelow {
		return 0.85, 0.9
	}
	return 0.65, 0.85
}

// verdict applies the decision rule to figures: it reports a match and a
// one-line reason. relaxed is the looser rule of the chaining guard.
func (o *Options) verdict(f Figures, relaxed bool) (bool, string) {
	r, c, l, sm := o.Resemblance, o.Containment, o.Lead, o.Summary
	if relaxed {
		r, c, l, sm = r*0.6, c*0.8, l*0.6, sm*0.75
	}
	short := min(f.NewShingles, f.OldShingles) <= leadLen*3/2
	newLead := min(f.NewShingles, f.OldShingles) >= leadLen && f.Lead < newLeadBelow
	barR, barC := followUpBar(f.Lead)
	switch {
	case f.NumbersCompared >= 3 && f.Numbers < o.Numbers:
		return false, fmt.Sprintf("numbers differ (%.2f of %d shared < %.2f)", f.Numbers, f.NumbersCompared, o.Numbers)
	case newLead && f.Resemblance < barR && f.Containment < barC:
		return false, fmt.Sprintf("new lead (%.2f < %.2f) and resemblance %.2f < %.2f, containment %.2f < %.2f: a follow-up",
			f.Lead, newLeadBelow, f.Resemblance, barR, f.Containment, barC)
	case f.Resemblance >= r:
		return true, fmt.Sprintf("resemblance %.2f >= %.2f", f.Resemblance, r)
	case f.Lead >= sameLead && f.Containment >= c*sameLeadShare:
		return true, fmt.Sprintf("same lead %.2f >= %.2f with containment %.2f >= %.2f", f.Lead, sameLead, f.Containment, c*sameLeadShare)
	case f.Containment >= c && f.Lead >= l:
		return true, fmt.Sprintf("containment %.2f >= %.2f with lead %.2f >= %.2f", f.Containment, c, f.Lead, l)
	case relaxed && f.Lead >= o.Summary && f.Containment >= c/2:
		return true, fmt.Sprintf("same lead %.2f with containment %.2f", f.Lead, f.Containment)
	case short && f.Lead >= sm:
		return true, fmt.Sprintf("short text with lead %.2f >= %.2f", f.Lead, sm)
	case short && f.Containment >= c:
		return true, fmt.Sprintf("short text contained %.2f >= %.2f", f.Containment, c)
	case f.Containment >= nearlyAll && f.Sampled >= minSampled:
		return true, fmt.Sprintf("nearly all of the shorter text is in the longer (containment %.2f on %d shingles)", f.Containment, f.Sampled)
	case f.Containment >= c:
		return false, fmt.Sprintf("containment %.2f but leads differ (%.2f < %.2f): a follow-up", f.Containment, f.Lead, l)
	}
	return false, fmt.Sprintf("resemblance %.2f < %.2f, containment %.2f < %.2f, lead %.2f", f.Resemblance, r, f.Containment, c, f.Lead)
}

// score orders matching candidates: the better match first.
func (f Figures) score() float64 { return f.Resemblance + f.Containment + f.Lead }
