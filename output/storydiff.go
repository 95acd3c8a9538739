package output

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wirestory/aggregator/internal/htmltext"
)

// How the story page shows a version against the previous one.
const (
	// maxTextWords caps the words of a version that are shown and diffed.
	maxTextWords = 6000
	// maxDiffEdits is where a diff gives up: a version that differs in
	// more words than this is shown whole, as rewritten.
	maxDiffEdits = 500
	// rewrittenShare: a version that keeps less than this share of the
	// previous one's words (and is no cut of it) is shown as rewritten;
	// a diff of two different texts is only noise.
	rewrittenShare = 0.4
	// contextWords are the unchanged words shown on each side of a change;
	// an unchanged run that would leave at least minSkipped words out
	// between them is collapsed into a count.
	contextWords = 8
	minSkipped   = 12
	// maxDeletedWords are the words of a deletion shown before the rest
	// is counted.
	maxDeletedWords = 40
)

// seg is one piece of a shown text: unchanged words, an insertion, a
// deletion, or a count of unchanged words left out.
type seg struct {
	Kind string // "eq", "ins", "del" or "skip"
	Text string
	N    int // skip: the words left out; del: the words not shown
}

// storyText is the text of a version as the page diffs it: the words of
// its paragraphs with breakToken between paragraphs, at most maxTextWords
// words (cut reports a longer text).
func storyText(html string) (words []string, cut bool) {
	n := 0
	for i, p := range htmltext.Paragraphs(html) {
		fields := strings.Fields(p)
		if len(fields) == 0 {
			continue
		}
		if i > 0 && len(words) > 0 {
			words = append(words, breakToken)
		}
		if n+len(fields) > maxTextWords {
			return append(words, fields[:maxTextWords-n]...), true
		}
		words, n = append(words, fields...), n+len(fields)
	}
	return words, false
}

// textParas shows a text whole, as paragraphs of unchanged words.
func textParas(words []string) [][]seg {
	var b paraBuilder
	b.add("eq", words)
	return b.done()
}

// diffParas shows runs as paragraphs: unchanged runs collapsed to
// contextWords on each side of a change, long deletions cut short, and
// deleted paragraph breaks shown as ¶.
func diffParas(runs []wordRun) [][]seg {
	var b paraBuilder
	for i, r := range runs {
		switch r.op {
		case opInsert:
			b.add("ins", r.words)
		case opDelete:
			b.deleted(r.words)
		case opEqual:
			head, tail := contextWords, contextWords
			if i == 0 {
				head = 0
			}
			if i == len(runs)-1 {
				tail = 0
			}
			b.unchanged(r.words, head, tail)
		}
	}
	return b.done()
}

// paraBuilder collects segments into paragraphs.
type paraBuilder struct {
	paras [][]seg
	cur   []seg
}

// add appends words of a kind; a paragraph break starts a new paragraph.
func (b *paraBuilder) add(kind string, words []string) {
	start := 0
	for i := 0; i <= len(words); i++ {
		if i < len(words) && words[i] != breakToken {
			continue
		}
		if i > start {
			b.cur = append(b.cur, seg{Kind: kind, Text: strings.Join(words[start:i], " ")})
		}
		if i < len(words) {
			b.flush()
		}
		start = i + 1
	}
}

// deleted appends a deletion: breaks as ¶, cut after maxDeletedWords.
func (b *paraBuilder) deleted(words []string) {
	var shown []string
	n := 0
	for _, w := range words {
		if w == breakToken {
			w = "¶"
		} else {
			n++
		}
		if n <= maxDeletedWords {
			shown = append(shown, w)
		}
	}
	b.cur = append(b.cur, seg{Kind: "del", Text: strings.Join(shown, " "), N: max(0, n-maxDeletedWords)})
}

// unchanged appends an unchanged run, keeping head words at its start and
// tail words at its end when it is long enough to collapse.
func (b *paraBuilder) unchanged(words []string, head, tail int) {
	n := countWords(words)
	if n < head+tail+minSkipped {
		b.add("eq", words)
		return
	}
	h, t := len(wordsCut(words, head)), len(words)-len(wordsCut(reversed(words), tail))
	b.add("eq", words[:h])
	b.cur = append(b.cur, seg{Kind: "skip", N: countWords(words[h:t])})
	if slices.Contains(words[h:t], breakToken) {
		b.flush() // the tail is in a later paragraph
	}
	b.add("eq", words[t:])
}

// flush ends the current paragraph.
func (b *paraBuilder) flush() {
	if len(b.cur) > 0 {
		b.paras = append(b.paras, b.cur)
		b.cur = nil
	}
}

func (b *paraBuilder) done() [][]seg {
	b.flush()
	return b.paras
}

// wordsCut returns the start of words holding n words (breaks included
// as they come, not counted).
func wordsCut(words []string, n int) []string {
	i, seen := 0, 0
	for ; i < len(words) && seen < n; i++ {
		if words[i] != breakToken {
			seen++
		}
	}
	return words[:i]
}

func reversed(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[len(words)-1-i] = w
	}
	return out
}

func countWords(words []string) int {
	n := 0
	for _, w := range words {
		if w != breakToken {
			n++
		}
	}
	return n
}

// change is what a version did to the text of the previous one.
type change struct {
	Kind     string // "first", "same", "edited", "cut", "rewritten"
	Ins, Del int    // words inserted and deleted
	Kept     int    // words of the previous version kept
	Words    int    // words of this version
	Paras    [][]seg
}

// compare diffs the text of a version against the previous one's.
func compare(prev, cur []string) change {
	runs, ok := diffWords(prev, cur, maxDiffEdits)
	var c change
	for _, r := range runs {
		switch r.op {
		case opEqual:
			c.Kept += countWords(r.words)
		case opInsert:
			c.Ins += countWords(r.words)
		case opDelete:
			c.Del += countWords(r.words)
		}
	}
	switch np, nc := countWords(prev), countWords(cur); {
	case ok && c.Ins == 0 && c.Del == 0:
		c.Kind = "same"
	case ok && c.Ins == 0:
		c.Kind, c.Paras = "cut", diffParas(runs)
	case !ok || float64(c.Kept) < rewrittenShare*float64(max(np, nc)):
		c = change{Kind: "rewritten", Words: nc, Paras: textParas(cur)}
	default:
		c.Kind, c.Paras = "edited", diffParas(runs)
	}
	return c
}

// label says a change in a few words, for the timeline.
func (c change) label() string {
	switch c.Kind {
	case "first":
		return "first report"
	case "same":
		return "same text"
	case "rewritten":
		return "rewritten"
	case "cut":
		return "cut: −" + plural(c.Del)
	case "edited":
		if c.Del == 0 {
			return "+" + plural(c.Ins)
		}
	}
	return fmt.Sprintf("+%d −%d words", c.Ins, c.Del)
}
