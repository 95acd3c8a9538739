package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/internal/eval"
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
	o := eval.NewOurs(dedupe.Options{})
	type doc struct {
		id string
		it news.Item
	}
	var docs []doc
	for i := range spec.Feeds {
		f := g.Feed(i)
		name := fmt.Sprintf("feed-%05d", i)
		items, err := fetch.Parse(bytes.NewReader(f.Document()), name, "https://"+f.Host+"/rss", 0, spec.Now)
		if err != nil {
			panic(err) // generated feeds always parse
		}
		o.Learn(name, items)
		for _, it := range items {
			docs = append(docs, doc{news.ItemID(name, it.Key()), it})
		}
	}
	slices.SortStableFunc(docs, func(a, b doc) int { return cmp.Or(a.it.Published.Compare(b.it.Published), cmp.Compare(a.id, b.id)) })
	var out []ScalePoint
	n := 0
	for _, size := range sizes {
		for ; n < size && n < len(docs); n++ {
			o.Add(docs[n].id, docs[n].it, news.StoryID(docs[n].id))
		}
		// The probes are prepared (analysed, furniture dropped, sketched)
		// untimed, as the pipeline does beside the fetches: what is timed
		// is the part that could grow with the window, the query, the
		// verification of the candidates and the insert.
		probe := docs[n:min(len(docs), n+scaleProbe)]
		prepared := make([]dedupe.Prepared, len(probe))
		for i, d := range probe {
			prepared[i] = o.Furniture[d.it.Feed].Prepare(dedupe.Analyse(d.it.Body()), d.it.Title)
		}
		sp, _ := measure(func() error {
			for i, d := range probe {
				o.Index.Add(dedupe.Doc{ID: d.id, Feed: d.it.Feed, Published: d.it.Published}, &prepared[i], news.StoryID(d.id))
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
