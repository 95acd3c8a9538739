// The functions of this file are tools for working on dedupe, not tests:
// each runs only when its environment variable names a corpus (as
// TestShowErrors does) and prints what it finds, asserting nothing.
// docs/dedupe.md says how they were used.

package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/internal/baseline"
	"github.com/wirestory/aggregator/news"
)

// TestExplore prints, for a corpus directory EVAL_DIR, the score and how
// each labelled story was split or merged, by the kinds meta.json gives.
func TestExplore(t *testing.T) {
	c, m := exploreCorpus(t)
	o := NewOurs(dedupe.Options{})
	ps := Run(c, o)
	t.Logf("%v", Evaluate(c, ps))
	// story → predicted clusters
	clusters := map[string]map[string]int{}
	kinds := map[string]string{}
	for _, p := range ps {
		l := c.Labels[Canon(p.Item.Link)]
		if clusters[l] == nil {
			clusters[l] = map[string]int{}
		}
		clusters[l][p.Story]++
		if mm, ok := m[Canon(p.Item.Link)]; ok {
			kinds[l] = mm.Kind
		}
	}
	// predicted cluster → labels
	mixed := map[string]map[string]int{}
	for _, p := range ps {
		l := c.Labels[Canon(p.Item.Link)]
		if mixed[p.Story] == nil {
			mixed[p.Story] = map[string]int{}
		}
		mixed[p.Story][l]++
	}
	var labels []string
	for l := range clusters {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		if len(clusters[l]) > 1 {
			var sizes []int
			for _, n := range clusters[l] {
				sizes = append(sizes, n)
			}
			sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
			t.Logf("SPLIT %-40s %-10s into %d: %v", l, kinds[l], len(sizes), sizes)
		}
	}
	for s, ls := range mixed {
		if len(ls) > 1 {
			t.Logf("MERGED cluster %s: %v", s, fmt.Sprint(ls))
		}
	}
	if os.Getenv("EVAL_PAIRS") != "" {
		merged, split := Errors(c, ps, 30)
		for _, p := range merged {
			t.Logf("WRONGLY MERGED (%s):\n%v", p[1].Decision.Reason, o.Explain(p[1], p[0]))
		}
		for _, p := range split {
			t.Logf("WRONGLY SPLIT (%s):\n%v", p[1].Decision.Reason, o.Explain(p[1], p[0]))
		}
	}
}

// TestScoreDirs scores our dedupe on every corpus directory of EVAL_DIRS
// (comma-separated) and prints one line each; EVAL_METHOD picks a
// baseline instead (body-jaccard, body-jaccard-0.3, body-jaccard-0.2,
// minhash, title).
func TestScoreDirs(t *testing.T) {
	dirs := os.Getenv("EVAL_DIRS")
	if dirs == "" {
		t.Skip("EVAL_DIRS not set")
	}
	var sumF float64
	n := 0
	for _, dir := range strings.Split(dirs, ",") {
		c, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		var d Deduper = NewOurs(dedupe.Options{})
		switch m := os.Getenv("EVAL_METHOD"); m {
		case "", "ours":
		case "body-jaccard", "body-jaccard-0.3", "body-jaccard-0.2":
			j := baseline.NewBodyJaccard()
			if _, bar, ok := strings.Cut(m, "jaccard-"); ok {
				j.Threshold, _ = strconv.ParseFloat(bar, 64)
			}
			d = j
		case "minhash":
			d = baseline.NewMinHash()
		case "title":
			d = baseline.NewTitle()
		default:
			t.Fatalf("EVAL_METHOD %q: want ours, body-jaccard, minhash or title", m)
		}
		s := Evaluate(c, Run(c, d))
		t.Logf("%-28s P %.4f R %.4f F1 %.4f", filepath.Base(dir), s.Precision, s.Recall, s.F1)
		sumF += s.F1
		n++
	}
	t.Logf("mean F1 %.4f", sumF/float64(n))
}

// TestPairFigures writes the figures of every pair of items of EVAL_DIR
// (both with meta.json kinds) to EVAL_OUT as TSV, for study.
func TestPairFigures(t *testing.T) {
	out := os.Getenv("EVAL_OUT")
	if out == "" {
		t.Skip("EVAL_OUT not set")
	}
	c, m := exploreCorpus(t)
	o := NewOurs(dedupe.Options{})
	ps := Run(c, o)
	ex := make([]dedupe.Exhibit, len(ps))
	for i, p := range ps {
		ex[i] = dedupe.Exhibit{Doc: dedupe.Doc{ID: p.ID, Feed: p.Item.Feed, Published: p.Item.Published},
			Title: p.Item.Title, Text: dedupe.Analyse(p.Item.Body()), Furniture: o.Furniture[p.Item.Feed]}
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintln(f, "same\tkindA\tkindB\tverA\tverB\tfeedA\tfeedB\tgapH\tR\tC\tsampled\tlead\tnums\tnumsN\tnA\tnB\texR\texC\tmatch\ti\tj\tlabelA\tlabelB")
	for i, p := range ps {
		fmt.Fprintf(f, "#item\t%d\t%s\n", i, c.Labels[Canon(p.Item.Link)])
	}
	for i := range ps {
		for j := 0; j < i; j++ {
			li, lj := c.Labels[Canon(ps[i].Item.Link)], c.Labels[Canon(ps[j].Item.Link)]
			mi, mj := m[Canon(ps[i].Item.Link)], m[Canon(ps[j].Item.Link)]
			x := dedupe.Explain(ex[i], ex[j], dedupe.Options{})
			if x.ExactResemblance == 0 && li != lj {
				continue
			}
			same := 0
			if li == lj {
				same = 1
			}
			gap := ps[i].Item.Published.Sub(ps[j].Item.Published).Hours()
			if gap < 0 {
				gap = -gap
			}
			e := x.Estimated
			fmt.Fprintf(f, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%.2f\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t%d\t%d\t%d\t%.3f\t%.3f\t%v\t%d\t%d\t%s\t%s\n",
				same, mi.Kind, mj.Kind, mi.Version, mj.Version, ps[i].Item.Feed, ps[j].Item.Feed, gap,
				e.Resemblance, e.Containment, e.Sampled, e.Lead, e.Numbers, e.NumbersCompared, e.NewShingles, e.OldShingles,
				x.ExactResemblance, x.ExactContainment, x.Match, i, j, li, lj)
		}
	}
}

// TestSplitReasons counts, for EVAL_DIR, the wrongly split pairs by the
// decision of their pair (what Explain says) and the wrongly merged ones.
func TestSplitReasons(t *testing.T) {
	c, _ := exploreCorpus(t)
	o := NewOurs(dedupe.Options{})
	ps := Run(c, o)
	t.Logf("%v", Evaluate(c, ps))
	merged, split := Errors(c, ps, 1<<30)
	count := func(pairs [][2]Placement) map[string]int {
		m := map[string]int{}
		for _, p := range pairs {
			x := o.Explain(p[1], p[0])
			r := x.Reason
			if i := strings.IndexAny(r, "0123456789("); i > 0 {
				r = r[:i]
			}
			switch {
			case x.Match:
				r = "PAIR SAYS SAME: " + r
			case x.Version:
				r = "PAIR SAYS VERSION: " + r
			}
			m[r]++
		}
		return m
	}
	t.Logf("split %d: %v", len(split), count(split))
	t.Logf("merged %d: %v", len(merged), count(merged))
}

// TestChains prints, for each running story of EVAL_DIR, the clusters its
// items were placed in by version.
func TestChains(t *testing.T) {
	c, m := exploreCorpus(t)
	o := NewOurs(dedupe.Options{})
	ps := Run(c, o)
	byStory := map[string][]Placement{}
	for _, p := range ps {
		mm := m[Canon(p.Item.Link)]
		if mm.Kind == "running" {
			byStory[mm.Story] = append(byStory[mm.Story], p)
		}
	}
	for st, pl := range byStory {
		ids := map[string]int{}
		var b strings.Builder
		sort.SliceStable(pl, func(i, j int) bool {
			return m[Canon(pl[i].Item.Link)].Version < m[Canon(pl[j].Item.Link)].Version
		})
		for _, p := range pl {
			if _, ok := ids[p.Story]; !ok {
				ids[p.Story] = len(ids)
			}
			fmt.Fprintf(&b, " v%d:%c", m[Canon(p.Item.Link)].Version, 'A'+ids[p.Story])
		}
		t.Logf("%s (%d clusters):%s", st, len(ids), b.String())
		if os.Getenv("EVAL_BREAKS") == "" {
			continue
		}
		// each item that founded a cluster after the first: explain it
		// against the earlier members of the story it should have joined
		placed := map[string]bool{}
		for _, p := range ps {
			mm := m[Canon(p.Item.Link)]
			if mm.Story != st {
				continue
			}
			if p.Decision.New && len(placed) > 0 {
				var best dedupe.Explanation
				for _, q := range ps {
					if q.ID == p.ID {
						break
					}
					if m[Canon(q.Item.Link)].Story == st {
						if x := o.Explain(p, q); x.ExactResemblance+x.ExactContainment > best.ExactResemblance+best.ExactContainment {
							best = x
						}
					}
				}
				t.Logf("BREAK v%d %s: %s\n%v", mm.Version, p.Item.Feed, p.Decision.Reason, best)
			}
			placed[p.ID] = true
		}
	}
}

// TestMerges prints the story merges of a run on EVAL_DIR, with the
// labels the merged stories held.
func TestMerges(t *testing.T) {
	c, _ := exploreCorpus(t)
	// Run resolves merges at the end; replay them in order here.
	o := NewOurs(dedupe.Options{})
	q := make([]Placement, 0)
	for _, name := range c.Feeds {
		o.Learn(name, c.Items[name])
		for _, it := range c.Items[name] {
			q = append(q, Placement{Item: it, ID: news.ItemID(name, it.Key())})
		}
	}
	sort.SliceStable(q, func(i, j int) bool {
		if c := q[i].Item.Published.Compare(q[j].Item.Published); c != 0 {
			return c < 0
		}
		return q[i].ID < q[j].ID
	})
	labels := map[string]map[string]int{}
	bad, good := 0, 0
	for _, p := range q {
		d := o.Add(p.ID, p.Item, news.StoryID(p.ID))
		l := c.Labels[Canon(p.Item.Link)]
		if len(d.Absorbed) > 0 {
			var b strings.Builder
			wrong := false
			for _, a := range d.Absorbed {
				fmt.Fprintf(&b, " %v", labels[a])
				if labels[a][l] == 0 {
					wrong = true
				}
			}
			if labels[d.StoryID][l] == 0 {
				wrong = true
			}
			if wrong {
				bad++
				t.Logf("BAD MERGE by %s [%s] %q (%s): into %v, absorbed%s", p.Item.Feed, l, p.Item.Title, d.Reason, labels[d.StoryID], b.String())
			} else {
				good++
			}
			for _, a := range d.Absorbed {
				for k, v := range labels[a] {
					if labels[d.StoryID] == nil {
						labels[d.StoryID] = map[string]int{}
					}
					labels[d.StoryID][k] += v
				}
				delete(labels, a)
			}
		}
		if labels[d.StoryID] == nil {
			labels[d.StoryID] = map[string]int{}
		}
		labels[d.StoryID][l]++
	}
	t.Logf("merges: %d good, %d bad", good, bad)
}

// itemMeta is what a generated corpus's meta.json says of an item.
type itemMeta struct {
	Story, Kind, Feed string
	Version           int
}

// exploreCorpus loads the corpus EVAL_DIR names, with its meta.json by
// canonical link (empty when there is none); it skips the test when
// EVAL_DIR is not set.
func exploreCorpus(t *testing.T) (*Corpus, map[string]itemMeta) {
	dir := os.Getenv("EVAL_DIR")
	if dir == "" {
		t.Skip("EVAL_DIR not set")
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Items map[string]itemMeta }
	if b, err := os.ReadFile(filepath.Join(dir, "meta.json")); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s/meta.json: %v", dir, err)
		}
	}
	return c, m.Items
}
