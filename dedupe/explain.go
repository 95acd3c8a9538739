package dedupe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Explanation is the comparison of two documents as Add would make it,
// with exact figures beside the estimates the decision uses. It is plain
// data, safe to copy.
type Explanation struct {
	A, B Doc
	// Estimated are the figures the decision uses (B stored, A added).
	Estimated Figures
	// ExactResemblance and ExactContainment are computed on the full
	// shingle sets (the containment of the smaller in the larger).
	ExactResemblance float64
	ExactContainment float64
	// Guarded is the decision of the looser rule that the chaining guard
	// applies against a story's core.
	Match, Guarded bool
	Reason         string
	// TextA and TextB are the words each document is compared on (after
	// furniture and boilerplate removal), shortened.
	TextA, TextB string
}

// Explain compares two docs as Add would (a added while b is stored) and
// returns figures and the decision with its reason. It reads the feeds'
// furniture models and changes nothing.
func (ix *Index) Explain(a, b Doc) Explanation {
	var sa, sb scratch
	fa := sa.analyse(ix.model(a.Feed, false), Analyse(a.HTML), a.Title, ix.opts.Shingle)
	fb := sb.analyse(ix.model(b.Feed, false), Analyse(b.HTML), b.Title, ix.opts.Shingle)
	var hs headSets
	hs.set(fa.lead)
	hs.setFull(fa.full)
	fa.heads = &hs
	var eb entry
	eb.setFingerprint(&fb)
	x := Explanation{A: a, B: b, Estimated: compare(&fa, &eb)}
	inter := intersect(fa.full, fb.full)
	if u := len(fa.full) + len(fb.full) - inter; u > 0 {
		x.ExactResemblance = float64(inter) / float64(u)
	}
	if s := min(len(fa.full), len(fb.full)); s > 0 {
		x.ExactContainment = float64(inter) / float64(s)
	}
	x.Match, x.Reason = ix.opts.verdict(x.Estimated, false)
	x.Guarded, _ = ix.opts.verdict(x.Estimated, true)
	x.TextA, x.TextB = ix.contentText(a), ix.contentText(b)
	return x
}

// contentText returns the first words a document is compared on.
func (ix *Index) contentText(d Doc) string {
	var sc scratch
	ps := stripAgencyCopy(sc.dropFurniture(ix.model(d.Feed, false), Analyse(d.HTML)))
	var parts []string
	for _, p := range ps {
		parts = append(parts, p.text)
	}
	t := strings.Join(parts, " ¶ ")
	if len(t) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = t[:cut] + "…"
	}
	return t
}

// String prints a readable multi-line report.
func (x Explanation) String() string {
	var b strings.Builder
	f := x.Estimated
	verdict := "different stories"
	if x.Match {
		verdict = "same story"
	}
	fmt.Fprintf(&b, "A: %s %q (%s, %d shingles)\n", x.A.ID, x.A.Title, x.A.Feed, f.NewShingles)
	fmt.Fprintf(&b, "B: %s %q (%s, %d shingles)\n", x.B.ID, x.B.Title, x.B.Feed, f.OldShingles)
	fmt.Fprintf(&b, "resemblance  exact %.3f  estimated %.3f\n", x.ExactResemblance, f.Resemblance)
	fmt.Fprintf(&b, "containment  exact %.3f  estimated %.3f (on %d sampled shingles)\n", x.ExactContainment, f.Containment, f.Sampled)
	fmt.Fprintf(&b, "lead agreement %.3f, numbers shared %.3f of %d, same title %v\n", f.Lead, f.Numbers, f.NumbersCompared, f.SameTitle)
	fmt.Fprintf(&b, "decision: %s (%s); chaining guard would accept: %v\n", verdict, x.Reason, x.Guarded)
	fmt.Fprintf(&b, "A text: %s\nB text: %s\n", x.TextA, x.TextB)
	return b.String()
}
