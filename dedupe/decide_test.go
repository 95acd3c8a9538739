package dedupe

import (
	"testing"
	"time"
)

// TestRuleCases: each case of the decision rule on figures, as the index
// computes them.
func TestRuleCases(t *testing.T) {
	o := Options{}.withDefaults()
	// a summary: a short text found whole at the opening of a longer one
	summary := Figures{Resemblance: 0.15, Containment: 0.95, Sampled: 40, Lead: 0.95, LeadOffset: 0,
		Numbers: 1, NewShingles: 60, OldShingles: 400, Template: -1, Gap: time.Hour}
	quoted := summary // the same text quoted after a longer page's own opening
	quoted.LeadOffset = 40
	version := Figures{Resemblance: 0.34, Containment: 0.74, Sampled: 48, Lead: 0.2, LeadOffset: noOffset,
		Numbers: 0.3, NumbersCompared: 10, NewShingles: 400, OldShingles: 380, Template: 0.4, Gap: 2 * time.Hour}
	bulletin := version // one template: near-identical once numbers are masked
	bulletin.Template = 0.9
	oldRecord := version // no template signature: differing numbers decide
	oldRecord.Template = -1
	series := version // bulletins the template signature misses: less text kept
	series.Containment, series.Resemblance, series.Lead, series.Template, series.Gap = 0.6, 0.4, 0.5, 0.5, 6*time.Hour
	live := summary
	live.Live = true
	copyOf := Figures{Resemblance: 0.8, Containment: 0.9, Sampled: 48, Lead: 1, Numbers: 1, NewShingles: 400, OldShingles: 420, Template: -1}
	spliced := copyOf // another story's body under a different lead
	spliced.Resemblance, spliced.Containment, spliced.Lead = 0.55, 0.7, 0.02
	liveCopy := copyOf
	liveCopy.Resemblance, liveCopy.Live = 0.95, true
	apart := Figures{Resemblance: 0.1, Containment: 0.3, Sampled: 48, Lead: 0.1, LeadOffset: noOffset,
		Numbers: 1, NewShingles: 400, OldShingles: 400, Template: -1}
	for _, tc := range []struct {
		name string
		f    Figures
		want rule
	}{
		{"summary at the opening", summary, sameLeadContained},
		{"quoted after an opening", quoted, noRule},
		{"a version with updated figures", version, versionOf},
		{"bulletins of one template", bulletin, numbersDiffer},
		{"record without template signature", oldRecord, numbersDiffer},
		{"a bulletin series, template missed", series, numbersDiffer},
		{"a live page contained", live, liveApart},
		{"a copy", copyOf, resembles},
		{"a body shared under another lead", spliced, noRule},
		{"a copy of a live page", liveCopy, resembles},
		{"apart", apart, noRule},
	} {
		if got := o.rule(tc.f); got != tc.want {
			t.Errorf("%s: rule %d (%s), want %d", tc.name, got, o.reason(tc.f, got), tc.want)
		}
	}
}

func TestIsTimestamp(t *testing.T) {
	for s, want := range map[string]bool{
		"8:52 p.m.": true, "14:05": true, "10:32 AM EDT": true, "9.41 a.m.": true, "07:15 GMT": true,
		"8:52 p.m. Officials said": false, "Updated 3:42 p.m.": false, "1:2": false, "12:345": false, "": false,
	} {
		if got := isTimestamp(s); got != want {
			t.Errorf("isTimestamp(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsCaption(t *testing.T) {
	for s, want := range map[string]bool{
		"A rescue worker searches the rubble in Rifo on Tuesday. (AP Photo/Evan Vucci, File)":                true,
		"Immigration activists rallied outside the court in April. (J. Scott Applewhite / Associated Press)": true,
		"A general view of the harbour. REUTERS/Jane Doe":                                                    true,
		"A general view of the harbour. REUTERS/Jane Doe/File Photo":                                         true,
		"FILE - In this May 1, 2018, file photo, the minister speaks in Austin.":                             true,
		"FILE- This March 20, 2018, file photo shows the app on an iPad in Baltimore.":                       true,
		"In this June 30, 2013 file photo, the singer performs at an awards show.":                           true,
		"This undated handout photo provided by the museum shows the statue.":                                true,
		"Photo: Frank Micelotta": true,
		"The council met on Tuesday (its third meeting) and agreed the plan.":             false,
		"The company said profit rose 5% (about $5 million).":                             false,
		"In this case the court ruled for the city.":                                      false,
		"This photographer's work is on show in the city museum from Tuesday until May.":  false,
		"WASHINGTON (AP) — The council met on Tuesday.":                                   false,
		"Officials said 72 bodies had been recovered from the buildings in the old town.": false,
	} {
		if got := isCaption(s); got != want {
			t.Errorf("isCaption(%q) = %v, want %v", s, got, want)
		}
	}
}
