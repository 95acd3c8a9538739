package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/internal/eval"
)

// loadChecked loads a written corpus as the evaluation does and checks
// that every item is labelled and every label is an item.
func loadChecked(t *testing.T, dir string) *eval.Corpus {
	t.Helper()
	c, err := eval.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range c.Feeds {
		for _, it := range c.Items[f] {
			n++
			if c.Labels[eval.Canon(it.Link)] == "" {
				t.Errorf("%s: item %s has no label", f, it.Link)
			}
		}
	}
	if n != len(c.Labels) {
		t.Errorf("%d items, %d labels", n, len(c.Labels))
	}
	return c
}

func TestRunGenerated(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-out", dir, "-seed", "2", "-size", "small", "-stats"}, &out); err != nil {
		t.Fatal(err)
	}
	c := loadChecked(t, dir)
	for _, want := range []string{fmt.Sprintf("%d items, %d feeds", len(c.Labels), len(c.Feeds)), "neighbours", "first-last"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	exts := map[string]int{}
	files, err := os.ReadDir(filepath.Join(dir, "feeds"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		exts[filepath.Ext(f.Name())]++
	}
	if exts[".xml"] == 0 || exts[".atom"] == 0 || exts[".json"] == 0 || len(files) != len(c.Feeds) {
		t.Errorf("feed files %v for %d feeds, want RSS, Atom and JSON Feed", exts, len(c.Feeds))
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-out", t.TempDir(), "-size", "huge"},
		{"-out", t.TempDir(), "extra"},
		{"-from", filepath.Join(t.TempDir(), "absent"), "-out", t.TempDir()},
	} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

// realDir is a real corpus of ../shared, or the test is skipped.
func realDir(t *testing.T, name string) string {
	dir := filepath.Join("..", "..", "..", "..", "..", "shared", "corpus", name)
	if _, err := os.Stat(filepath.Join(dir, "labels.json")); err != nil {
		t.Skipf("corpus %s absent", name)
	}
	return dir
}

// TestFromReal derives write-through chains from a real corpus (written
// to a temporary directory only): the real pages keep their labels, the
// added pages are labelled with the story they version, and a seed gives
// the same bytes every time.
func TestFromReal(t *testing.T) {
	src := realDir(t, "real-census")
	orig, err := eval.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := run([]string{"-from", src, "-out", dir, "-seed", "3", "-chains", "4"}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	c := loadChecked(t, a)
	stories := map[string]bool{}
	for k, v := range orig.Labels {
		stories[v] = true
		if c.Labels[k] != v {
			t.Errorf("%s labelled %q, was %q", k, c.Labels[k], v)
		}
	}
	added := map[string]int{}
	for k, v := range c.Labels {
		if _, ok := orig.Labels[k]; !ok {
			added[v]++
			if !stories[v] {
				t.Errorf("added page %s labelled %q, not a story of the corpus", k, v)
			}
		}
	}
	if len(added) != 4 {
		t.Errorf("pages added to %d stories (%v), want 4", len(added), added)
	}
	for _, name := range []string{"labels.json", filepath.Join("feeds", orig.Feeds[0]+".xml")} {
		x, errA := os.ReadFile(filepath.Join(a, name))
		y, errB := os.ReadFile(filepath.Join(b, name))
		if errA != nil || errB != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs (%v, %v)", name, errA, errB)
		}
	}
}

// TestFromRealKeepsPages checks that without chains the rewritten corpus
// carries the real pages unchanged.
func TestFromRealKeepsPages(t *testing.T) {
	src := realDir(t, "real-spotify")
	dir := t.TempDir()
	if err := run([]string{"-from", src, "-out", dir, "-chains", "0"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	orig, err := eval.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	c := loadChecked(t, dir)
	if !slices.Equal(c.Feeds, orig.Feeds) {
		t.Fatalf("feeds %v, want %v", c.Feeds, orig.Feeds)
	}
	for _, f := range orig.Feeds {
		for i, it := range orig.Items[f] {
			got := c.Items[f][i]
			if got.Link != it.Link || got.Title != it.Title || got.Body() != it.Body() || !got.Published.Equal(it.Published) {
				t.Errorf("%s: item %s changed", f, it.Link)
			}
		}
	}
}

// TestFromRealScores scores today's dedupe on write-through chains derived
// from the two real corpora: real pages with their clutter, versioned.
// Floors a little under the figures measured when they were set
// (real-census: F1 1.000; real-spotify: P 0.981, F1 0.947), so a
// regression fails.
func TestFromRealScores(t *testing.T) {
	for _, name := range []string{"real-census", "real-spotify"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := run([]string{"-from", realDir(t, name), "-out", dir, "-seed", "1", "-chains", "5"}, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			c := loadChecked(t, dir)
			s := eval.Evaluate(c, eval.Run(c, eval.NewOurs(dedupe.Options{})))
			t.Logf("dedupe on %s with write-through chains: %v", name, s)
			if s.Precision < 0.93 || s.F1 < 0.9 || s.Coverage < 1 {
				t.Errorf("below the floor (P 0.93, F1 0.90, coverage 1): %v", s)
			}
		})
	}
}
