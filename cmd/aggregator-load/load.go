package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// paths are the documents the clients fetch, in turn.
var paths = []string{"/feed.rss", "/feed.atom", "/feed.json"}

// result is what one load run measured.
type result struct {
	elapsed     time.Duration
	latencies   []time.Duration
	errors      int
	status5xx   int
	status200   int
	status304   int
	otherStatus int
	bytes       int64
	firstErr    string

	polls     int
	pollTimes []time.Duration
	rss       int64 // peak resident set, KiB
	rssNow    int64
	exit      error
	logErrors []string
	wrk       []string
}

func (r *result) failed() bool { return r.errors > 0 || r.status5xx > 0 || r.exit != nil }

// load runs o.clients clients against base for o.duration. Every client
// cycles through the feeds; every other request is conditional on the
// ETag it last saw for that feed, and every third asks for gzip.
func load(ctx context.Context, base string, o options) *result {
	tr := &http.Transport{MaxIdleConns: o.clients, MaxIdleConnsPerHost: o.clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	parts := make([]*result, o.clients)
	var wg sync.WaitGroup
	begin := time.Now()
	for c := range o.clients {
		parts[c] = &result{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			client(ctx, hc, base, c, parts[c])
		}()
	}
	wg.Wait()
	total := &result{elapsed: time.Since(begin)}
	for _, p := range parts {
		total.latencies = append(total.latencies, p.latencies...)
		total.errors += p.errors
		total.status5xx += p.status5xx
		total.status200 += p.status200
		total.status304 += p.status304
		total.otherStatus += p.otherStatus
		total.bytes += p.bytes
		if total.firstErr == "" {
			total.firstErr = p.firstErr
		}
	}
	slices.Sort(total.latencies)
	return total
}

// client fetches until ctx ends, recording into r.
func client(ctx context.Context, hc *http.Client, base string, id int, r *result) {
	etags := map[string]string{}
	for n := id; ctx.Err() == nil; n++ {
		path := paths[n%len(paths)]
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			r.fail(err)
			return
		}
		if n%2 == 0 && etags[path] != "" {
			req.Header.Set("If-None-Match", etags[path])
		}
		if n%3 == 0 {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				r.fail(err)
			}
			continue
		}
		nb, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			if ctx.Err() == nil {
				r.fail(err)
			}
			continue
		}
		r.latencies = append(r.latencies, time.Since(t0))
		r.bytes += nb
		r.count(resp)
		if resp.StatusCode == http.StatusOK && req.Header.Get("Accept-Encoding") == "" {
			etags[path] = resp.Header.Get("ETag")
		}
	}
}

func (r *result) count(resp *http.Response) {
	switch {
	case resp.StatusCode == http.StatusOK:
		r.status200++
	case resp.StatusCode == http.StatusNotModified:
		r.status304++
	case resp.StatusCode >= 500:
		r.status5xx++
		if r.firstErr == "" {
			r.firstErr = resp.Status
		}
	default:
		r.otherStatus++
	}
}

func (r *result) fail(err error) {
	r.errors++
	if r.firstErr == "" {
		r.firstErr = err.Error()
	}
}

func (r *result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(float64(len(r.latencies))*p))]
}

// print writes the table of figures.
func (r *result) print(w io.Writer, o options) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	n := len(r.latencies)
	row("feeds / items per feed", fmt.Sprintf("%d / %d", o.feeds, o.items))
	row("clients / duration", fmt.Sprintf("%d / %v", o.clients, r.elapsed.Round(time.Millisecond)))
	row("requests", n)
	row("requests/s", fmt.Sprintf("%.0f", float64(n)/r.elapsed.Seconds()))
	row("200 / 304 / other", fmt.Sprintf("%d / %d / %d", r.status200, r.status304, r.otherStatus))
	row("errors / 5xx", fmt.Sprintf("%d / %d", r.errors, r.status5xx))
	row("latency p50 / p90 / p99 / max", fmt.Sprintf("%v / %v / %v / %v", round(r.percentile(.5)), round(r.percentile(.9)), round(r.percentile(.99)), round(r.percentile(1))))
	row("MiB received", fmt.Sprintf("%.1f", float64(r.bytes)/(1<<20)))
	row("polls during the run", fmt.Sprintf("%d (schedule %s)", r.polls, o.schedule))
	if len(r.pollTimes) > 0 {
		pt := slices.Sorted(slices.Values(r.pollTimes))
		row("poll duration min / median / max", fmt.Sprintf("%v / %v / %v", pt[0], pt[len(pt)/2], pt[len(pt)-1]))
	}
	row("daemon peak RSS (VmHWM)", fmt.Sprintf("%.1f MiB (now %.1f MiB)", float64(r.rss)/1024, float64(r.rssNow)/1024))
	row("daemon exit", fmt.Sprint(orOK(r.exit)))
	row("daemon ERROR log lines", len(r.logErrors))
	if r.firstErr != "" {
		row("first error", r.firstErr)
	}
	tw.Flush()
	for _, l := range r.logErrors[:min(3, len(r.logErrors))] {
		fmt.Fprintln(w, "  ", l)
	}
	for _, l := range r.wrk {
		fmt.Fprintln(w, l)
	}
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

func orOK(err error) any {
	if err == nil {
		return "0 (clean)"
	}
	return err
}

var wrkLine = regexp.MustCompile(`(?m)^\s*(Requests/sec|Latency|Non-2xx|Socket errors).*$`)

// runWrk runs wrk for 10s against the cached JSON feed, unconditional
// and with its ETag (304s), and returns the summary lines.
func runWrk(ctx context.Context, base string) []string {
	if _, err := exec.LookPath("wrk"); err != nil {
		return []string{"wrk: not installed (apt-get install -y wrk)"}
	}
	resp, err := http.Get(base + "/feed.json")
	if err != nil {
		return []string{"wrk: " + err.Error()}
	}
	etag := resp.Header.Get("ETag")
	resp.Body.Close()
	var out []string
	for _, args := range [][]string{
		{"-t2", "-c50", "-d10s", "--latency", base + "/feed.json"},
		{"-t2", "-c50", "-d10s", "--latency", "-H", "If-None-Match: " + etag, base + "/feed.json"},
	} {
		b, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
		label := "wrk 200 /feed.json"
		if len(args) > 5 {
			label = "wrk 304 /feed.json (If-None-Match)"
		}
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %v", label, err))
			continue
		}
		out = append(out, label+":")
		for _, m := range wrkLine.FindAllString(string(b), -1) {
			out = append(out, "  "+strings.TrimSpace(m))
		}
		if p99 := regexp.MustCompile(`(?m)^\s*99%\s+(\S+)`).FindStringSubmatch(string(b)); p99 != nil {
			out = append(out, "  p99 "+p99[1])
		}
	}
	return out
}
