package dedupe

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The tests of this file are the merge policy, one case each, on
// fictional text: what a running agency story does to the copies of it
// that outlets publish, and what different stories do to look alike.

// liveBlog returns a live page of the entries' paragraphs, each under its
// own clock time, newest first.
func liveBlog(entries []string) string {
	var ps []string
	for i := len(entries) - 1; i >= 0; i-- {
		ps = append(ps, fmt.Sprintf("%d:%02d p.m.", 1+i/60, i%60), entries[i])
	}
	return page(ps...)
}

// TestPolicyRoundupQuotesLeads: a roundup opens with its own text, then
// quotes the leads of two stories, each of which a summary-only feed
// carries too. Each summary joins its story (found at its opening); the
// roundup, which holds both summaries whole but after its own opening,
// joins neither and does not glue them together.
func TestPolicyRoundupQuotesLeads(t *testing.T) {
	x, y := paragraphs(301, 6), paragraphs(302, 6)
	roundup := doc("roundup", "h", 30, page(append(append(paragraphs(303, 3), x[0]), y[0])...))
	ix := newSet(Options{})
	st := add(ix, doc("x", "f", 0, page(x...)), doc("x-summary", "s", 1, page(x[0])),
		doc("y", "g", 5, page(y...)), doc("y-summary", "s", 6, page(y[0])), roundup)
	if st[0] != st[1] || st[2] != st[3] {
		t.Fatalf("a summary apart from its story: %v", st)
	}
	if st[0] == st[2] {
		t.Fatalf("two stories merged: %v", st)
	}
	if st[4] == st[0] || st[4] == st[2] {
		t.Errorf("the roundup joined a story it quotes: %v\n%v", st, ix.explain(roundup, doc("x-summary", "s", 1, page(x[0]))))
	}
}

// TestPolicyLiveSnapshots: the snapshots of one live page, taken an hour
// apart, share their older entries (the later holds the earlier whole)
// but are different pages; a copy of one snapshot is that snapshot.
func TestPolicyLiveSnapshots(t *testing.T) {
	entries := paragraphs(311, 10)
	early, late := liveBlog(entries[:8]), liveBlog(entries)
	ix := newSet(Options{})
	st := add(ix, doc("early", "f", 0, early), doc("late", "f", 60, late), doc("late-copy", "g", 61, late))
	if st[0] == st[1] {
		t.Errorf("two snapshots of a live page merged: %v\n%v", st, ix.explain(doc("late", "f", 60, late), doc("early", "f", 0, early)))
	}
	if st[1] != st[2] {
		t.Errorf("a copy of a live snapshot apart: %v", st)
	}
}

// TestPolicyUpdatedFigures: an updated version of a story (a toll risen,
// a paragraph added) is the story, although its numbers differ; the next
// day's bulletin of one template is not (TestBulletinsApart).
func TestPolicyUpdatedFigures(t *testing.T) {
	story := paragraphs(321, 6)
	figures := func(dead, hurt, homes int) string {
		return fmt.Sprintf("Officials in Korvala said %d people had died, %d were hurt and %d homes were destroyed by the floods that hit the valley.", dead, hurt, homes)
	}
	v1 := page(append([]string{figures(12, 40, 300)}, story...)...)
	v2 := page(append(append([]string{figures(19, 57, 420)}, story...), paragraphs(322, 2)...)...)
	ix := newSet(Options{})
	st := add(ix, doc("v1", "f", 0, v1), doc("v2", "g", 90, v2))
	if st[0] != st[1] {
		t.Errorf("an update with new figures split from its story: %v\n%v", st, ix.explain(doc("v2", "g", 90, v2), doc("v1", "f", 0, v1)))
	}
}

// TestPolicyVersionChain: a running story rewritten through the day: each
// version puts two new paragraphs on top and drops the two oldest, so a
// version keeps two thirds of the one before, and the first and third
// share only a third. All are one story.
func TestPolicyVersionChain(t *testing.T) {
	ps := paragraphs(331, 14)
	var docs []tdoc
	for v := 0; v < 5; v++ {
		body := slices.Clone(ps[2*v : 2*v+6])
		slices.Reverse(body) // newest first
		docs = append(docs, doc(fmt.Sprintf("v%d", v), fmt.Sprintf("f%d", v), 45*v, page(body...)))
	}
	ix := newSet(Options{})
	st := add(ix, docs...)
	for i := range st {
		if st[i] != st[0] {
			t.Errorf("version chain split: %v", st)
			break
		}
	}
	// the control: two versions apart, without the one between, are not
	// enough alike
	ix = newSet(Options{})
	if st := add(ix, docs[0], docs[2]); st[0] == st[1] {
		t.Errorf("versions two apart merged without the one between: %v\n%v", st, ix.explain(docs[2], docs[0]))
	}
}

// TestPolicyStoryMerge: a story split early (its first five paragraphs
// and its last five published apart, each copied by three outlets) is
// joined by the full text, a copy of both halves' members; the
// decision names the story absorbed, and every member is in the oldest.
func TestPolicyStoryMerge(t *testing.T) {
	ps := paragraphs(341, 8)
	// the halves share two paragraphs: too little to be one story alone
	first, second, full := page(ps[:5]...), page(ps[3:]...), page(ps...)
	var docs []tdoc
	for i := 0; i < 3; i++ {
		docs = append(docs, doc(fmt.Sprintf("a%d", i), fmt.Sprintf("fa%d", i), i, first))
	}
	for i := 0; i < 3; i++ {
		docs = append(docs, doc(fmt.Sprintf("b%d", i), fmt.Sprintf("fb%d", i), 10+i, second))
	}
	ix := newSet(Options{})
	st := add(ix, docs...)
	if st[0] == st[3] {
		t.Fatalf("the halves merged before the full text came: %v", st)
	}
	d := ix.add(doc("full", "g", 30, full), "story-full")
	if d.StoryID != st[0] || len(d.Absorbed) != 1 || d.Absorbed[0] != st[3] {
		t.Fatalf("full text: story %s absorbing %v, want %s absorbing [%s] (%s)", d.StoryID, d.Absorbed, st[0], st[3], d.Reason)
	}
	// the absorbed story's members are in the oldest one now: a copy of
	// the second half joins it
	if d := ix.add(doc("b3", "fb3", 40, second), "story-b3"); d.StoryID != st[0] {
		t.Errorf("a copy of the second half placed in %s, want %s", d.StoryID, st[0])
	}
}

// TestPolicySmallStoryMerge: a story split early whose first half only
// two outlets carried is joined by the full text, a copy of both of that
// half's members and of three of the other's; a half that one page alone
// carries is not: one link to a story of one page is what a bridging page
// has too.
func TestPolicySmallStoryMerge(t *testing.T) {
	ps := paragraphs(345, 8)
	first, second, full := page(ps[:5]...), page(ps[3:]...), page(ps...)
	for _, n := range []int{2, 1} {
		var docs []tdoc
		for i := 0; i < n; i++ {
			docs = append(docs, doc(fmt.Sprintf("a%d", i), fmt.Sprintf("fa%d", i), i, first))
		}
		for i := 0; i < 3; i++ {
			docs = append(docs, doc(fmt.Sprintf("b%d", i), fmt.Sprintf("fb%d", i), 10+i, second))
		}
		ix := newSet(Options{})
		st := add(ix, docs...)
		if st[0] == st[n] {
			t.Fatalf("%d-page half: the halves merged before the full text came: %v", n, st)
		}
		d := ix.add(doc("full", "g", 30, full), "story-full")
		merged := slices.Contains(d.Absorbed, st[0]) || slices.Contains(d.Absorbed, st[n])
		if n == 2 && !merged {
			t.Errorf("a copy of both pages of a two-page half and of three of the other did not merge them: story %s absorbing %v (%s)", d.StoryID, d.Absorbed, d.Reason)
		}
		if n == 1 && merged {
			t.Errorf("one link to a one-page story merged it: story %s absorbing %v (%s)", d.StoryID, d.Absorbed, d.Reason)
		}
	}
}

// TestPolicyStockCaption: two summary-only items of different stories
// that open with the same stock photo caption are apart: the caption is
// not taken for their common lead.
func TestPolicyStockCaption(t *testing.T) {
	caption := "FILE - Fishing boats are moored in the harbour of Korvala on a calm morning before the storm season, " +
		"with the old lighthouse and the tanvel market behind them, in this photo taken from the north pier. (AP Photo/Vel Daxo, File)"
	// each item's first sentence only
	x, _, _ := strings.Cut(paragraphs(351, 1)[0], ". ")
	y, _, _ := strings.Cut(paragraphs(352, 1)[0], ". ")
	ix := newSet(Options{})
	a, b := doc("x", "f", 0, page(caption, x+".")), doc("y", "g", 5, page(caption, y+"."))
	if st := add(ix, a, b); st[0] == st[1] {
		t.Errorf("two stories glued by one stock caption: %v\n%v", st, ix.explain(b, a))
	}
	// the caption, alone of its page, is kept: nothing else would be left
	if p := ix.prepare(doc("c", "h", 0, page(caption))); p.n == 0 {
		t.Error("a body of a caption alone was emptied")
	}
}

// TestPolicyClutterBeforeLead: a page whose story comes after labels, the
// headline again and an update time is the same story as the clean copy,
// matched at the lead.
func TestPolicyClutterBeforeLead(t *testing.T) {
	story := paragraphs(361, 6)
	cluttered := page(append([]string{"Listen to this article", "Korvala floods force thousands from homes",
		"Updated 3:42 p.m.", "Share"}, story...)...)
	ix := newSet(Options{})
	a, b := doc("clean", "f", 0, page(story...)), doc("cluttered", "g", 5, cluttered)
	st := add(ix, a, b)
	if st[0] != st[1] {
		t.Fatalf("cluttered copy apart: %v\n%v", st, ix.explain(b, a))
	}
	if e := ix.explain(b, a); e.Estimated.LeadOffset != 0 {
		t.Errorf("lead offset %d, want 0: the clutter was taken for the lead\n%v", e.Estimated.LeadOffset, e)
	}
}

// TestPolicyTinyFeedFurniture: a feed of two different stories already
// teaches its furniture: the share line and the link list both carry.
func TestPolicyTinyFeedFurniture(t *testing.T) {
	furniture := []string{"Share this story on Vizz, Krumble and by mail with your friends today.",
		"LATEST NEWS", "Korvala council approves the harbour budget", "Tanvel shares slide after the results"}
	x, y := paragraphs(371, 3), paragraphs(372, 3)
	bodies := []string{page(append(x, furniture...)...), page(append(y, furniture...)...)}
	ix := newSet(Options{})
	ix.learn("tiny", bodies)
	clean := ix.clean("tiny", bodies[0])
	for _, f := range furniture[:2] {
		if strings.Contains(clean, f) {
			t.Errorf("a two-item feed's furniture %q kept:\n%s", f, clean)
		}
	}
	if !strings.Contains(clean, x[2]) {
		t.Errorf("the story was cleaned away:\n%s", clean)
	}
}

// TestPolicyVersionsAreNotFurniture: a feed that carries five versions of
// one story and a few others learns the outlet's furniture, not the
// running story's paragraphs, although those recur in more items.
func TestPolicyVersionsAreNotFurniture(t *testing.T) {
	footer := "Follow the Korvala Herald on Vizz and Krumble for the latest news from the valley."
	story := paragraphs(381, 6)
	var bodies []string
	for v := 0; v < 5; v++ {
		body := append([]string{paragraphs(uint64(390+v), 1)[0]}, story[:4+v%3]...)
		bodies = append(bodies, page(append(body, footer)...))
	}
	for i := 0; i < 3; i++ {
		bodies = append(bodies, page(append(paragraphs(uint64(400+i), 4), footer)...))
	}
	ix := newSet(Options{})
	ix.learn("herald", bodies)
	clean := ix.clean("herald", bodies[0])
	if strings.Contains(clean, footer) {
		t.Errorf("the outlet's footer kept:\n%s", clean)
	}
	for _, p := range story[:4] {
		if !strings.Contains(clean, p) {
			t.Errorf("a paragraph of the running story learned as furniture: %.40q...", p)
		}
	}
}

// TestPolicyFurnitureFromHistory: a feed that lists only its latest item
// teaches its furniture over a few polls: the model remembers the bodies
// earlier polls delivered (and keeps them when stored and read back, as
// the pipeline does between polls).
func TestPolicyFurnitureFromHistory(t *testing.T) {
	footer := "Read more from the Korvala Herald and follow us on Vizz and Krumble every day."
	var f Furniture
	var bodies []string
	for poll := 0; poll < 4; poll++ {
		bodies = append(bodies, page(append(paragraphs(uint64(500+poll), 3), footer)...))
		f.Learn([]*Text{Analyse(bodies[poll])}) // the feed lists one item
		raw, _ := f.MarshalBinary()
		f = Furniture{}
		if err := f.UnmarshalBinary(raw); err != nil {
			t.Fatalf("poll %d: the model read back: %v", poll, err)
		}
	}
	if clean := f.Clean(Analyse(bodies[3])); strings.Contains(clean, footer) {
		t.Errorf("after four polls of one item, the footer is kept:\n%s", clean)
	}
	// the same item polled again and again is one story: no furniture
	var g Furniture
	body := page(append(paragraphs(510, 3), footer)...)
	for range 4 {
		g.Learn([]*Text{Analyse(body)})
	}
	if clean := g.Clean(Analyse(body)); !strings.Contains(clean, footer) {
		t.Errorf("one item polled four times taught furniture:\n%s", clean)
	}
}

// TestFurnitureBytesNeverPanic: every cut of a stored model with history,
// and every single-byte change, is read back or refused, never a panic.
func TestFurnitureBytesNeverPanic(t *testing.T) {
	var f Furniture
	for i := 0; i < 3; i++ {
		f.Learn([]*Text{Analyse(page(append(paragraphs(uint64(520+i), 2), "The same footer line of the feed, with enough words to count.")...))})
	}
	raw, _ := f.MarshalBinary()
	if len(f.past) == 0 {
		t.Fatal("no history: the test tests nothing")
	}
	for n := 0; n < len(raw); n++ {
		var g Furniture
		if err := g.UnmarshalBinary(raw[:n]); err == nil {
			t.Errorf("a model cut at %d of %d bytes was accepted", n, len(raw))
		}
	}
	for i := range raw {
		b := slices.Clone(raw)
		b[i] ^= 0xA5
		var g Furniture
		_ = g.UnmarshalBinary(b) // must not panic
	}
}

// TestPolicyBulletinSeries: the bulletins of one series, six hours apart,
// each written afresh in one template with other numbers, places and
// words, are different stories, although their texts overlap as much as a
// write-through's and its update's do (containment about 0.6).
func TestPolicyBulletinSeries(t *testing.T) {
	places := []string{"Daxfokel", "Quisa", "Velmora", "Tanbri", "Korvala"}
	days := []string{"Tuesday", "Wednesday", "Thursday"}
	dirs := []string{"north", "southwest", "east", "south of the port of", "northwest"}
	counts := []string{"five", "seven", "three", "eight", "none"}
	strongest := []string{"the strongest of magnitude", "the largest measuring", "one of them of magnitude", "the most powerful at"}
	bulletin := func(n int) string {
		return page(
			fmt.Sprintf("The Ripel Seismological Institute recorded %d aftershocks between %d a.m. and %d p.m. on %s, %s %d.%d at %d:%02d, %d km %s %s, according to its bulletin No. %d.",
				40+37*n%200, 1+n%11, 1+(n+5)%11, days[n%3], strongest[n%4], 4+n%2, n*7%10, 1+n%12, n*13%60, 10+n*9%40, dirs[n%5], places[n%5], n),
			fmt.Sprintf("Of these, %s were of magnitude 4.0 or more. The institute said the probability of a shock of magnitude %d or more in the next %d hours was %d percent, and urged residents of %s to stay out of damaged buildings.",
				counts[n%5], 5+n%2, 24+n%3*12, 10+n*3%20, places[(n+2)%5]),
			"Residents can report damage to the regional emergency office by telephone or on its website, which lists the shelters opened in schools and sports halls across the valley.")
	}
	var docs []tdoc
	for n := 1; n <= 4; n++ {
		docs = append(docs, doc(fmt.Sprintf("b%d", n), "agency", 360*(n-1), bulletin(n)))
	}
	ix := newSet(Options{})
	st := add(ix, docs...)
	for i := 1; i < len(st); i++ {
		if st[i] == st[i-1] {
			t.Errorf("bulletins %d and %d merged: %v\n%v", i, i+1, st, ix.explain(docs[i], docs[i-1]))
		}
	}
}
