package dedupe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Exhibit is one document as Explain reads it: its identity, its title,
// its body analysed and its feed's furniture (nil: none learned).
type Exhibit struct {
	Doc
	Title     string
	Text      *Text
	Furniture *Furniture
}

// Explanation is the comparison of two documents as the Index would make
// it, with exact figures beside the estimates the decision uses. It is
// plain data, safe to copy.
type Explanation struct {
	A, B Exhibit
	// Estimated are the figures the decision uses: the later-published
	// document (then the greater id) compared as if added while the other
	// is stored, so Explain(a, b) and Explain(b, a) agree.
	Estimated Figures
	// ExactResemblance and ExactContainment are computed on the full
	// shingle sets (the containment of the smaller in the larger).
	ExactResemblance float64
	ExactContainment float64
	// Match reports a copy: one story on the pair's evidence alone.
	// Version reports a version (a write-through): one story when the
	// document is a version of enough of the story's members.
	Match, Version bool
	Reason         string
	// TextA and TextB are the words each document is compared on (after
	// furniture and boilerplate removal), shortened.
	TextA, TextB string
}

// Explain compares two documents as an Index with opts would and returns
// figures and the decision with its reason. It changes nothing and is
// symmetric in its arguments.
func Explain(a, b Exhibit, opts Options) Explanation {
	opts = opts.withDefaults()
	x := Explanation{A: a, B: b}
	later, earlier := a, b
	if c := a.Published.Compare(b.Published); c < 0 || c == 0 && a.ID < b.ID {
		later, earlier = b, a
	}
	var sl, se scratch
	fl := sl.analyse(later.Furniture, textOr(later.Text), later.Title)
	fe := se.analyse(earlier.Furniture, textOr(earlier.Text), earlier.Title)
	inter := intersect(fl.full, fe.full)
	if u := len(fl.full) + len(fe.full) - inter; u > 0 {
		x.ExactResemblance = float64(inter) / float64(u)
	}
	if s := min(len(fl.full), len(fe.full)); s > 0 {
		x.ExactContainment = float64(inter) / float64(s)
	}
	pl, pe := fl.prepared(), fe.prepared()
	var stored entry
	stored.setFingerprint(&pe)
	view := pl.view()
	view.published = later.Published.Unix()
	stored.published = earlier.Published.Unix()
	var hs headSets
	hs.set(view.lead)
	hs.setFull(view.full)
	view.heads = &hs
	x.Estimated = compare(&view, &stored)
	x.Match, x.Version, x.Reason = opts.verdict(x.Estimated)
	x.TextA, x.TextB = contentText(a), contentText(b)
	return x
}

func textOr(t *Text) *Text {
	if t == nil {
		return Analyse("")
	}
	return t
}

// contentText returns the first words a document is compared on, cut on
// a rune boundary.
func contentText(d Exhibit) string {
	var sc scratch
	ps := stripAgencyCopy(sc.dropFurniture(d.Furniture, textOr(d.Text)))
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
	switch {
	case x.Match:
		verdict = "same story"
	case x.Version:
		verdict = "a version: same story with the support of other members"
	}
	fmt.Fprintf(&b, "A: %s %q (%s)\n", x.A.ID, x.A.Title, x.A.Feed)
	fmt.Fprintf(&b, "B: %s %q (%s)\n", x.B.ID, x.B.Title, x.B.Feed)
	fmt.Fprintf(&b, "shingles     later %d, earlier %d\n", f.NewShingles, f.OldShingles)
	fmt.Fprintf(&b, "resemblance  exact %.3f  estimated %.3f\n", x.ExactResemblance, f.Resemblance)
	fmt.Fprintf(&b, "containment  exact %.3f  estimated %.3f (on %d sampled shingles)\n", x.ExactContainment, f.Containment, f.Sampled)
	fmt.Fprintf(&b, "lead agreement %.3f (offset %d), numbers shared %.3f of %d (template %.2f), same title %v, live %v, %s apart\n",
		f.Lead, f.LeadOffset, f.Numbers, f.NumbersCompared, f.Template, f.SameTitle, f.Live, f.Gap)
	fmt.Fprintf(&b, "decision: %s (%s)\n", verdict, x.Reason)
	fmt.Fprintf(&b, "A text: %s\nB text: %s\n", x.TextA, x.TextB)
	return b.String()
}
