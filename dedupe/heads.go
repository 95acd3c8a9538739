package dedupe

import "slices"

// headSets answer which head shingles two documents share, for the lead
// agreement and the containment of a short text in a stored head: a set
// of the new document's head (filled once per document) and one of the
// stored head (filled and emptied per comparison). The stored shingles
// keep 16 bits of each hash, so both sets hold 16-bit values.
type headSets struct {
	head   []uint16 // the new document's head, 16 bits of each hash
	inHead u16set
	stored u16set
	// The new document's shingles, whole (full) and as a set of their top
	// 16 bits (inFull), for counting the stored samples found in them.
	full   []uint32
	inFull u16set
}

// setFull makes full (sorted, distinct) the new document's shingles.
func (hs *headSets) setFull(full []uint32) {
	for _, v := range hs.full {
		hs.inFull[v>>22] &^= 1 << (v >> 16 & 63)
	}
	hs.full = full
	for _, v := range full {
		hs.inFull[v>>22] |= 1 << (v >> 16 & 63)
	}
}

// countFull counts the values of sample found in the new document's
// shingles: the bit set rules most out, a binary search confirms the rest.
func (hs *headSets) countFull(sample []uint32) int {
	n := 0
	for _, v := range sample {
		if hs.inFull[v>>22]&(1<<(v>>16&63)) != 0 {
			if _, ok := slices.BinarySearch(hs.full, v); ok {
				n++
			}
		}
	}
	return n
}

// set makes lead (the first headLen shingle hashes) the new head.
func (hs *headSets) set(lead []uint32) {
	hs.inHead.empty(hs.head)
	hs.head = hs.head[:0]
	for _, v := range lead {
		hs.head = append(hs.head, uint16(v>>16))
	}
	hs.inHead.fill(hs.head)
}

// agreement is how far the two leads (first leadLen shingles) agree,
// allowing for clutter before the story: the larger of the share of each
// lead found in the other's head (first headLen shingles). hs.stored must
// hold stored.
func (hs *headSets) agreement(stored []uint16) float64 {
	return max(shareIn(hs.head[:min(leadLen, len(hs.head))], &hs.stored),
		shareIn(stored[:min(leadLen, len(stored))], &hs.inHead))
}

// containment is the share of the new document's shingles (all of it, lead
// being the whole of a short text) found in the stored head, which
// hs.stored holds.
func (hs *headSets) containment(lead []uint32) float64 {
	if len(lead) == 0 {
		return 0
	}
	n := 0
	for _, v := range lead {
		if hs.stored.has(uint16(v >> 16)) {
			n++
		}
	}
	return float64(n) / float64(len(lead))
}

// shareIn is the share of xs found in set; 0 when xs is empty.
func shareIn(xs []uint16, set *u16set) float64 {
	if len(xs) == 0 {
		return 0
	}
	n := 0
	for _, v := range xs {
		if set.has(v) {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// u16set is a set of 16-bit values as a bitmap (8 KB), emptied by the
// values that were put in rather than cleared whole.
type u16set [1 << 16 / 64]uint64

func (s *u16set) has(v uint16) bool { return s[v>>6]&(1<<(v&63)) != 0 }

func (s *u16set) fill(vs []uint16) {
	for _, v := range vs {
		s[v>>6] |= 1 << (v & 63)
	}
}

func (s *u16set) empty(vs []uint16) {
	for _, v := range vs {
		s[v>>6] &^= 1 << (v & 63)
	}
}

// noOffset is leadOffset's answer when the smaller lead is not in the
// larger head.
const noOffset = -1

// offsetProbe is how many of the smaller text's first shingles leadOffset
// looks for in the larger head: the first word or two of a copy may be
// edited.
const offsetProbe = 16

// leadOffset is where the smaller document's text starts in the larger
// one's head, in shingles: near 0 for a summary or a trimmed copy (the
// same lead), further on for a short item that a longer page quotes after
// its own opening (a roundup, an analysis). hs.head is the new document's
// head and hs.stored the stored one's, as for agreement; newSmaller says
// which is the smaller.
func (hs *headSets) leadOffset(stored []uint16, newSmaller bool) int {
	small, large, in := hs.head, stored, &hs.stored
	if !newSmaller {
		small, large, in = stored, hs.head, &hs.inHead
	}
	for q, v := range small[:min(offsetProbe, len(small))] {
		if !in.has(v) {
			continue
		}
		for p, w := range large {
			if w == v {
				return max(0, p-q)
			}
		}
	}
	return noOffset
}
