package dedupe

import "slices"

// versionContained is the share of a text's shingles found in an earlier
// version for the text to be a copy of it (whole, trimmed, summarised or
// copy-edited) rather than a new version.
const versionContained = 0.8

// Versions tells the versions of one story apart, for choosing the text
// that represents it: texts holds its members' texts in publish order
// (cleaned of their outlets' furniture, or with their feeds' models
// applied by the caller). It returns each text's version: 0 for the first
// text, and a higher number for each text that is not mostly (80 % of its
// shingles) found in an earlier version. A copy, a trimmed copy or a
// summary gets the oldest version it is found in (a late copy of the first
// version is the first version, whatever came since), so the highest
// number marks the newest version and its copies. A text with no words is
// a copy of the first.
func Versions(texts []*Text) []int {
	out := make([]int, len(texts))
	var sc scratch
	var versions [][]uint32 // the shingles of each version's first text
	for i, t := range texts {
		ps := stripAgencyCopy(sc.dropFurniture(nil, t))
		sc.words = sc.appendPieceWords(sc.words[:0], t, ps)
		sh := shingles(nil, sc.words, shingleWords)
		set := make([]uint32, len(sh))
		for j, h := range sh {
			set[j] = uint32(h >> 32)
		}
		slices.Sort(set)
		set = slices.Compact(set)
		v := -1
		if len(set) == 0 && len(versions) > 0 {
			v = 0
		}
		for k := 0; k < len(versions) && v < 0; k++ {
			if float64(intersect(set, versions[k])) >= versionContained*float64(len(set)) {
				v = k
			}
		}
		if v < 0 {
			v = len(versions)
			versions = append(versions, set)
		}
		out[i] = v
	}
	return out
}
