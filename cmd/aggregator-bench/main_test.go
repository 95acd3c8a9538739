package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/eval"
	"github.com/wirestory/aggregator/internal/wiregen"
)

// TestMain lets the test binary act as the measured child process, as the
// command re-executes itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		if err := runChild(os.Stdin, os.Stdout, os.Stderr); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestParseCase(t *testing.T) {
	for _, c := range []struct {
		in    string
		want  benchCase
		valid bool
	}{
		{"100", benchCase{100, 50}, true},
		{"10000x5", benchCase{10000, 5}, true},
		{"0", benchCase{}, false},
		{"10x", benchCase{}, false},
		{"ax5", benchCase{}, false},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := parseCase(c.in, 50)
			if (err == nil) != c.valid || (c.valid && got != c.want) {
				t.Fatalf("parseCase(%q) = %+v, %v", c.in, got, err)
			}
		})
	}
}

// TestSyntheticCorpusLabels checks that every generated item parses and
// is labelled with its true story through its canonical link, and that
// wire stories recur across feeds. The generator itself is tested in
// internal/wiregen.
func TestSyntheticCorpusLabels(t *testing.T) {
	c, err := syntheticCorpus(wiregen.Spec{Feeds: 20, Items: 10, Bytes: 3000, Dup: 0.5, Seed: 3, Now: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	perStory := map[string]int{}
	n := 0
	for _, name := range c.Feeds {
		for _, it := range c.Items[name] {
			st, ok := c.Labels[eval.Canon(it.Link)]
			if !ok {
				t.Fatalf("item %s has no label", it.Link)
			}
			perStory[st]++
			n++
		}
	}
	if n != 200 || len(c.Labels) != 200 {
		t.Fatalf("parsed %d items with %d labels, want 200", n, len(c.Labels))
	}
	shared := 0
	for _, k := range perStory {
		if k > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("no story is carried by more than one feed")
	}
}

// TestRunSmall runs the whole command on a tiny case, without the corpora.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	out := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	args := []string{"--feeds", "3x4", "--baselines=false", "--scaling", "20", "--dir", t.TempDir(), "--json", out}
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "steady-304") {
		t.Errorf("no table printed:\n%s", stdout.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	first := res.Cases[0].Phases[0]
	if first.Name != "first" || first.New != 12 || first.Failed != 0 {
		t.Errorf("first poll: %+v", first)
	}
	steady := res.Cases[0].Phases[1]
	if steady.NotModified != 3 || steady.New != 0 {
		t.Errorf("steady-304 poll: %+v", steady)
	}
	if len(res.Scaling) != 1 {
		t.Errorf("window scaling: %+v", res.Scaling)
	}
}

// TestBaselinesNoteMissingCorpus checks that a missing corpus is noted and
// skipped, and that every method runs on the generated set.
func TestBaselinesNoteMissingCorpus(t *testing.T) {
	rs, err := runBaselines(wiregen.Spec{Feeds: 5, Items: 4, Bytes: 1500, Dup: 0.5, Seed: 2, Now: time.Now().UTC()}, t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(methods)+3 {
		t.Fatalf("%d results, want %d: %+v", len(rs), len(methods)+3, rs)
	}
	for _, r := range rs[:len(methods)] {
		if r.Items != 20 || r.F1 <= 0 || r.PerSec <= 0 {
			t.Errorf("generated set, %s: %+v", r.Method, r)
		}
	}
	for _, r := range rs[len(methods):] {
		if !strings.Contains(r.Note, "absent") {
			t.Errorf("missing corpus %s not noted: %+v", r.Dataset, r)
		}
	}
}
