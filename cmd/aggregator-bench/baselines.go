package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/internal/baseline"
	"github.com/wirestory/aggregator/internal/eval"
	"github.com/wirestory/aggregator/internal/wiregen"
	"github.com/wirestory/aggregator/news"
)

// MethodResult is one dedupe method on one data set.
type MethodResult struct {
	Dataset   string  `json:"dataset"`
	Method    string  `json:"method"`
	Items     int     `json:"items"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	PerSec    float64 `json:"items_per_s"`     // wall, best of the repeats
	PerCPUSec float64 `json:"items_per_cpu_s"` // per core: items over CPU time
	Note      string  `json:"note,omitempty"`
}

// methods are the dedupe methods compared, each made fresh per run.
var methods = []struct {
	name string
	make func() eval.Deduper
}{
	{"ours (dedupe.Index)", func() eval.Deduper { return eval.NewOurs(dedupe.Options{}) }},
	{"minhash-128 LSH", func() eval.Deduper { return baseline.NewMinHash() }},
	{"title jaccard", func() eval.Deduper { return baseline.NewTitle() }},
	{"body jaccard, single link", func() eval.Deduper { return baseline.NewBodyJaccard() }},
}

// runBaselines compares the methods on a generated set of items (speed,
// and F1 on the generator's own labels) and on the labelled corpora under
// corpusDir (F1; a missing corpus is noted, not an error).
func runBaselines(spec wiregen.Spec, corpusDir string, reps int) ([]MethodResult, error) {
	synth, err := syntheticCorpus(spec)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("synthetic %d×%d", spec.Feeds, spec.Items)
	out := compare(name, synth, reps)
	for _, set := range []string{"wire-dev", "real-census", "real-spotify"} {
		dir := filepath.Join(corpusDir, set)
		c, err := eval.Load(dir)
		if errors.Is(err, fs.ErrNotExist) {
			out = append(out, MethodResult{Dataset: set, Method: "-", Note: "corpus absent at " + dir + ": skipped"})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, compare(set, c, reps)...)
	}
	return out, nil
}

// compare runs every method on c, reps times, keeping the fastest run.
func compare(name string, c *eval.Corpus, reps int) []MethodResult {
	var out []MethodResult
	for _, m := range methods {
		r := MethodResult{Dataset: name, Method: m.name}
		var best Span
		for k := range max(1, reps) {
			runtime.GC()
			var ps []eval.Placement
			sp, _ := measure(func() error {
				ps = eval.Run(c, m.make())
				return nil
			})
			if k == 0 || sp.CPU() < best.CPU() {
				best = sp
			}
			s := eval.Evaluate(c, ps)
			r.Items, r.Precision, r.Recall, r.F1 = len(ps), s.Precision, s.Recall, s.F1
		}
		r.PerSec = float64(r.Items) / best.Wall
		r.PerCPUSec = float64(r.Items) / best.CPU()
		out = append(out, r)
	}
	return out
}

// syntheticCorpus generates spec's feeds and parses them as the fetcher
// would, labelled with the generator's true stories.
func syntheticCorpus(spec wiregen.Spec) (*eval.Corpus, error) {
	g := wiregen.New(spec)
	c := &eval.Corpus{Items: map[string][]news.Item{}, Labels: map[string]string{}}
	for i := range spec.Feeds {
		f := g.Feed(i)
		name := fmt.Sprintf("feed-%05d", i)
		items, err := fetch.Parse(bytes.NewReader(f.Document()), name, "https://"+f.Host+"/rss", 0, spec.Now)
		if err != nil {
			return nil, fmt.Errorf("parse generated feed %d: %w", i, err)
		}
		c.Feeds = append(c.Feeds, name)
		c.Items[name] = items
		for _, it := range f.Items {
			c.Labels[eval.Canon(it.Link)] = it.Story
		}
	}
	return c, nil
}
