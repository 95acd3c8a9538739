package dedupe

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStripDateline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NEW DELHI, June 26 (IANS) The brimble council met.", "The brimble council met."},
		{"WASHINGTON (AP) — The brimble council met.", "The brimble council met."},
		{"LONDON, June 26 (Reuters) - The brimble council met.", "The brimble council met."},
		{"KORVALA — The brimble council met.", "The brimble council met."},
		{"PORT ZENDA, Jan. 3 (Wirex) -- The brimble council met.", "The brimble council met."},
		{"The brimble council met (twice) - said Vek.", "The brimble council met (twice) - said Vek."},
		{"Korvala officials said: the council met.", "Korvala officials said: the council met."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := stripDateline(tt.in); got != tt.want {
				t.Errorf("stripDateline(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSignOffs(t *testing.T) {
	blocks := []string{"--IANS", "ab/cd", "(Reporting by Vel Dax; Editing by Mo Zu)", "© 2031 Wirex. All rights reserved.", "Copyright Brimble Media"}
	for _, b := range blocks {
		if !isSignOff(b) {
			t.Errorf("isSignOff(%q) = false", b)
		}
	}
	if isSignOff("The council met on Tuesday and agreed the plan.") {
		t.Error("a sentence taken for a sign-off")
	}
	tails := map[string]string{
		"The council met. --IANS ab/cd":              "The council met.",
		"The council met. (Reporting by Vel Dax)":    "The council met.",
		"The council met on the third of the month.": "The council met on the third of the month.",
	}
	for in, want := range tails {
		if got := stripSignOff(in); got != want {
			t.Errorf("stripSignOff(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFixMojibake(t *testing.T) {
	tests := map[string]string{
		"pay Â£194m":    "pay £194m",
		"itâ€™s done":   "it’s done",
		"cafÃ© crÃ¨me":  "café crème",
		"café crème £5": "café crème £5",
		"plain ascii":   "plain ascii",
		"Âlone capital": "Âlone capital",
	}
	for in, want := range tests {
		if got := FixMojibake(in); got != want {
			t.Errorf("FixMojibake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalisationFolds(t *testing.T) {
	a := appendWords(nil, foldText("It’s “Brimble” — ＴＡＮ 10,000 Café"))
	b := appendWords(nil, foldText(`its "brimble" - tan 10000 CAFÉ`))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("folded words differ:\n%v\n%v", a, b)
	}
	if a[3]&numberBit == 0 || a[0]&numberBit != 0 {
		t.Error("number bit wrong")
	}
}

// add adds docs in order and returns the story of each.
func add(ix *testSet, docs ...tdoc) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = ix.add(d, "story-"+d.ID).StoryID
	}
	return out
}

func TestHardCases(t *testing.T) {
	story := paragraphs(1, 8)
	other := paragraphs(2, 8)
	tests := []struct {
		name string
		a, b string // bodies, a added first
		same bool
	}{
		{"dateline kept and dropped", page(append([]string{"KORVALA, March 4 (Wirex) - " + story[0]}, story[1:]...)...), page(story...), true},
		{"sign-off and byline", page(append(append([]string{"By Vel Daxo"}, story...), "--WIREX", "ab/cd")...), page(story...), true},
		{"summary only", page(story...), page(strings.Join(strings.Fields(story[0])[:45], " ") + " ..."), true},
		{"update with added paragraphs", page(story[:5]...), page(append(story[:5:5], paragraphs(3, 3)...)...), true},
		{"copy edit", page(story...), page(strings.Replace(strings.Join(story, "</p><p>"), " ", " ko ", 6)), true},
		{"different story", page(story...), page(other...), false},
		{"follow-up sharing background", page(story...), page(append(paragraphs(4, 3), story[5:]...)...), false},
		{"long follow-up sharing half", page(story...), page(append(paragraphs(5, 4), story[4:]...)...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := newSet(Options{})
			st := add(ix, doc("a", "f1", 0, tt.a), doc("b", "f2", 5, tt.b))
			if got := st[0] == st[1]; got != tt.same {
				t.Errorf("same story = %v, want %v\n%v", got, tt.same, ix.explain(doc("b", "f2", 5, tt.b), doc("a", "f1", 0, tt.a)))
			}
		})
	}
}

func bulletin(day int, nums ...int) string {
	return page(
		fmt.Sprintf("The Korvala index closed at %d points on day %d, up %d points, as shares in tanvel and brimco gained while zuprit fell.", nums[0], day, nums[1]),
		fmt.Sprintf("Turnover reached %d million kovs across the session, with %d gainers against %d losers on the main board of the exchange today.", nums[2], nums[3], nums[4]),
		fmt.Sprintf("The kov traded at %d.%d against the velmark, and the ten-year bond yield stood at %d.%d percent at the close of trade.", nums[5], nums[6], nums[7], nums[8]))
}

func TestBulletinsApart(t *testing.T) {
	ix := newSet(Options{})
	st := add(ix,
		doc("mon", "f", 0, bulletin(1, 4120, 35, 812, 140, 96, 81, 25, 6, 12)),
		doc("tue", "f", 1440, bulletin(2, 4188, 68, 790, 151, 88, 81, 40, 6, 9)),
		doc("tue2", "g", 1450, bulletin(2, 4188, 68, 790, 151, 88, 81, 40, 6, 9)))
	if st[0] == st[1] {
		t.Error("two days' bulletins merged")
	}
	if st[1] != st[2] {
		t.Error("two copies of one bulletin apart")
	}
}

func TestLearnedFurniture(t *testing.T) {
	ix := newSet(Options{})
	var bodies []string
	for i := 0; i < 12; i++ {
		ps := paragraphs(uint64(100+i), 4)
		heads := paragraphs(uint64(200+i), 3)
		body := page(append(append([]string{"Glorbo Desk"}, ps...), "Share this on Vizz and Krumble", "MORE FROM GLORBO",
			heads[0][:40], heads[1][:50], heads[2][:45])...)
		bodies = append(bodies, body)
	}
	ix.learn("glorbo", bodies)
	clean := ix.clean("glorbo", bodies[0])
	for _, junk := range []string{"Glorbo Desk", "Share this", "MORE FROM", paragraphs(200, 3)[1][:30]} {
		if strings.Contains(clean, junk) {
			t.Errorf("Clean kept %q:\n%s", junk, clean)
		}
	}
	if !strings.Contains(clean, paragraphs(100, 4)[3]) {
		t.Errorf("Clean dropped the story:\n%s", clean)
	}
	// the same story in another outlet without furniture is one story
	st := add(ix, tdoc{ID: "g0", Feed: "glorbo", HTML: bodies[0], Published: t0},
		tdoc{ID: "x0", Feed: "other", HTML: page(paragraphs(100, 4)...), Published: t0.Add(time.Minute)},
		tdoc{ID: "g1", Feed: "glorbo", HTML: bodies[1], Published: t0.Add(2 * time.Minute)})
	if st[0] != st[1] || st[0] == st[2] {
		t.Errorf("stories %v, want g0 and x0 together, g1 apart", st)
	}
}

func TestChainingGuard(t *testing.T) {
	// A and C are different stories; B carries the first half of A's text
	// and the second half of C's. B may join A, but C must not join A's
	// story through B.
	a, c := paragraphs(10, 8), paragraphs(11, 8)
	b := append(append([]string{}, a[:5]...), c[3:]...)
	ix := newSet(Options{})
	st := add(ix, doc("a", "f", 0, page(a...)), doc("b", "g", 1, page(b...)), doc("c", "h", 2, page(c...)))
	if st[2] == st[0] {
		t.Errorf("chained: %v", st)
	}
}

func TestUpdateSameID(t *testing.T) {
	ix := newSet(Options{})
	p := paragraphs(20, 6)
	add(ix, doc("a", "f", 0, page(p...)))
	ix.update(doc("a", "f", 0, page(paragraphs(21, 6)...)))
	d := ix.add(doc("a", "f", 0, page(paragraphs(22, 6)...)), "story-new")
	if d.New || d.StoryID != "story-a" || ix.ix.Len() != 1 {
		t.Errorf("re-add of a known id: %+v, len %d", d, ix.ix.Len())
	}
	// the updated text is what is matched now
	if st := add(ix, doc("b", "g", 1, page(paragraphs(22, 6)...))); st[0] != "story-a" {
		t.Errorf("copy of the updated text in %s", st[0])
	}
}

func TestEviction(t *testing.T) {
	ix := newSet(Options{})
	p := paragraphs(30, 5)
	add(ix, doc("a", "f", 0, page(p...)))
	if n := ix.ix.Evict(t0.Add(time.Hour)); n != 1 || ix.ix.Len() != 0 {
		t.Fatalf("Evict = %d, Len = %d", n, ix.ix.Len())
	}
	if st := add(ix, doc("b", "g", 120, page(p...))); st[0] != "story-b" {
		t.Errorf("matched an evicted doc: %s", st[0])
	}
}

// TestNoDataClock: the index never evicts by the dates it sees, so a
// document dated far in the future cannot empty the window.
func TestNoDataClock(t *testing.T) {
	ix := newSet(Options{})
	p := paragraphs(32, 5)
	add(ix, doc("a", "f", 0, page(p...)))
	add(ix, doc("future", "g", 80*365*24*60, page(paragraphs(33, 5)...)))
	if ix.ix.Len() != 2 {
		t.Fatalf("Len = %d after a future-dated document, want 2", ix.ix.Len())
	}
	if st := add(ix, doc("b", "h", 10, page(p...))); st[0] != "story-a" {
		t.Errorf("copy of a in %s: the future-dated document evicted it", st[0])
	}
}

func TestRestoreRoundTrip(t *testing.T) {
	ix := newSet(Options{})
	p := paragraphs(40, 6)
	a := doc("a", "f", 0, page(p...))
	add(ix, a)
	rec := ix.record(a)
	fresh := newSet(Options{})
	if err := fresh.ix.Restore(a.doc(), "story-a", rec); err != nil {
		t.Fatal(err)
	}
	if err := fresh.ix.Restore(Doc{ID: "b", Feed: "f", Published: t0}, "story-b", []byte{9, 9}); err == nil {
		t.Error("bad record accepted")
	}
	summary := strings.Join(strings.Fields(p[0])[:40], " ")
	st := add(fresh, doc("b", "g", 5, page(p...)), doc("c", "h", 6, page(summary)))
	if st[0] != "story-a" || st[1] != "story-a" {
		t.Errorf("after restore: %v", st)
	}
}

func TestExplainString(t *testing.T) {
	ix := newSet(Options{})
	p := paragraphs(50, 5)
	a, b := doc("a", "f", 0, page(p...)), doc("b", "g", 0, page(p[:4]...))
	x := ix.explain(a, b)
	if !x.Match || !strings.Contains(x.String(), "decision: same story") {
		t.Errorf("Explain:\n%v", x)
	}
	// symmetric: the same figures and decision whichever comes first
	if y := ix.explain(b, a); y.Estimated != x.Estimated || y.Match != x.Match || y.Reason != x.Reason {
		t.Errorf("explain a b = %+v\nexplain b a = %+v", x.Estimated, y.Estimated)
	}
}

// TestMaySignOff checks the cheap filter against the regexp it spares:
// whatever the regexp matches, the filter must let through.
func TestMaySignOff(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	parts := []string{"(", ")", " ", "©", "(c) ", "–", "—", "-", "--", "/", "ab", "cd/ef", "Reporting", "reporting",
		"WRITING", "Additional", " by ", "\t", "\v", "\u00a0", "by", "Copyright", "copyrighted", "All rights reserved", "all", "The", "x", ".", "é", "IANS", "mk/ab"}
	for range 200_000 {
		var b strings.Builder
		for n := 1 + r.IntN(5); n > 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		s := b.String()
		s = s[:min(len(s), 40)]
		if signOffBlock.MatchString(s) && !maySignOff(s) {
			t.Fatalf("maySignOff(%q) = false, but the regexp matches", s)
		}
	}
}

// TestStoryAgeWhateverTheOrder: the older of two merged stories takes the
// other in, its age being its earliest member's, in whatever order the
// members were linked: placed one by one, or restored from a store in
// another order (a placer that takes over rebuilds its window so).
func TestStoryAgeWhateverTheOrder(t *testing.T) {
	ps := paragraphs(341, 8)
	first, second, full := page(ps[:5]...), page(ps[3:]...), page(ps...)
	docs := []tdoc{
		doc("a0", "fa0", 0, first), doc("a1", "fa1", 1, first), doc("a2", "fa2", 20, first),
		doc("b0", "fb0", 10, second), doc("b1", "fb1", 11, second), doc("b2", "fb2", 12, second),
	}
	live := newSet(Options{})
	st := add(live, docs...)
	if st[0] != st[2] || st[3] != st[5] || st[0] == st[3] {
		t.Fatalf("placed: %v, want a* in one story and b* in another", st)
	}
	restored := newSet(Options{})
	for _, i := range []int{2, 3, 4, 5, 1, 0} { // the late copy of a first
		if err := restored.ix.Restore(docs[i].doc(), st[i], live.record(docs[i])); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]*testSet{"placed": live, "restored": restored} {
		d := s.add(doc("full", "g", 30, full), "story-full")
		if d.StoryID != st[0] || !slices.Equal(d.Absorbed, []string{st[3]}) {
			t.Errorf("%s: the full text in %s absorbing %v, want %s (the older) absorbing [%s] (%s)",
				name, d.StoryID, d.Absorbed, st[0], st[3], d.Reason)
		}
	}
}
