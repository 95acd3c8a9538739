package dedupe

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// leadAgreementRef and headContainmentRef are the figures by linear search:
// the reference for headSets.
func leadAgreementRef(full []uint32, stored []uint16) float64 {
	head := make([]uint16, len(full))
	for i, v := range full {
		head[i] = uint16(v >> 16)
	}
	share := func(xs, ys []uint16) float64 {
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
	return max(share(head[:min(leadLen, len(head))], stored), share(stored[:min(leadLen, len(stored))], head))
}

func headContainmentRef(full []uint32, stored []uint16) float64 {
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

func TestHeadSetsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	var hs headSets
	for range 2000 {
		// few distinct values, so that heads share many and repeat some
		vals := 1 + r.IntN(300)
		lead := make([]uint32, r.IntN(headLen+1))
		for i := range lead {
			lead[i] = uint32(r.IntN(vals))<<16 | uint32(r.IntN(1<<16))
		}
		stored := make([]uint16, r.IntN(headLen+1))
		for i := range stored {
			stored[i] = uint16(r.IntN(vals))
		}
		hs.set(lead)
		for range 3 {
			hs.stored.fill(stored)
			if got, want := hs.agreement(stored), leadAgreementRef(lead, stored); got != want {
				t.Fatalf("agreement %v, want %v", got, want)
			}
			if got, want := hs.containment(lead), headContainmentRef(lead, stored); got != want {
				t.Fatalf("containment %v, want %v", got, want)
			}
			hs.stored.empty(stored)
			if hs.stored != (u16set{}) {
				t.Fatal("stored set not emptied")
			}
			stored = stored[:len(stored)/2]
		}
	}
}

// TestCountFull checks the bit-set count against the merge of two sorted
// lists, over sets refilled many times (so that emptying is tested too).
func TestCountFull(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	var hs headSets
	sorted := func(n, span int) []uint32 {
		vs := make([]uint32, n)
		for i := range vs {
			vs[i] = uint32(r.IntN(span))<<16 | uint32(r.IntN(1<<16))
		}
		slices.Sort(vs)
		return slices.Compact(vs)
	}
	for range 2000 {
		span := 1 + r.IntN(1<<16)
		full := sorted(r.IntN(600), span)
		hs.setFull(full)
		for range 3 {
			sample := sorted(r.IntN(sampleLen+1), span)
			if got, want := hs.countFull(sample), intersect(full, sample); got != want {
				t.Fatalf("countFull %d, want %d", got, want)
			}
		}
	}
	hs.setFull(nil)
	if hs.inFull != (u16set{}) {
		t.Fatal("full set not emptied")
	}
}
