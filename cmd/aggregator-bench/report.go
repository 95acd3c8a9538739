package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func printBaselines(w io.Writer, rs []MethodResult) {
	fmt.Fprintln(w, "dedupe methods (Learn + Add in publish order, one goroutine; speed: fastest of the repeats)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "data set\tmethod\titems\tprecision\trecall\tF1\titems/s\titems/CPU-s\t")
	for _, r := range rs {
		if r.Note != "" {
			fmt.Fprintf(tw, "%s\t%s\t\t\t\t\t\t\t%s\n", r.Dataset, r.Method, r.Note)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.0f\t%.0f\t\n",
			r.Dataset, r.Method, r.Items, r.Precision, r.Recall, r.F1, r.PerSec, r.PerCPUSec)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func printCase(w io.Writer, c *CaseResult) {
	fmt.Fprintf(w, "%d feeds × %d items: %.0f MB of XML (%.0f MB gzipped) generated in %.1fs; store %.0f MB after the run\n",
		c.Feeds, c.Items, c.FeedMB, c.GzipMB, c.GenS, c.StoreMB)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\twall s\tpoll s\tpublish s\tCPU s\tpeak RSS MB\tanon/file MB\tlive heap MB\tGCs\tGC CPU s\talloc MB\titems\tnew\tmerged\tok/304/failed\titems/s\tfeeds/s\tload\t")
	for _, p := range c.Phases {
		end := p.Publish
		if p.Name == "restart" {
			end = p.Poll
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f/%.0f\t%.0f\t%.0f\t%.2f\t%.0f\t%d\t%d\t%d\t%d/%d/%d\t%s\t%s\t%.2f\t\n",
			p.Name, p.Wall(), p.Poll.Wall, p.Publish.Wall, p.CPU(), p.Peak(), end.AnonMB, end.FileMB,
			end.LiveMB, p.Poll.GCs+p.Publish.GCs, p.Poll.GCCPU+p.Publish.GCCPU, p.Poll.AllocMB+p.Publish.AllocMB, p.Items, p.New, p.Merged,
			p.OK, p.NotModified, p.Failed, rate(p.Items, p.Wall()), rate(p.OK+p.NotModified, p.Poll.Wall), p.Poll.LoadAvg)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// printScaling shows the first poll's cost per item across the cases:
// constant when the cost grows linearly with the items.
func printScaling(w io.Writer, cs []CaseResult) {
	fmt.Fprintln(w, "scaling of the first poll (constant per item = linear)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "feeds\titems\twall s\tCPU s\tCPU µs/item\twall µs/item\tsteady-304 CPU µs/feed\trestart s\t")
	for _, c := range cs {
		var first, steady, restart Phase
		for _, p := range c.Phases {
			switch p.Name {
			case "first":
				first = p
			case "steady-304":
				steady = p
			case "restart":
				restart = p
			}
		}
		fmt.Fprintf(tw, "%d\t%d\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.2f\t\n", c.Feeds, first.Items, first.Wall(), first.CPU(),
			per(first.CPU(), first.Items), per(first.Wall(), first.Items), per(steady.CPU(), c.Feeds), restart.Poll.Wall)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func rate(n int, s float64) string {
	if n == 0 || s <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(n)/s)
}

func per(s float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return s * 1e6 / float64(n)
}

func printPeers(w io.Writer, n int, rs []PeerResult) {
	fmt.Fprintf(w, "peers: first poll of the wire-dev feeds copied to %d loopback feeds (median of the runs; peak RSS: the largest process)\n", n)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tool\twall s\tCPU s\tpeak RSS MB\truns (wall s / MB)\t")
	for _, r := range rs {
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\t\t\t\tskipped: %s\t\n", r.Tool, r.Skipped)
			continue
		}
		wall, cpu, peak := r.median()
		var runs []string
		for _, x := range r.Runs {
			runs = append(runs, fmt.Sprintf("%.2f/%.0f", x.Wall, x.PeakMB))
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.0f\t%s\t\n", r.Tool, wall, cpu, peak, strings.Join(runs, " "))
	}
	tw.Flush()
	fmt.Fprintln(w)
}
