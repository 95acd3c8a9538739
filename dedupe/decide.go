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

// compare computes the figures of fp against the stored entry e.
func compare(fp *fingerprint, e *entry) Figures { return compareFor(fp, e, false) }

// minStrictContainment is the least containment with which the strict rule
// can match two documents that are not short: the lowest containment bar
// of its cases, and the resemblance bar, which bounds the containment from
// below. Options that lower a bar under it turn the early exit off.
const minStrictContainment = 0.5

// compareFor is compare; with strict, it stops after the shingle estimates
// of two documents that the strict rule cannot match whatever their leads
// and numbers (Lead and Numbers then stay 0).
func compareFor(fp *fingerprint, e *entry, strict bool) Figures {
	f := Figures{NewShingles: fp.n, OldShingles: int(e.n)}
	f.SameTitle = fp.title != 0 && titleKey(fp.title) == e.keys[nKeys-1]
	// Both are threshold samples of their shingle sets (Broder's mod-m
	// sample): restricted to values below the smaller bound, each holds
	// exactly its set's shingles in that range.
	s, a := e.sample(), fp.full
	if t := min(e.tau, fp.ftau); t != ^uint32(0) {
		cs, _ := slices.BinarySearch(s, t)
		ca, _ := slices.BinarySearch(a, t)
		s, a = s[:cs], a[:ca]
	}
	inter := fp.heads.countFull(s)
	union := len(a) + len(s) - inter
	if union > 0 {
		f.Resemblance = float64(inter) / float64(union)
	}
	small := min(len(a), len(s))
	if small > 0 {
		f.Containment = float64(inter) / float64(small)
	}
	f.Sampled = small
	short := min(f.NewShingles, f.OldShingles) <= leadLen*3/2
	if strict && !short && small >= minSampled && f.Containment < minStrictContainment {
		return f
	}
	hs := fp.heads
	hs.stored.fill(e.lead)
	if small < minSampled && fp.n < int(e.n) {
		// Too few sampled shingles to estimate on: the new document is
		// short, so look for all of it in the head of the stored one.
		f.Containment, f.Sampled = hs.containment(fp.lead), len(fp.lead)
	}
	f.Lead = hs.agreement(e.lead)
	hs.stored.empty(e.lead)
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
	return 0.65, partLeadContainment
}

// partLeadContainment is the containment (on at least partLeadSampled
// sampled shingles) at which two texts whose leads are partly shared
// (freshLeadBelow or more: a lead partly rewritten, not a new one) are one
// story.
const (
	partLeadContainment = 0.75
	partLeadSampled     = 24
)

// verdict applies the decision rule to figures: it reports a match and a
// one-line reason. relaxed is the looser rule of the chaining guard.
func (o *Options) verdict(f Figures, relaxed bool) (bool, string) {
	r := o.rule(f, relaxed)
	return r.match(), o.reason(f, relaxed, r)
}

// rule is the case of the decision rule that decides a pair; the reason
// is formatted only when asked for (Add compares many more pairs than it
// reports).
type rule uint8

const (
	numbersDiffer rule = iota
	followUp
	resembles
	sameLeadContained
	contained
	partLeadContained
	relaxedSameLead
	shortSameLead
	shortContained
	nearlyAllContained
	leadsDiffer
	noRule
)

func (r rule) match() bool {
	return r != numbersDiffer && r != followUp && r != leadsDiffer && r != noRule
}

// bars returns the resemblance, containment, lead and summary bars of the
// strict or the relaxed rule.
func (o *Options) bars(relaxed bool) (r, c, l, sm float64) {
	r, c, l, sm = o.Resemblance, o.Containment, o.Lead, o.Summary
	if relaxed {
		r, c, l, sm = r*0.6, c*0.8, l*0.6, sm*0.75
	}
	return r, c, l, sm
}

// rule returns the case of the decision rule that decides figures f.
func (o *Options) rule(f Figures, relaxed bool) rule {
	r, c, l, sm := o.bars(relaxed)
	short := min(f.NewShingles, f.OldShingles) <= leadLen*3/2
	newLead := min(f.NewShingles, f.OldShingles) >= leadLen && f.Lead < newLeadBelow
	barR, barC := followUpBar(f.Lead)
	switch {
	case f.NumbersCompared >= 3 && f.Numbers < o.Numbers:
		return numbersDiffer
	case newLead && f.Resemblance < barR && f.Containment < barC:
		return followUp
	case f.Resemblance >= r:
		return resembles
	case f.Lead >= sameLead && f.Containment >= c*sameLeadShare:
		return sameLeadContained
	case f.Containment >= c && f.Lead >= l:
		return contained
	case f.Lead >= freshLeadBelow && f.Containment >= partLeadContainment && f.Sampled >= partLeadSampled:
		return partLeadContained
	case relaxed && f.Lead >= o.Summary && f.Containment >= c/2:
		return relaxedSameLead
	case short && f.Lead >= sm:
		return shortSameLead
	case short && f.Containment >= c:
		return shortContained
	case f.Containment >= nearlyAll && f.Sampled >= minSampled:
		return nearlyAllContained
	case f.Containment >= c:
		return leadsDiffer
	}
	return noRule
}

// reason is the one-line reason of rule ru on figures f.
func (o *Options) reason(f Figures, relaxed bool, ru rule) string {
	r, c, l, sm := o.bars(relaxed)
	switch ru {
	case numbersDiffer:
		return fmt.Sprintf("numbers differ (%.2f of %d shared < %.2f)", f.Numbers, f.NumbersCompared, o.Numbers)
	case followUp:
		barR, barC := followUpBar(f.Lead)
		return fmt.Sprintf("new lead (%.2f < %.2f) and resemblance %.2f < %.2f, containment %.2f < %.2f: a follow-up",
			f.Lead, newLeadBelow, f.Resemblance, barR, f.Containment, barC)
	case resembles:
		return fmt.Sprintf("resemblance %.2f >= %.2f", f.Resemblance, r)
	case sameLeadContained:
		return fmt.Sprintf("same lead %.2f >= %.2f with containment %.2f >= %.2f", f.Lead, sameLead, f.Containment, c*sameLeadShare)
	case contained:
		return fmt.Sprintf("containment %.2f >= %.2f with lead %.2f >= %.2f", f.Containment, c, f.Lead, l)
	case partLeadContained:
		return fmt.Sprintf("lead partly shared (%.2f >= %.2f) with containment %.2f >= %.2f on %d shingles",
			f.Lead, freshLeadBelow, f.Containment, partLeadContainment, f.Sampled)
	case relaxedSameLead:
		return fmt.Sprintf("same lead %.2f with containment %.2f", f.Lead, f.Containment)
	case shortSameLead:
		return fmt.Sprintf("short text with lead %.2f >= %.2f", f.Lead, sm)
	case shortContained:
		return fmt.Sprintf("short text contained %.2f >= %.2f", f.Containment, c)
	case nearlyAllContained:
		return fmt.Sprintf("nearly all of the shorter text is in the longer (containment %.2f on %d shingles)", f.Containment, f.Sampled)
	case leadsDiffer:
		return fmt.Sprintf("containment %.2f but leads differ (%.2f < %.2f): a follow-up", f.Containment, f.Lead, l)
	}
	return fmt.Sprintf("resemblance %.2f < %.2f, containment %.2f < %.2f, lead %.2f", f.Resemblance, r, f.Containment, c, f.Lead)
}

// score orders matching candidates: the better match first.
func (f Figures) score() float64 { return f.Resemblance + f.Containment + f.Lead }
