package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSplitBlocks(t *testing.T) {
	page := `<div class="top"><p>Listen to this article 3 min</p></div>` +
		`<figure><img src="x.jpg"><figcaption>A man walks past a ruined kelvo in Rifo. (Photo: Ana Lo / Wirenet)</figcaption></figure>` +
		`<p>RIFO (Wirenet) — The kelvo council voted on Tuesday to rebuild the old bridge over the river, at a cost of 12 million, its chair said.</p>` +
		`<p>Short line</p><p>The work will start in the spring and should last two years, with the bridge open to walkers from the first autumn on.</p>` +
		`<ul><li><a href="/a">Other story one</a></li><li><a href="/b">Other story two</a></li></ul><p>&copy; 2025 Rifo Post</p>`
	bs := splitBlocks(page)
	var raw strings.Builder
	for _, b := range bs {
		raw.WriteString(b.raw)
	}
	if raw.String() != page {
		t.Errorf("blocks do not concatenate to the page:\n%s", raw.String())
	}
	markArticle(bs, map[string]int{})
	var article []string
	for _, b := range bs {
		if b.article {
			article = append(article, b.text[:8])
		}
	}
	if want := []string{"RIFO (Wi", "The work"}; !slices.Equal(article, want) {
		t.Errorf("article blocks %q, want %q", article, want)
	}
}

// paras are n fictional paragraphs, each with a figure.
func paras(n int) []block {
	var out []block
	for i := range n {
		t := fmt.Sprintf("Paragraph %d says that the kelvo council counted %d damaged houses in the district of Rifo on Tuesday.", i, 10+i)
		out = append(out, block{raw: "<p>" + t + "</p>", text: t, article: true})
	}
	return out
}

func TestWriteThrough(t *testing.T) {
	for seed := range uint64(20) {
		ps := paras(6 + int(seed))
		vs := writeThrough(rand.New(rand.NewPCG(seed, 1)), ps)
		if len(vs) < 5 || len(vs) > 10 {
			t.Fatalf("seed %d: %d versions, want 5 to 10", seed, len(vs))
		}
		if len(vs[0]) > 2 || vs[0][0] != ps[0] {
			t.Errorf("seed %d: first version of %d paragraphs starting %q, want the lead and at most one more", seed, len(vs[0]), vs[0][0].text)
		}
		for k, v := range vs {
			for _, b := range v {
				if !slices.ContainsFunc(ps, func(p block) bool { return sameBut(p.text, b.text) }) {
					t.Errorf("seed %d, version %d: paragraph %q is not one of the story's", seed, k, b.text)
				}
			}
			if k > 0 && !slices.ContainsFunc(v, func(b block) bool { return slices.Contains(vs[k-1], b) }) {
				t.Errorf("seed %d: versions %d and %d share no paragraph", seed, k-1, k)
			}
		}
		if last := vs[len(vs)-1]; len(last) <= len(vs[0]) {
			t.Errorf("seed %d: last version of %d paragraphs, first of %d: the story did not grow", seed, len(last), len(vs[0]))
		}
	}
}

// sameBut reports whether a and b differ at most in their numbers.
func sameBut(a, b string) bool {
	return number.ReplaceAllString(a, "#") == number.ReplaceAllString(b, "#")
}
