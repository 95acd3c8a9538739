package wiregen_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/wirestory/aggregator/internal/wiregen"
)

// corpusBytes is every feed document of c, in order, for comparing and
// hashing.
func corpusBytes(c *wiregen.EventCorpus) []byte {
	var b bytes.Buffer
	for i := range c.Feeds {
		fmt.Fprintf(&b, "== %s\n", c.Feeds[i].FileName())
		b.Write(c.Feeds[i].EventDocument())
	}
	return b.Bytes()
}

func small(seed uint64) *wiregen.EventCorpus {
	spec := wiregen.SmallEvent
	spec.Seed = seed
	return wiregen.GenerateEvent(spec)
}

// TestEventGolden pins the small corpus of seed 1 by the SHA-256 of its
// feeds: the dev set's figures are compared across commits, so a change
// to it must be deliberate (-update).
func TestEventGolden(t *testing.T) {
	sum := sha256.Sum256(corpusBytes(small(1)))
	got := hex.EncodeToString(sum[:]) + "\n"
	path := filepath.Join("testdata", "event-small-1.sha256")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("small event corpus hashes to %s, want %s (rerun with -update if the change is meant)", got, want)
	}
}

func TestEventDeterministic(t *testing.T) {
	want := corpusBytes(small(3))
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Go(func() { got[i] = corpusBytes(small(3)) })
	}
	wg.Wait()
	for i, g := range got {
		if !bytes.Equal(g, want) {
			t.Errorf("run %d differs from the first", i)
		}
	}
	if bytes.Equal(corpusBytes(small(4)), want) {
		t.Error("another seed gives the same corpus")
	}
}

func TestEventSizes(t *testing.T) {
	for _, c := range []struct {
		spec            wiregen.EventSpec
		lo, hi, feeds   int
		fewItemsAtLeast int
	}{
		{wiregen.SmallEvent, 150, 250, 31, 8},
		{wiregen.MediumEvent, 500, 700, 75, 15},
	} {
		for seed := uint64(1); seed <= 3; seed++ {
			spec := c.spec
			spec.Seed = seed
			ev := wiregen.GenerateEvent(spec)
			n, few := len(ev.Items()), 0
			for _, f := range ev.Feeds {
				if len(f.Items) >= 2 && len(f.Items) <= 4 {
					few++
				}
			}
			if n < c.lo || n > c.hi || len(ev.Feeds) != c.feeds || few < c.fewItemsAtLeast {
				t.Errorf("%d agencies, seed %d: %d items in %d feeds (%d with 2-4 items), want %d-%d in %d (at least %d with 2-4)",
					spec.Agencies, seed, n, len(ev.Feeds), few, c.lo, c.hi, c.feeds, c.fewItemsAtLeast)
			}
		}
	}
}

func TestGenerateEventRejectsInvalidSpecs(t *testing.T) {
	for _, spec := range []wiregen.EventSpec{
		{Agencies: 0, Outlets: 1, Items: 1, Versions: 5},
		{Agencies: 6, Outlets: 1, Items: 1, Versions: 5},
		{Agencies: 1, Outlets: -1, Items: 1, Versions: 5},
		{Agencies: 1, Outlets: 1, Items: -1, Versions: 5},
		{Agencies: 1, Outlets: 1, Items: 1, Versions: 4},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GenerateEvent(%+v) did not panic", spec)
				}
			}()
			wiregen.GenerateEvent(spec)
		}()
	}
}

// TestEventItems checks the items' identity and dates: links unique in
// the corpus, GUIDs unique in a feed, feeds newest first, every item
// labelled, and the day after the quake for follow-ups.
func TestEventItems(t *testing.T) {
	c := small(1)
	links := map[string]bool{}
	kinds := map[wiregen.Kind]int{}
	for _, f := range c.Feeds {
		guids := map[string]bool{}
		for j, it := range f.Items {
			if j > 0 && it.Published.After(f.Items[j-1].Published) {
				t.Errorf("%s: item %d is newer than item %d", f.Name, j, j-1)
			}
			if links[wiregen.Label(it.Link)] || guids[it.GUID] {
				t.Errorf("%s: link %s or GUID %s twice", f.Name, it.Link, it.GUID)
			}
			links[wiregen.Label(it.Link)], guids[it.GUID] = true, true
			if it.Story == "" || it.Kind == "" || it.Title == "" || len(it.Paras) == 0 || it.Published.IsZero() {
				t.Errorf("%s: item %s lacks a label, kind, title, text or date", f.Name, it.Link)
			}
			for _, p := range it.Paras {
				if strings.ContainsAny(p, "{}") || strings.Contains(p, "an quake") || strings.Contains(p, "an temblor") {
					t.Errorf("%s: item %s has a paragraph with a frame's slot left or a wrong article: %q", f.Name, it.Link, p)
				}
			}
			if !it.Updated.IsZero() && !it.Updated.After(it.Published) {
				t.Errorf("%s: item %s updated %s, not after its publication %s", f.Name, it.Link, it.Updated, it.Published)
			}
			kinds[it.Kind]++
		}
	}
	for _, k := range []wiregen.Kind{wiregen.KindRunning, wiregen.KindFollowUp, wiregen.KindAnalysis, wiregen.KindBulletin,
		wiregen.KindLive, wiregen.KindRoundup, wiregen.KindLocal} {
		if kinds[k] == 0 {
			t.Errorf("no item of kind %s: %v", k, kinds)
		}
	}
	if kinds[wiregen.KindRunning]*2 < len(links) {
		t.Errorf("%d running copies of %d items, want the larger part", kinds[wiregen.KindRunning], len(links))
	}
}

// storyOf returns the agency story labelled label.
func storyOf(c *wiregen.EventCorpus, label string) *wiregen.EventStory {
	for i := range c.Stories {
		if c.Stories[i].Label == label {
			return &c.Stories[i]
		}
	}
	return nil
}

// TestEventLabels checks the labels by construction: a copy of an
// agency story carries the paragraphs of the version it copies (trimmed,
// one word perhaps changed), so items of one label share text through the
// chain of versions; each of an outlet's own stories is one item.
func TestEventLabels(t *testing.T) {
	c := small(1)
	own := map[string]int{}
	for _, d := range c.Items() {
		s := storyOf(c, d.Story)
		if s == nil {
			own[d.Story]++
			continue
		}
		if s.Kind != d.Kind || d.Version >= len(s.Versions) {
			t.Errorf("%s: kind %s version %d of %s, a %s of %d versions", d.Link, d.Kind, d.Version, s.Label, s.Kind, len(s.Versions))
			continue
		}
		v := s.Versions[d.Version].Paras
		kept := 0
		for _, p := range d.Paras {
			if slices.Contains(v, p) {
				kept++
			}
		}
		if kept < len(d.Paras)-1 || len(d.Paras) > len(v) {
			t.Errorf("%s: %d of its %d paragraphs are in version %d of %s (%d paragraphs)", d.Link, kept, len(d.Paras), d.Version, s.Label, len(v))
		}
		if !strings.Contains(d.HTML, strings.ReplaceAll(d.Paras[len(d.Paras)/2], "&", "&amp;")) {
			t.Errorf("%s: the page lacks its paragraph %q", d.Link, d.Paras[len(d.Paras)/2])
		}
	}
	for label, n := range own {
		if n != 1 {
			t.Errorf("the outlet's own story %s has %d items, want 1", label, n)
		}
	}
	for _, s := range c.Stories {
		for k := 1; k < len(s.Versions); k++ {
			if !sharesPara(s.Versions[k-1].Paras, s.Versions[k].Paras) {
				t.Errorf("%s: versions %d and %d share no paragraph", s.Label, k-1, k)
			}
		}
	}
}

func sharesPara(a, b []string) bool {
	return slices.ContainsFunc(a, func(p string) bool { return slices.Contains(b, p) })
}

// TestStayApartShareCast checks that the stories labelled apart really
// look alike: a follow-up repeats paragraphs of its agency's running
// story, analyses and roundups quote paragraphs of agency stories, live
// snapshots repeat each other's posts, agencies quote the same press
// conference, and one photo caption shows on different stories.
func TestStayApartShareCast(t *testing.T) {
	c := small(1)
	var running [][]string // every paragraph of every version, by running story
	var all []string
	for _, s := range c.Stories {
		var ps []string
		for _, v := range s.Versions {
			ps = append(ps, v.Paras...)
		}
		all = append(all, ps...)
		if s.Kind == wiregen.KindRunning {
			running = append(running, ps)
		}
		if s.Kind == wiregen.KindFollowUp {
			agency := strings.TrimSuffix(s.Label, s.Label[strings.Index(s.Label, "-followup"):]) + "-running"
			if r := storyOf(c, agency); r == nil || !sharesPara(s.Versions[0].Paras, r.Versions[len(r.Versions)-1].Paras) {
				t.Errorf("follow-up %s repeats no paragraph of %s's last version", s.Label, agency)
			}
		}
	}
	for _, d := range c.Items() {
		switch d.Kind {
		case wiregen.KindAnalysis, wiregen.KindRoundup:
			if !sharesPara(d.Paras, all) {
				t.Errorf("%s %s quotes no agency paragraph", d.Kind, d.Link)
			}
		}
	}
	quotes := func(ps []string) map[string]bool {
		m := map[string]bool{}
		for _, p := range ps {
			for i, part := range strings.Split(p, `"`) {
				if i%2 == 1 && len(part) > 40 {
					m[part] = true
				}
			}
		}
		return m
	}
	shared := 0
	for i := range running {
		for j := i + 1; j < len(running); j++ {
			qi, qj := quotes(running[i]), quotes(running[j])
			for q := range qi {
				if qj[q] {
					shared++
					break
				}
			}
		}
	}
	if shared == 0 {
		t.Error("no two agencies' running stories quote the same words")
	}
	checkLiveAndPhotos(t, c)
}

// captionRE finds a photo caption by its credit.
var captionRE = regexp.MustCompile(`<(?:p|figcaption)>([^<]*?)(?: \(Photo: | \(\w+ Photo/| Photograph: )`)

func checkLiveAndPhotos(t *testing.T, c *wiregen.EventCorpus) {
	t.Helper()
	var live [][]string
	captions := map[string]map[string]bool{} // caption → stories
	for _, d := range c.Items() {
		if d.Kind == wiregen.KindLive {
			live = append(live, d.Paras)
		}
		for _, m := range captionRE.FindAllStringSubmatch(d.HTML, -1) {
			if captions[m[1]] == nil {
				captions[m[1]] = map[string]bool{}
			}
			captions[m[1]][d.Story] = true
		}
	}
	sort.Slice(live, func(i, j int) bool { return len(live[i]) < len(live[j]) })
	for i := 1; i < len(live); i++ {
		if !sharesPara(live[i-1][4:], live[i][4:]) {
			t.Errorf("live snapshots %d and %d share no post", i-1, i)
		}
	}
	most := 0
	for _, st := range captions {
		most = max(most, len(st))
	}
	if len(live) < 2 || most < 3 {
		t.Errorf("%d live snapshots, a caption on at most %d stories: want 2 and 3", len(live), most)
	}
}

// TestVersionOverlap checks the shape of the running stories: versions
// overlap strongly with their neighbours and weakly with distant ones
// (Jaccard of word 3-shingles, medians over five seeds).
func TestVersionOverlap(t *testing.T) {
	by := map[string][]float64{}
	for seed := uint64(1); seed <= 5; seed++ {
		for _, s := range small(seed).Stories {
			if s.Kind != wiregen.KindRunning {
				continue
			}
			for _, p := range s.Overlaps() {
				switch d := p.J - p.I; {
				case d == 1 && p.I > 0:
					by["neighbours"] = append(by["neighbours"], p.Resemblance)
				case d >= 6:
					by["distant"] = append(by["distant"], p.Resemblance)
				}
				by["all"] = append(by["all"], p.Resemblance)
				if p.I == 2 && p.J == len(s.Versions)-1 {
					by["third-last"] = append(by["third-last"], p.Resemblance)
				}
			}
		}
	}
	median := func(xs []float64) float64 { sort.Float64s(xs); return xs[len(xs)/2] }
	for _, c := range []struct {
		name   string
		lo, hi float64
	}{{"neighbours", 0.5, 0.9}, {"distant", 0.05, 0.4}, {"all", 0.2, 0.5}, {"third-last", 0.05, 0.45}} {
		if m := median(by[c.name]); m < c.lo || m > c.hi {
			t.Errorf("median resemblance of %s versions %.2f, want %.2f to %.2f", c.name, m, c.lo, c.hi)
		}
	}
}
