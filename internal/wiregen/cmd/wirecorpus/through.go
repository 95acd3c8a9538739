package main

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
)

// writeThrough simulates an agency writing a story through from its
// final paragraphs ps: version 1 is the first one or two paragraphs; each
// later one adds paragraphs, now and then moves a later paragraph to the
// lead (the old lead moving down or dropped), drops one, swaps two or
// updates a figure. It returns five to ten versions.
func writeThrough(r *rand.Rand, ps []block) [][]block {
	n := min(10, max(5, 4+len(ps)/3))
	next := 1 + r.IntN(2)
	cur := slices.Clone(ps[:next])
	out := [][]block{slices.Clone(cur)}
	for k := 1; k < n; k++ {
		for range 1 + r.IntN(2) + btoi(k == 1) {
			if next < len(ps) {
				cur = slices.Insert(cur, min(len(cur), 1+r.IntN(len(cur))), ps[next])
				next++
			}
		}
		if k > 1 && len(cur) > 3 && r.IntN(100) < 40 {
			i := 2 + r.IntN(len(cur)-2)
			lead, old := cur[i], cur[0]
			cur = slices.Delete(cur, i, i+1)
			cur[0] = lead
			if r.IntN(100) < 60 {
				cur = slices.Insert(cur, 1+r.IntN(min(3, len(cur))), old)
			}
		}
		if len(cur) > 4 && r.IntN(100) < 25 {
			i := 1 + r.IntN(len(cur)-1)
			cur = slices.Delete(cur, i, i+1)
		}
		if len(cur) > 4 && r.IntN(100) < 20 {
			i := 1 + r.IntN(len(cur)-2)
			cur[i], cur[i+1] = cur[i+1], cur[i]
		}
		if r.IntN(100) < 50 {
			updateFigure(r, cur)
		}
		out = append(out, slices.Clone(cur))
	}
	return out
}

var number = regexp.MustCompile(`\b\d{1,6}\b`)

// updateFigure raises one number of one paragraph, as a later version
// updates a toll or a count; the paragraph is written anew as <p>.
func updateFigure(r *rand.Rand, bs []block) {
	var with []int
	for i, b := range bs {
		if number.MatchString(b.text) {
			with = append(with, i)
		}
	}
	if len(with) == 0 {
		return
	}
	i := with[r.IntN(len(with))]
	ms := number.FindAllStringIndex(bs[i].text, -1)
	m := ms[r.IntN(len(ms))]
	v, _ := strconv.Atoi(bs[i].text[m[0]:m[1]])
	if v >= 1900 && v <= 2100 { // a year: leave it
		return
	}
	t := bs[i].text[:m[0]] + strconv.Itoa(v+1+r.IntN(max(1, v/5+1))) + bs[i].text[m[1]:]
	bs[i] = block{raw: "<p>" + htmlEscape(t) + "</p>", text: t, article: true}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
