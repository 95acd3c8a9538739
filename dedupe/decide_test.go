package dedupe

import "testing"

// TestPartlySharedLead: a lead partly rewritten with three quarters of the
// shorter text inside the longer is one story; the same overlap under a
// fresh lead is a follow-up, and too few sampled shingles decide nothing.
func TestPartlySharedLead(t *testing.T) {
	o := Options{}.withDefaults()
	base := Figures{Resemblance: 0.40, Containment: 0.78, Sampled: 30, Lead: 0.30,
		Numbers: 1, NewShingles: 300, OldShingles: 500}
	fresh, few := base, base
	fresh.Lead = 0.05
	few.Sampled = 10
	for _, tc := range []struct {
		name string
		f    Figures
		want bool
	}{{"partly shared lead", base, true}, {"fresh lead", fresh, false}, {"few samples", few, false}} {
		if got, why := o.verdict(tc.f, false); got != tc.want {
			t.Errorf("%s: match %v (%s), want %v", tc.name, got, why, tc.want)
		}
	}
}
