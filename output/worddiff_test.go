package output

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestDiffWordsMinimal: on random word sequences the runs rebuild both
// texts, and the words kept equal are as many as the longest common
// subsequence (a dynamic programme computes it): the script is minimal.
func TestDiffWordsMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields("the a of to in said on pier board vote harbour closed will")
	words := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = vocab[r.IntN(len(vocab))]
		}
		return out
	}
	for i := range 2000 {
		a, b := words(r.IntN(30)), words(r.IntN(30))
		if i%3 == 0 { // an edited copy: mostly the same words
			b = slices.Clone(a)
			for range r.IntN(5) {
				if len(b) > 0 {
					j := r.IntN(len(b))
					b = slices.Insert(slices.Delete(b, j, j+1), r.IntN(len(b)), vocab[r.IntN(len(vocab))])
				}
			}
		}
		runs, ok := diffWords(a, b, 100)
		if !ok {
			t.Fatalf("%q -> %q: gave up within 100 edits", a, b)
		}
		var gotA, gotB []string
		equal := 0
		for _, run := range runs {
			if run.op != opInsert {
				gotA = append(gotA, run.words...)
			}
			if run.op != opDelete {
				gotB = append(gotB, run.words...)
			}
			if run.op == opEqual {
				equal += len(run.words)
			}
		}
		if !slices.Equal(gotA, a) || !slices.Equal(gotB, b) {
			t.Fatalf("%q -> %q: runs rebuild %q -> %q", a, b, gotA, gotB)
		}
		if want := lcs(a, b); equal != want {
			t.Fatalf("%q -> %q: %d words kept, the longest common subsequence has %d", a, b, equal, want)
		}
	}
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// TestDiffWordsTypography: quotes, apostrophes and dashes set
// differently are no change, and the unchanged words are the new text's.
func TestDiffWordsTypography(t *testing.T) {
	a := strings.Fields(`"Families" said the hospital's director - twice`)
	b := strings.Fields(`“Families” said the hospital’s director — twice`)
	runs, ok := diffWords(a, b, 10)
	if !ok || len(runs) != 1 || runs[0].op != opEqual || !slices.Equal(runs[0].words, b) {
		t.Errorf("runs %v, want one unchanged run of the new words", runs)
	}
}

// TestDiffWordsBounded: beyond maxEdits it gives up, but words only taken
// out (a summary of a longer copy) or only added are always a diff.
func TestDiffWordsBounded(t *testing.T) {
	a := strings.Fields(strings.Repeat("alpha beta gamma ", 100))
	b := strings.Fields(strings.Repeat("delta epsilon ", 100))
	if _, ok := diffWords(a, b, 50); ok {
		t.Error("a rewrite of 500 words fitted in 50 edits")
	}
	runs, ok := diffWords(a, a[:12], 50)
	if !ok || len(runs) != 2 || runs[0].op != opEqual || runs[1].op != opDelete || len(runs[1].words) != 288 {
		t.Errorf("a cut copy: ok %v, runs %v", ok, runs)
	}
}

// BenchmarkDiffWordsWorst diffs two texts of maxTextWords words that differ
// in about maxDiffEdits words spread through them: the most work a version
// of the story page costs before it is called rewritten.
func BenchmarkDiffWordsWorst(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	a := make([]string, maxTextWords)
	for i := range a {
		a[i] = fmt.Sprintf("w%d", r.IntN(3000))
	}
	c := slices.Clone(a)
	for i := 0; i < maxDiffEdits/2-10; i++ {
		c[r.IntN(len(c))] = fmt.Sprintf("new%d", i) // a replacement: one deletion and one insertion
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := diffWords(a, c, maxDiffEdits); !ok {
			b.Fatal("gave up")
		}
	}
}
