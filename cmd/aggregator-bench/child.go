package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store"
)

// childSpec is what the parent asks one measured process to do.
type childSpec struct {
	Server      string        `json:"server"`
	Feeds       int           `json:"feeds"`
	Items       int           `json:"items"`
	Concurrency int           `json:"concurrency"`
	Dir         string        `json:"dir"`
	CPUProfile  string        `json:"cpuprofile"`
	Window      time.Duration `json:"window"`
	MaxItems    int           `json:"max_items"`
	Chunk       int           `json:"chunk"`
	ChunkItems  int           `json:"chunk_items"`
	// Restart runs only the restart, in a fresh process over the store
	// the cycles left: open it and rebuild the window, then a steady-304
	// cycle, as a restarted daemon does.
	Restart bool `json:"restart"`
	// MemoryLimit is the process's GOMEMLIMIT (set by the parent).
	MemoryLimit string `json:"memory_limit,omitempty"`
}

// Phase is one measured poll cycle (or the restart) of a case.
type Phase struct {
	Name    string `json:"name"`
	Poll    Span   `json:"poll"`    // pipeline.Poll: fetch, parse, dedupe, store
	Publish Span   `json:"publish"` // Stories + output.Server.Update (3 formats + page)
	// Feeds by outcome, items fetched (parsed), new and merged items.
	OK          int `json:"ok"`
	NotModified int `json:"not_modified"`
	Failed      int `json:"failed"`
	Items       int `json:"items"`
	New         int `json:"new"`
	Merged      int `json:"merged"`
	Stories     int `json:"stories_published"`
}

// Wall is the phase's wall time, poll plus publish.
func (p Phase) Wall() float64 { return p.Poll.Wall + p.Publish.Wall }

// CPU is the phase's CPU time, poll plus publish.
func (p Phase) CPU() float64 { return p.Poll.CPU() + p.Publish.CPU() }

// Peak is the phase's peak RSS.
func (p Phase) Peak() float64 { return max(p.Poll.PeakMB, p.Publish.PeakMB) }

// CaseResult is what one measured process reports.
type CaseResult struct {
	Feeds   int     `json:"feeds"`
	Items   int     `json:"items_per_feed"`
	Phases  []Phase `json:"phases"`
	StoreMB float64 `json:"store_mb"`
	GenS    float64 `json:"generate_s"` // parent: generating and gzipping the feeds
	FeedMB  float64 `json:"feed_mb"`    // parent: XML served on a full poll, before gzip
	GzipMB  float64 `json:"gzip_mb"`    // parent: the same, gzipped, as sent
}

// runChild is the measured process: it reads a childSpec from stdin, runs
// the phases against the parent's server and writes a CaseResult to stdout.
func runChild(stdin io.Reader, stdout, stderr io.Writer) error {
	var spec childSpec
	if err := json.NewDecoder(stdin).Decode(&spec); err != nil {
		return fmt.Errorf("child: read spec: %w", err)
	}
	if spec.CPUProfile != "" {
		f, err := os.Create(spec.CPUProfile)
		if err != nil {
			return fmt.Errorf("child: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("child: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	res, err := phases(context.Background(), spec, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// bench is the real aggregator under test.
type bench struct {
	spec childSpec
	log  *slog.Logger
	path string
	db   *store.DB
	pipe *pipeline.Pipeline
	out  *output.Server
	set  *pipeline.Settings
	opts output.Options
}

func phases(ctx context.Context, spec childSpec, log *slog.Logger) (*CaseResult, error) {
	b := &bench{spec: spec, log: log, path: filepath.Join(spec.Dir, "bench.db")}
	// Every feed is on the one loopback host: per-host politeness is
	// lifted so that it does not serialise the whole poll (see the
	// package doc).
	f := fetch.NewClient(fetch.Options{Concurrency: spec.Concurrency, PerHost: spec.Concurrency, HostDelay: -1})
	b.set = &pipeline.Settings{Window: spec.Window, ChunkFeeds: spec.Chunk, ChunkItems: spec.ChunkItems, InFlight: spec.Concurrency, Fetcher: f}
	for i := range spec.Feeds {
		b.set.Feeds = append(b.set.Feeds, news.Feed{Name: fmt.Sprintf("feed-%05d", i), URL: fmt.Sprintf("%s/f/%d.xml", spec.Server, i)})
	}
	b.opts = output.Options{Title: "Benchmark", Link: "http://127.0.0.1:8080/", MaxItems: spec.MaxItems}
	b.out = output.NewServer(b.opts)
	defer b.out.Close()
	res := &CaseResult{Feeds: spec.Feeds, Items: spec.Items}
	if spec.Restart {
		return res, b.restart(ctx, res)
	}
	if err := b.open(ctx); err != nil {
		return nil, err
	}
	defer func() { b.db.Close() }()
	for _, c := range []struct {
		name       string
		validators bool
	}{{"first", true}, {"steady-304", true}, {"steady-200", false}} {
		if err := setValidators(ctx, spec.Server, c.validators); err != nil {
			return nil, err
		}
		ph, err := b.cycle(ctx, c.name)
		if err != nil {
			return nil, err
		}
		res.Phases = append(res.Phases, ph)
	}
	return res, setValidators(ctx, spec.Server, true)
}

// restart opens the store and rebuilds the window in this fresh process
// (measured as the phase "restart"), then polls once more with the
// server answering 304 ("restarted-304": the memory of a daemon holding
// the window).
func (b *bench) restart(ctx context.Context, res *CaseResult) error {
	restart := Phase{Name: "restart"}
	var err error
	restart.Poll, err = measure(func() error { return b.open(ctx) })
	if err != nil {
		return err
	}
	defer func() { b.db.Close() }()
	res.Phases = append(res.Phases, restart)
	ph, err := b.cycle(ctx, "restarted-304")
	if err != nil {
		return err
	}
	res.Phases = append(res.Phases, ph)
	res.StoreMB = float64(fileSize(b.path)+fileSize(b.path+"-wal")) / (1 << 20)
	return nil
}

// open opens the store and builds the pipeline, rebuilding its window
// (Place with an empty inbox builds it, as the first poll would).
func (b *bench) open(ctx context.Context) error {
	db, err := store.Open(ctx, b.path)
	if err != nil {
		return err
	}
	b.db = db
	b.pipe = pipeline.New(db, b.log)
	return b.pipe.Place(ctx, b.set, nil)
}

// cycle is one poll cycle as the daemon runs it: poll every feed, then
// publish the newest stories.
func (b *bench) cycle(ctx context.Context, name string) (Phase, error) {
	ph := Phase{Name: name}
	var rep *pipeline.Report
	var err error
	// The label lets the profile be read per phase:
	// go tool pprof -tagfocus phase=steady-304 ...
	ph.Poll, err = measure(func() error {
		pprof.Do(ctx, pprof.Labels("phase", name), func(ctx context.Context) {
			rep, err = b.pipe.Poll(ctx, b.set, pipeline.PollOptions{Force: true})
		})
		return err
	})
	if err != nil {
		return ph, fmt.Errorf("%s: poll: %w", name, err)
	}
	for _, f := range rep.Feeds {
		switch f.Status {
		case pipeline.StatusOK:
			ph.OK++
		case pipeline.StatusNotModified:
			ph.NotModified++
		case pipeline.StatusFailed:
			if ph.Failed == 0 {
				b.log.Warn("feed failed", "phase", name, "feed", f.Name, "err", f.Err)
			}
			ph.Failed++
		}
		ph.Items += f.Items
		ph.New += f.New
		ph.Merged += f.Merged
	}
	ph.Publish, err = measure(func() error {
		in, docs, err := b.pipe.Publish(ctx, b.set, b.opts)
		if err != nil {
			return err
		}
		ph.Stories = len(in.Stories)
		b.out.Update(docs)
		return nil
	})
	if err != nil {
		return ph, fmt.Errorf("%s: publish: %w", name, err)
	}
	return ph, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
