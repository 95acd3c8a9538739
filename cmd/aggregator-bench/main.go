// Command aggregator-bench measures whole poll cycles of the real
// aggregator (fetch.Client over loopback HTTP, pipeline, store.Open on a
// temporary file, output rendering) on generated feeds, and compares the
// dedupe index with the baselines of internal/baseline.
//
//	go run ./cmd/aggregator-bench [flags]
//
// For each feed count N it generates N feeds of M items of fictional wire
// copy with internal/wiregen (about 3 KB of text each; a share of the
// items are the same wire story republished by several feeds with
// rewritten headlines, kept or dropped datelines, sign-offs, outlet
// furniture, summary-only and copy-edited versions), gzips them, serves them from an in-process HTTP
// server on one 127.0.0.1 listener, and runs the aggregator in a child
// process, so that its CPU time (getrusage) and peak RSS (VmHWM, reset
// per phase) are its own and not the server's. The phases are:
//
//	first       the first poll: every item new (fetch, parse, dedupe, store), then publish
//	steady-304  a poll of unchanged feeds whose server answers 304 to the validators
//	steady-200  a poll of unchanged feeds whose server ignores validators (the body hash matches)
//	restart     in a fresh process: opening the store and rebuilding the dedupe window
//	restarted-304  then a poll answered 304 and publish: the memory of a daemon holding
//	            the window
//
// Each phase also reports, from runtime/metrics, the heap live at its last
// collection, its collections, the CPU the collector took and the bytes
// allocated.
//
// "publish" is what the daemon does after a poll: read the newest stories
// and render RSS, Atom, JSON Feed and the HTML page (output.Server.Update).
//
// All feeds share one host, so the fetcher's per-host politeness is lifted
// for the benchmark (fetch.Options{PerHost: concurrency, HostDelay: -1});
// with the defaults (one request per host at a time, one second apart)
// the poll would measure the pacing, not the code. Only loopback is used.
//
// Flags:
//
//	--feeds LIST        cases: feed counts, N or NxM for M items per feed (default 100,1000,10000;
//	                    "" runs none)
//	--items M           items per feed of a case given as N (default 50)
//	--bytes B           text bytes per story (default 3000)
//	--dup F             share of items that copy a wire story (default 0.4)
//	--concurrency C     fetch.Options.Concurrency (default 16, the fetcher's default)
//	--window D          dedupe window (default 72h)
//	--chunk N           pipeline.Settings.ChunkFeeds: most feeds stored together
//	                    (default 0: the pipeline's default)
//	--chunk-items N     pipeline.Settings.ChunkItems: most items stored together (0: the default)
//	--max-items K       stories published (default 200)
//	--dir DIR           where the temporary stores go (default $TMPDIR)
//	--json FILE         also write the results as JSON to FILE
//	--cpuprofile FILE   write a CPU profile of each case's measured process to
//	                    FILE with the case before the extension (cpu.pprof → cpu-1000x50.pprof)
//	--baselines         compare ours with the baselines (default true; --baselines=false skips)
//	--baseline-feeds N  feeds of the generated set the baselines run on (default 100)
//	--reps R            runs of each baseline measurement; the fastest counts (default 3)
//	--corpus DIR        where wire-dev, real-census and real-spotify are (default ../shared/corpus);
//	                    a missing corpus is reported and skipped
//	--scaling LIST      window sizes at which the cost of one dedupe Add is measured, to show how
//	                    it grows with the items in the window (default 5000,20000,50000; "" skips)
//	--seed S            generator seed (default 1)
//	--memory-limit L    GOMEMLIMIT of the measured process (as the config's memory_limit sets
//	                    it; default: none); the server and generator are not limited
//	--peers N           the peer comparison: the wire-dev feeds of --corpus copied to N loopback
//	                    feeds (each on an address of its own), polled once from scratch by
//	                    `aggregator fetch` and by newsboat and sfeed when installed (default 80;
//	                    0 skips); a peer that is not installed is reported and skipped
//	--peer-runs R       runs of each tool in the peer comparison, alternating (default 3)
//	--peer-max-items K  output.max_items of the aggregator in the peer comparison (default 200,
//	                    the config's default; 0 publishes every story)
//	--aggregator LIST   aggregator binaries the peer comparison runs, comma-separated
//	                    (default: ./cmd/aggregator built with go build)
//
// The CPU profiles label each poll with its phase: go tool pprof
// -tagfocus phase=steady-304 shows one phase. The default 10,000 × 50 case
// (500,000 items) takes about ten minutes and six GB of memory on two
// cores; --feeds 100,1000,10000x5 keeps to 50,000 items per case.
//
// It prints a table per part; see docs/performance.md for the figures.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wirestory/aggregator/internal/wiregen"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		if err := runChild(os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "aggregator-bench child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "aggregator-bench:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	feeds                []benchCase
	scaling              []int
	items, bytes         int
	dup                  float64
	concurrency          int
	window               time.Duration
	chunk, chunkItems    int
	maxItems             int
	dir, jsonOut, cpuOut string
	baselines            bool
	baselineFeeds, reps  int
	corpus               string
	seed                 uint64
	peers, peerRuns      int
	peerMaxItems         int
	memoryLimit          string
	aggregators          []string
	keep                 bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("aggregator-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	feeds := fs.String("feeds", "100,1000,10000", "feed counts, one case each")
	fs.IntVar(&o.items, "items", 50, "items per feed")
	fs.IntVar(&o.bytes, "bytes", 3000, "text bytes per story")
	fs.Float64Var(&o.dup, "dup", 0.4, "share of items that copy a wire story")
	fs.IntVar(&o.concurrency, "concurrency", 16, "fetches in flight")
	fs.DurationVar(&o.window, "window", 72*time.Hour, "dedupe window")
	fs.IntVar(&o.chunk, "chunk", 0, "most feeds stored together (0: the pipeline's default)")
	fs.IntVar(&o.chunkItems, "chunk-items", 0, "most items stored together (0: the pipeline's default)")
	fs.IntVar(&o.maxItems, "max-items", 200, "stories published")
	fs.StringVar(&o.dir, "dir", os.TempDir(), "directory for the temporary stores")
	fs.BoolVar(&o.keep, "keep", false, "keep each case's store in --dir (for restarts and profiles without a new first poll)")
	fs.StringVar(&o.jsonOut, "json", "", "write the results as JSON to this file")
	fs.StringVar(&o.cpuOut, "cpuprofile", "", "CPU profile of each case's measured process")
	fs.BoolVar(&o.baselines, "baselines", true, "compare with the baselines")
	fs.IntVar(&o.baselineFeeds, "baseline-feeds", 100, "feeds of the generated set for the baselines")
	fs.IntVar(&o.reps, "reps", 3, "runs per baseline measurement")
	fs.StringVar(&o.corpus, "corpus", filepath.Join("..", "shared", "corpus"), "directory of the labelled corpora")
	fs.Uint64Var(&o.seed, "seed", 1, "generator seed")
	fs.StringVar(&o.memoryLimit, "memory-limit", "", "GOMEMLIMIT of the measured process, such as 640MiB")
	fs.IntVar(&o.peers, "peers", 80, "feeds of the peer comparison (0: skip)")
	fs.IntVar(&o.peerRuns, "peer-runs", 3, "runs of each tool in the peer comparison")
	fs.IntVar(&o.peerMaxItems, "peer-max-items", 200, "stories the aggregator publishes in the peer comparison (0: all)")
	aggs := fs.String("aggregator", "", "aggregator binaries for the peer comparison (default: built from ./cmd/aggregator)")
	scaling := fs.String("scaling", "5000,20000,50000", "window sizes at which the dedupe cost per item is measured (empty: skip)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, f := range strings.Split(*feeds, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		c, err := parseCase(f, o.items)
		if err != nil {
			return nil, err
		}
		o.feeds = append(o.feeds, c)
	}
	for _, f := range strings.Split(*scaling, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--scaling: bad size %q", f)
		}
		o.scaling = append(o.scaling, n)
	}
	for _, a := range strings.Split(*aggs, ",") {
		if a = strings.TrimSpace(a); a != "" {
			o.aggregators = append(o.aggregators, a)
		}
	}
	if o.peers < 0 || o.peerRuns <= 0 {
		return nil, errors.New("--peers must not be negative, --peer-runs must be positive")
	}
	if o.items <= 0 || o.bytes <= 0 || o.dup < 0 || o.dup > 1 || o.concurrency <= 0 || o.reps <= 0 {
		return nil, errors.New("--items, --bytes, --concurrency and --reps must be positive, --dup within [0, 1]")
	}
	return o, nil
}

// benchCase is one feed count and items per feed.
type benchCase struct{ feeds, items int }

// parseCase reads "N" (items from --items) or "NxM".
func parseCase(s string, items int) (benchCase, error) {
	n, m, ok := strings.Cut(s, "x")
	c := benchCase{items: items}
	var err error
	if c.feeds, err = strconv.Atoi(n); err != nil || c.feeds <= 0 {
		return c, fmt.Errorf("--feeds: bad case %q", s)
	}
	if ok {
		if c.items, err = strconv.Atoi(m); err != nil || c.items <= 0 {
			return c, fmt.Errorf("--feeds: bad case %q", s)
		}
	}
	return c, nil
}

// Results is everything one run measured, as written by --json.
type Results struct {
	Machine   Machine        `json:"machine"`
	Args      []string       `json:"args"`
	Cases     []CaseResult   `json:"cases"`
	Baselines []MethodResult `json:"baselines,omitempty"`
	Scaling   []ScalePoint   `json:"window_scaling,omitempty"`
	Peers     []PeerResult   `json:"peers,omitempty"`
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	res := Results{Machine: machine(), Args: args}
	fmt.Fprintf(stdout, "machine: %d × %s, %s %s, load average %s\n\n", res.Machine.CPUs, res.Machine.Model, res.Machine.Go, res.Machine.OS, res.Machine.LoadAvg)
	now := time.Now().UTC()
	if o.baselines {
		spec := wiregen.Spec{Feeds: o.baselineFeeds, Items: o.items, Bytes: o.bytes, Dup: o.dup, Seed: o.seed, Now: now}
		res.Baselines, err = runBaselines(spec, o.corpus, o.reps)
		if err != nil {
			return err
		}
		printBaselines(stdout, res.Baselines)
	}
	if len(o.scaling) > 0 {
		spec := wiregen.Spec{Items: o.items, Bytes: o.bytes, Dup: o.dup, Seed: o.seed, Now: now}
		res.Scaling = windowScaling(spec, o.scaling)
		printScalingPoints(stdout, res.Scaling)
	}
	if o.peers > 0 {
		if res.Peers, err = runPeers(o, stderr); err != nil {
			return err
		}
		printPeers(stdout, o.peers, res.Peers)
	}
	for _, bc := range o.feeds {
		c, err := runCase(o, bc, now, stderr)
		if err != nil {
			return fmt.Errorf("case %d×%d: %w", bc.feeds, bc.items, err)
		}
		res.Cases = append(res.Cases, *c)
		printCase(stdout, c)
	}
	if len(res.Cases) > 1 {
		printScaling(stdout, res.Cases)
	}
	if o.jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// runPeers runs the peer comparison on the wire-dev feeds, building the
// aggregator first unless --aggregator names the binaries. A missing
// corpus is reported and skipped.
func runPeers(o *options, stderr io.Writer) ([]PeerResult, error) {
	dir := filepath.Join(o.corpus, "wire-dev", "feeds")
	if _, err := os.Stat(dir); err != nil {
		return []PeerResult{{Tool: "all", Skipped: "no corpus: " + err.Error()}}, nil
	}
	bins := o.aggregators
	if len(bins) == 0 {
		tmp, err := os.MkdirTemp(o.dir, "aggregator-bench-bin-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		bin := filepath.Join(tmp, "aggregator")
		build := exec.Command("go", "build", "-o", bin, "github.com/wirestory/aggregator/cmd/aggregator")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build the aggregator: %w", err)
		}
		bins = []string{bin}
	}
	return comparePeers(context.Background(), dir, o.peers, o.peerRuns, o.concurrency, o.peerMaxItems, bins)
}

// runCase generates and serves n feeds and runs the measured process on
// them.
func runCase(o *options, bc benchCase, now time.Time, stderr io.Writer) (*CaseResult, error) {
	n := bc.feeds
	start := time.Now()
	fb, err := generateBodies(wiregen.Spec{Feeds: n, Items: bc.items, Bytes: o.bytes, Dup: o.dup, Seed: o.seed, Now: now})
	if err != nil {
		return nil, err
	}
	gen := time.Since(start)
	srv, err := startServer(fb)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp(o.dir, "aggregator-bench-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		fmt.Fprintf(stderr, "aggregator-bench: %d feeds: store kept in %s\n", n, dir)
	} else {
		defer os.RemoveAll(dir)
	}
	spec := childSpec{Server: srv.url, Feeds: n, Items: bc.items, Concurrency: o.concurrency, Dir: dir,
		Window: o.window, MaxItems: o.maxItems, Chunk: o.chunk, ChunkItems: o.chunkItems, MemoryLimit: o.memoryLimit}
	if o.cpuOut != "" {
		ext := filepath.Ext(o.cpuOut)
		spec.CPUProfile = fmt.Sprintf("%s-%dx%d%s", strings.TrimSuffix(o.cpuOut, ext), n, bc.items, ext)
	}
	c, err := runMeasured(spec, stderr)
	if err != nil {
		return nil, err
	}
	// The restart in a process of its own, as a daemon restarts: the
	// memory the cycles left behind is not counted.
	spec.Restart = true
	if spec.CPUProfile != "" {
		ext := filepath.Ext(spec.CPUProfile)
		spec.CPUProfile = strings.TrimSuffix(spec.CPUProfile, ext) + "-restart" + ext
	}
	r, err := runMeasured(spec, stderr)
	if err != nil {
		return nil, err
	}
	c.Phases, c.StoreMB = append(c.Phases, r.Phases...), r.StoreMB
	c.GenS = gen.Seconds()
	c.FeedMB, c.GzipMB = float64(fb.rawBytes)/(1<<20), float64(fb.gzBytes)/(1<<20)
	return c, nil
}

// runMeasured runs this binary as the measured child process.
func runMeasured(spec childSpec, stderr io.Writer) (*CaseResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	in, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.Command(exe, "-child")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &out, stderr
	if spec.MemoryLimit != "" {
		cmd.Env = append(os.Environ(), "GOMEMLIMIT="+spec.MemoryLimit)
	}
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("measured process: %w", err)
	}
	var c CaseResult
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		return nil, fmt.Errorf("measured process: bad result: %w", err)
	}
	return &c, nil
}
