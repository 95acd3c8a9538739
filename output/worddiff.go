package output

import (
	"slices"
	"strings"
)

// A word diff for the story page: what one version of a story changed
// against the previous one, word by word. It is Myers' O(ND) algorithm
// (E. W. Myers, "An O(ND) Difference Algorithm and Its Variations",
// Algorithmica 1, 1986), run on word numbers after the common prefix and
// suffix are set aside, and bounded: it gives up beyond maxEdits inserted
// and deleted words, where a diff would be noise and the caller shows the
// text as rewritten. Its memory is about maxEdits² int32s (1 MB at 500).
//
// Written here rather than taken from sergi/go-diff: that library diffs
// runes, and its word mode means mapping words to runes by hand and
// cleaning its semantic pass back up to word boundaries, which is more
// code than this, with no bound on the work.

// breakToken stands for a paragraph break among the words.
const breakToken = "\n"

// opKind is what a run of words does.
type opKind int8

const (
	opEqual opKind = iota
	opInsert
	opDelete
)

// wordRun is a run of words with one fate.
type wordRun struct {
	op    opKind
	words []string
}

// typography folds the characters outlets set differently (curly or
// straight quotes and apostrophes, dashes) for comparing words: a copy
// that only changed them is the same text.
var typography = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`, "—", "-", "–", "-")

// diffWords returns the runs that turn a into b, or ok false when more
// than maxEdits words would be inserted or deleted. Words are compared
// with their typography folded; unchanged runs hold b's words.
func diffWords(a, b []string, maxEdits int) (runs []wordRun, ok bool) {
	fa, fb := fold(a), fold(b)
	pre := 0
	for pre < len(a) && pre < len(b) && fa[pre] == fb[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && fa[len(a)-1-suf] == fb[len(b)-1-suf] {
		suf++
	}
	midA, midB := a[pre:len(a)-suf], b[pre:len(b)-suf]
	runs = appendRun(runs, opEqual, b[:pre]...)
	if min(len(midA), len(midB)) == 0 { // words only added, or only taken out
		runs = appendRun(runs, opDelete, midA...)
		runs = appendRun(runs, opInsert, midB...)
		return appendRun(runs, opEqual, b[len(b)-suf:]...), true
	}
	ia, ib := numberWords(fa[pre:len(a)-suf], fb[pre:len(b)-suf])
	ops, ok := myers(ia, ib, maxEdits)
	if !ok {
		return nil, false
	}
	x, y := 0, 0
	for _, op := range ops {
		switch op {
		case opEqual:
			runs = appendRun(runs, op, midB[y])
			x, y = x+1, y+1
		case opDelete:
			runs = appendRun(runs, op, midA[x])
			x++
		case opInsert:
			runs = appendRun(runs, op, midB[y])
			y++
		}
	}
	return appendRun(runs, opEqual, b[len(b)-suf:]...), true
}

// fold returns the words with their typography folded.
func fold(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = typography.Replace(w)
	}
	return out
}

// appendRun adds words to the last run when it has the same op.
func appendRun(runs []wordRun, op opKind, words ...string) []wordRun {
	if len(words) == 0 {
		return runs
	}
	if n := len(runs); n > 0 && runs[n-1].op == op {
		runs[n-1].words = append(runs[n-1].words, words...)
		return runs
	}
	return append(runs, wordRun{op: op, words: slices.Clone(words)})
}

// numberWords maps each distinct word to a number, so that the diff
// compares ints.
func numberWords(a, b []string) ([]int32, []int32) {
	ids := make(map[string]int32, len(a))
	num := func(ws []string) []int32 {
		out := make([]int32, len(ws))
		for i, w := range ws {
			id, ok := ids[w]
			if !ok {
				id = int32(len(ids))
				ids[w] = id
			}
			out[i] = id
		}
		return out
	}
	return num(a), num(b)
}

// myers returns the shortest edit script from a to b, one op per word, or
// ok false when it needs more than maxD edits. trace[d] keeps the
// furthest x reached on diagonals -d..d after d edits, for the way back.
func myers(a, b []int32, maxD int) ([]opKind, bool) {
	n, m := len(a), len(b)
	off := maxD + 1
	v := make([]int32, 2*maxD+3)
	var trace [][]int32
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1]) // down: b[y] inserted
			} else {
				x = int(v[off+k-1]) + 1 // right: a[x] deleted
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				trace = append(trace, slices.Clone(v[off-d:off+d+1]))
				return backtrack(trace, n, m), true
			}
		}
		trace = append(trace, slices.Clone(v[off-d:off+d+1]))
	}
	return nil, false
}

// backtrack walks the trace from (n, m) back to (0, 0) and returns the
// script in order.
func backtrack(trace [][]int32, n, m int) []opKind {
	var ops []opKind
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		prev := trace[d-1]
		at := func(k int) int { return int(prev[k+d-1]) }
		k := x - y
		pk := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		}
		px := at(pk)
		py := px - pk
		midX := px + 1 // after a deletion
		if pk == k+1 {
			midX = px // after an insertion
		}
		for x > midX {
			ops = append(ops, opEqual)
			x, y = x-1, y-1
		}
		if pk == k+1 {
			ops = append(ops, opInsert)
		} else {
			ops = append(ops, opDelete)
		}
		x, y = px, py
	}
	for ; x > 0; x-- {
		ops = append(ops, opEqual)
	}
	slices.Reverse(ops)
	return ops
}
