package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/internal/wiregen"
	"github.com/wirestory/aggregator/news"
)

// ScalePoint is the cost of adding probe documents to an index that holds
// Window documents.
type ScalePoint struct {
	Window    int     `json:"window"`
	Probe     int     `json:"probe"`
	MicrosCPU float64 `json:"cpu_us_per_add"`
	Micros    float64 `json:"wall_us_per_add"`
}

// scaleProbe is how many documents are timed at each window size.
const scaleProbe = 1000

// windowScaling fills one dedupe.Index with generated items in publish
// order (furniture learned first, as a poll does) and times the Adds of
// prepared documents that follow each of sizes: with a linear cost per poll
// the time per Add stays flat as the window grows. (The analysis before
// Add does not depend on the window.)
func windowScaling(spec wiregen.Spec, sizes []int) []ScalePoint {
	sizes = slices.Sorted(slices.Values(sizes))
	total := sizes[len(sizes)-1] + scaleProbe
	spec.Feeds = (total + spec.Items - 1) / spec.Items
	g := wiregen.New(spec)
	ix := dedupe.NewIndex(dedupe.Options{Window: 87600 * time.Hour})
	var docs []dedupe.Doc
	for i := range spec.Feeds {
		f := g.Feed(i)
		name := fmt.Sprintf("feed-%05d", i)
		items, err := fetch.Parse(bytes.NewReader(f.Document()), name, "https://"+f.Host+"/rss", 0, spec.Now)
		if err != nil {
			panic(err) // generated feeds always parse
		}
		bodies := make([]string, len(items))
		for j, it := range items {
			bodies[j] = it.Body()
			docs = append(docs, dedupe.Doc{ID: news.ItemID(name, it.Key()), Feed: name, Title: it.Title, HTML: it.Body(), Published: it.Published})
		}
		ix.Learn(name, bodies)
	}
	slices.SortStableFunc(docs, func(a, b dedupe.Doc) int { return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.ID, b.ID)) })
	var out []ScalePoint
	n := 0
	for _, size := range sizes {
		for ; n < size && n < len(docs); n++ {
			ix.Add(docs[n], news.StoryID(docs[n].ID))
		}
		// The probes are prepared (analysed, furniture dropped, sketched)
		// untimed, as the pipeline does beside the fetches: what is timed
		// is the part that could grow with the window, the query, the
		// verification of the candidates and the insert.
		probe := slices.Clone(docs[n:min(len(docs), n+scaleProbe)])
		for i, d := range probe {
			probe[i] = ix.Prepare(d, nil)
		}
		sp, _ := measure(func() error {
			for _, d := range probe {
				ix.Add(d, news.StoryID(d.ID))
			}
			return nil
		})
		n += len(probe)
		out = append(out, ScalePoint{Window: size, Probe: len(probe), MicrosCPU: sp.CPU() * 1e6 / float64(len(probe)), Micros: sp.Wall * 1e6 / float64(len(probe))})
	}
	return out
}

func printScalingPoints(w io.Writer, ps []ScalePoint) {
	fmt.Fprintf(w, "dedupe Add cost as the window grows (generated items, %d Adds of prepared documents timed per row; flat = linear poll cost)\n", scaleProbe)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "window\tCPU µs/Add\twall µs/Add\tAdds/s\t")
	for _, p := range ps {
		fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%.0f\t\n", p.Window, p.MicrosCPU, p.Micros, 1e6/p.Micros)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
