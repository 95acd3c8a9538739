package dedupe

import (
	"math"
	"slices"
)

// Grouping a feed's bodies into stories, for learning its furniture: two
// bodies are one story when their blocks overlap well beyond what the
// outlet's furniture explains. Two rounds: near-duplicates first (copies
// and close versions, block-key Jaccard at least sameBodyJaccard), which
// gives a first count of the blocks that recur across those groups
// (furniture candidates); then, with the candidates left out, bodies that
// still share sameStoryJaccard of their blocks (the versions of one story,
// whose own paragraphs recur) are one group.
const (
	sameBodyJaccard  = 0.5
	sameStoryJaccard = 0.3
	// maxGrouped bounds the bodies grouped (pairs are compared): a larger
	// batch counts each body as a group of its own.
	maxGrouped = 400
)

// storyGroups returns the group of each body (0-based, dense) and the
// number of groups: body holds each body's key (Text.bodyKey), blocks its
// block keys. Identical bodies are always one group.
func storyGroups(body []uint64, blocks [][]uint64) ([]int32, int) {
	n := len(body)
	uf := newUnionFind(n)
	first := make(map[uint64]int, n)
	for i, k := range body {
		if j, ok := first[k]; ok {
			uf.union(i, j)
		} else {
			first[k] = i
		}
	}
	if n > maxGrouped {
		return uf.dense()
	}
	// the block keys as dense ids (in key order), each body's sorted: one
	// sort of (key, body) pairs, the key's top 48 bits above the body's
	// index (maxGrouped bodies fit in 16 bits; keys are hashes)
	var pairs []uint64
	for i, ks := range blocks {
		for _, k := range ks {
			pairs = append(pairs, k&^0xFFFF|uint64(i))
		}
	}
	slices.Sort(pairs)
	backing := make([]int32, len(pairs))
	start := make([]int32, n+1)
	for _, p := range pairs {
		start[p&0xFFFF+1]++
	}
	for i := range n {
		start[i+1] += start[i]
	}
	fill := slices.Clone(start[:n])
	nIDs := 0
	for j, p := range pairs {
		if j > 0 && p == pairs[j-1] {
			continue // a block twice in one body
		}
		if j > 0 && p>>16 != pairs[j-1]>>16 {
			nIDs++
		}
		i := p & 0xFFFF
		backing[fill[i]] = int32(nIDs)
		fill[i]++
	}
	if len(pairs) > 0 {
		nIDs++
	}
	ids := make([][]int32, n)
	for i := range ids {
		ids[i] = backing[start[i]:fill[i]:fill[i]]
	}
	linkSimilar(uf, ids, nIDs, sameBodyJaccard)
	groups, ng := uf.dense()
	need, _ := learnNeed(ng)
	if common := idsInGroups(ids, groups, ng, need, nIDs); common != nil {
		for i, is := range ids {
			ids[i] = slices.DeleteFunc(is, func(id int32) bool { return common[id] })
		}
	}
	linkSimilar(uf, ids, nIDs, sameStoryJaccard)
	return uf.dense()
}

// linkSimilar joins the bodies whose key ids (sorted, distinct, below
// nIDs) have a Jaccard index of at least bar. It compares only the pairs
// that can reach it (prefix filtering, as in all-pairs similarity joins):
// with each body's keys ordered rarest first, two sets of Jaccard index at
// least bar share one of the keys of either's prefix of
// |a| - ceil(bar*|a|) + 1 keys. The outlet's furniture, in every body, is
// the commonest and falls out of the prefixes, so a feed of unrelated
// stories costs about one pass over its keys.
func linkSimilar(uf *unionFind, ids [][]int32, nIDs int, bar float64) {
	freq := make([]int32, nIDs)
	for _, is := range ids {
		for _, id := range is {
			freq[id]++
		}
	}
	// the ids ranked rarest first (then by id), and each body's prefix
	// of ranks, in one array
	// (a counting sort: a frequency is at most the number of bodies)
	next := make([]int32, len(ids)+2)
	for _, f := range freq {
		next[f+1]++
	}
	for f := 1; f < len(next); f++ {
		next[f] += next[f-1]
	}
	rank := make([]int32, nIDs)
	for id, f := range freq {
		rank[id] = next[f]
		next[f]++
	}
	prefixes := make([][]int32, len(ids))
	var buf []int32
	for i, is := range ids {
		if len(is) == 0 {
			continue
		}
		start := len(buf)
		for _, id := range is {
			buf = append(buf, rank[id])
		}
		slices.Sort(buf[start:])
		// (the epsilon keeps 0.3*10 at 3)
		p := len(is) - int(math.Ceil(bar*float64(len(is))-1e-9)) + 1
		buf = buf[:start+max(p, 1)]
		prefixes[i] = buf[start:len(buf):len(buf)]
	}
	// postings of the prefixes' ranks, filled body by body (compressed rows)
	off := make([]int32, nIDs+1)
	for _, pre := range prefixes {
		for _, id := range pre {
			off[id+1]++
		}
	}
	for id := range nIDs {
		off[id+1] += off[id]
	}
	fill := slices.Clone(off[:nIDs])
	posting := make([]int32, off[nIDs])
	seen := make([]int32, len(ids)) // the last body that met each body, plus one
	for i, pre := range prefixes {
		a := ids[i]
		for _, id := range pre {
			for _, j := range posting[off[id]:fill[id]] {
				if seen[j] == int32(i)+1 {
					continue
				}
				seen[j] = int32(i) + 1
				b := ids[j]
				// the Jaccard index is at most min/max
				if float64(min(len(a), len(b))) < bar*float64(max(len(a), len(b))) || uf.find(i) == uf.find(int(j)) {
					continue
				}
				if inter := intersect(a, b); float64(inter) >= bar*float64(len(a)+len(b)-inter) {
					uf.union(i, int(j))
				}
			}
			posting[fill[id]] = int32(i)
			fill[id]++
		}
	}
}

// idsInGroups returns which key ids are found in need or more of the
// ngroups groups, or nil when none is.
func idsInGroups(ids [][]int32, group []int32, ngroups, need, nIDs int) []bool {
	// the bodies group by group (a counting sort), then each id counted
	// once per group
	start := make([]int32, ngroups+1)
	for _, g := range group {
		start[g+1]++
	}
	for g := range ngroups {
		start[g+1] += start[g]
	}
	order := make([]int32, len(group))
	for i, g := range group {
		order[start[g]] = int32(i)
		start[g]++
	}
	last := make([]int32, nIDs) // the last group that counted each id, plus one
	count := make([]int32, nIDs)
	var common []bool
	for _, i := range order {
		g := group[i] + 1
		for _, id := range ids[i] {
			if last[id] == g {
				continue
			}
			last[id] = g
			if count[id]++; int(count[id]) == need {
				if common == nil {
					common = make([]bool, nIDs)
				}
				common[id] = true
			}
		}
	}
	return common
}

// unionFind is a disjoint-set forest over 0..n-1.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	uf := &unionFind{parent: make([]int, n)}
	for i := range uf.parent {
		uf.parent[i] = i
	}
	return uf
}

func (uf *unionFind) find(x int) int {
	for uf.parent[x] != x {
		uf.parent[x] = uf.parent[uf.parent[x]]
		x = uf.parent[x]
	}
	return x
}

func (uf *unionFind) union(a, b int) { uf.parent[uf.find(a)] = uf.find(b) }

// dense returns each element's set as a dense id, in order of first
// appearance, and the number of sets.
func (uf *unionFind) dense() ([]int32, int) {
	ids := make(map[int]int32, len(uf.parent))
	out := make([]int32, len(uf.parent))
	for i := range out {
		r := uf.find(i)
		id, ok := ids[r]
		if !ok {
			id = int32(len(ids))
			ids[r] = id
		}
		out[i] = id
	}
	return out, len(ids)
}
