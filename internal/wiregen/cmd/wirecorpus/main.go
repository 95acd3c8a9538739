// Command wirecorpus writes a labelled corpus of one running news event,
// in the layout ../shared/tools/wire-eval reads (feeds/, labels.json,
// config.yaml).
//
//	wirecorpus -out DIR [-seed N] [-size small|medium] [-stats]
//	wirecorpus -from CORPUS -out DIR [-seed N] [-chains N]
//
// The first form writes fictional text from internal/wiregen. The second
// reads a real labelled corpus and adds agency write-through chains built
// from its own pages' paragraphs, republished with its outlets' real page
// furniture; its output holds real text and is for measurement only:
// never commit it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/wirestory/aggregator/internal/wiregen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wirecorpus:", err)
		os.Exit(2)
	}
}

// run parses args and writes the corpus, printing a summary to w.
func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("wirecorpus", flag.ContinueOnError)
	fs.SetOutput(w)
	out := fs.String("out", "", "directory to write (created if absent)")
	seed := fs.Uint64("seed", 1, "seed of the corpus")
	size := fs.String("size", "small", "small (about 200 items) or medium (about 600)")
	from := fs.String("from", "", "a real labelled corpus to derive write-through chains from")
	chains := fs.Int("chains", 5, "with -from: stories to write through")
	stats := fs.Bool("stats", false, "print the overlap of the running stories' versions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: wirecorpus -out DIR [-seed N] [-size small|medium] [-stats] | -from CORPUS -out DIR [-seed N] [-chains N]")
	}
	if *from != "" {
		return runFrom(w, *from, *out, *seed, *chains, *stats)
	}
	spec := wiregen.SmallEvent
	switch *size {
	case "small":
	case "medium":
		spec = wiregen.MediumEvent
	default:
		return fmt.Errorf("-size %q: want small or medium", *size)
	}
	spec.Seed = *seed
	c := wiregen.GenerateEvent(spec)
	if err := c.Write(*out, fmt.Sprintf("Running event (%s, seed %d)", *size, *seed)); err != nil {
		return err
	}
	summary(w, c)
	if *stats {
		overlapStats(w, c.Stories)
	}
	return nil
}

// runFrom writes the corpus derived from the real corpus src.
func runFrom(w io.Writer, src, out string, seed uint64, chains int, stats bool) error {
	n, vs, err := fromReal(src, out, seed, chains)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s: %d items of %d write-through chains added to %s\n", out, n, len(vs), src)
	if stats {
		var ss []wiregen.EventStory
		for _, c := range vs {
			s := wiregen.EventStory{Kind: wiregen.KindRunning}
			for _, v := range c {
				s.Versions = append(s.Versions, wiregen.EventVersion{Paras: []string{v}})
			}
			ss = append(ss, s)
		}
		overlapStats(w, ss)
	}
	return nil
}

// summary prints the corpus's sizes.
func summary(w io.Writer, c *wiregen.EventCorpus) {
	kinds := map[wiregen.Kind]int{}
	stories := map[string]bool{}
	var perFeed []int
	items := 0
	for _, f := range c.Feeds {
		perFeed = append(perFeed, len(f.Items))
		for _, it := range f.Items {
			kinds[it.Kind]++
			stories[it.Story] = true
			items++
		}
	}
	sort.Ints(perFeed)
	fmt.Fprintf(w, "%d items, %d feeds, %d stories; items per feed: median %d, max %d; %d feeds with 2-4 items\n",
		items, len(c.Feeds), len(stories), perFeed[len(perFeed)/2], perFeed[len(perFeed)-1], countIn(perFeed, 2, 4))
	var ks []string
	for k, n := range kinds {
		ks = append(ks, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(ks)
	fmt.Fprintf(w, "by kind: %s\n", strings.Join(ks, ", "))
}

func countIn(xs []int, lo, hi int) int {
	n := 0
	for _, x := range xs {
		if x >= lo && x <= hi {
			n++
		}
	}
	return n
}

// overlapStats prints the distribution of the Jaccard resemblance of
// word 3-shingles between versions of the running stories, by how far
// apart the versions are.
func overlapStats(w io.Writer, stories []wiregen.EventStory) {
	buckets := map[string][]float64{}
	order := []string{"neighbours", "2-3 apart", "4-7 apart", "8+ apart", "all pairs", "first-last", "second-last", "third-last", "first in last (containment)"}
	for _, s := range stories {
		if s.Kind != wiregen.KindRunning {
			continue
		}
		n := len(s.Versions)
		for _, p := range s.Overlaps() {
			d := p.J - p.I
			k := "8+ apart"
			switch {
			case d == 1:
				k = "neighbours"
			case d <= 3:
				k = "2-3 apart"
			case d <= 7:
				k = "4-7 apart"
			}
			buckets[k] = append(buckets[k], p.Resemblance)
			buckets["all pairs"] = append(buckets["all pairs"], p.Resemblance)
			if p.J == n-1 && p.I <= 2 {
				name := []string{"first-last", "second-last", "third-last"}[p.I]
				buckets[name] = append(buckets[name], p.Resemblance)
				if p.I == 0 {
					buckets["first in last (containment)"] = append(buckets["first in last (containment)"], p.Containment)
				}
			}
		}
	}
	fmt.Fprintln(w, "resemblance of versions of the running stories (word 3-shingles):")
	for _, k := range order {
		xs := buckets[k]
		if len(xs) == 0 {
			continue
		}
		sort.Float64s(xs)
		q := func(p float64) float64 { return xs[int(p*float64(len(xs)-1))] }
		fmt.Fprintf(w, "  %-28s n=%4d  p10 %.2f  p25 %.2f  median %.2f  p75 %.2f  p90 %.2f\n", k, len(xs), q(.1), q(.25), q(.5), q(.75), q(.9))
	}
}
