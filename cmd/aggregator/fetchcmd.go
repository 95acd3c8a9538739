package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"

	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
)

// runFetch polls every feed once, ingests, dedupes and writes the merged
// feed. It fails only when the config is bad, the store fails, or no feed
// could be fetched at all.
func runFetch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fetch", "")
	var cf configFlags
	cf.register(fs, true)
	format := fs.String("format", "rss", "output format: rss, atom or json")
	out := fs.String("output", "", "write the merged feed to this `file` (default or -: standard output)")
	force := fs.Bool("force", false, "poll every feed now, even one whose server asked us to wait")
	memprofile := fs.String("memprofile", "", "write a heap profile to this `file` at the end (go tool pprof -sample_index=alloc_space)")
	v, err := verbosityFlags(fs, args, &cf)
	if err != nil {
		return err
	}
	if !validFormat(*format) {
		return &exitError{code: 2, err: fmt.Errorf("unknown format %q: want rss, atom or json", *format)}
	}
	if *out == "-" {
		*out = "" // standard output
	}
	a, err := openApp(ctx, e, &cf)
	if err != nil {
		return err
	}
	defer a.close()
	info := e.stderr // what is not an error
	if v == quiet {
		info = io.Discard
	}
	unlock, err := lockPolls(ctx, info, a)
	if err != nil {
		return err
	}
	settings := settingsOf(a.cfg, a.fetcherFor(a.cfg))
	onTerm, width := terminal(e.stderr)
	prog := newProgress(e.stderr, v, onTerm, width)
	prog.begin()
	rep, err := a.pipe.Poll(ctx, settings, pipeline.PollOptions{Force: *force, Progress: prog.feed})
	prog.finish()
	unlock()
	if err != nil {
		return err
	}
	printReport(e.stderr, rep, v)
	// Only the formats written: not the tag feeds, the page or the others.
	formats := []string{*format}
	for f := range a.cfg.Output.Files {
		if !slices.Contains(formats, f) {
			formats = append(formats, f)
		}
	}
	docs, err := a.pipe.PublishFeed(ctx, settings, outputOptions(a.cfg, 0, nil), formats...)
	if err != nil {
		return err
	}
	if err := writeOutput(e.stdout, *out, *format, docs); err != nil {
		return err
	}
	if *memprofile != "" {
		if err := writeHeapProfile(*memprofile); err != nil {
			return err
		}
	}
	if len(a.cfg.Output.Files) > 0 {
		if err := output.WriteFiles(a.cfg.Output.Files, docs); err != nil {
			return err
		}
	}
	if rep.StoreFailed {
		return errors.New("the store refused some of what was fetched: those feeds are fetched again at the next run")
	}
	polled := len(rep.Feeds) - rep.Count(pipeline.StatusSkipped)
	if polled > 0 && rep.Count(pipeline.StatusFailed) == polled {
		return errors.New("no feed could be fetched")
	}
	if polled == 0 {
		return nothingDue(ctx, info, a.store.FeedStates, rep)
	}
	return nil
}

// writeHeapProfile writes the heap profile (pprof) to path: what was
// allocated during the run, and what is still in use after a collection.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--memprofile: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("--memprofile: %w", err)
	}
	return f.Close()
}

// lockPolls takes the store's poll lock, saying so when it waits for
// another process (a daemon or another fetch) to finish its poll.
func lockPolls(ctx context.Context, w io.Writer, a *app) (unlock func(), err error) {
	unlock, err = a.store.TryLockPolls(ctx)
	if errors.Is(err, errBusy) {
		fmt.Fprintf(w, "another process is polling %s: waiting for it to finish\n", storeName(a.cfg.Store))
		unlock, err = a.store.LockPolls(ctx)
	}
	return unlock, err
}

func validFormat(f string) bool {
	for _, g := range output.Formats {
		if f == g {
			return true
		}
	}
	return false
}

// writeOutput writes the main feed of docs in format to path (atomically)
// or to w.
func writeOutput(w io.Writer, path, format string, docs output.Docs) error {
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		return output.WriteFiles(map[string]string{format: abs}, docs)
	}
	_, err := w.Write(docs["/feed."+format].Body)
	return err
}

// verbosityFlags registers --quiet and --verbose on fs, parses args and
// returns the verbosity asked for. --quiet also lowers the log to errors,
// unless --log-level says otherwise.
func verbosityFlags(fs *flag.FlagSet, args []string, cf *configFlags) (verbosity, error) {
	q := fs.Bool("quiet", false, "print nothing but errors (for cron)")
	vb := fs.Bool("verbose", false, "print a line per feed as it finishes: name, status, items, new, duration, error")
	if err := parseFlags(fs, args); err != nil {
		return normal, err
	}
	switch {
	case *q && *vb:
		fmt.Fprintln(fs.Output(), "aggregator fetch: --quiet and --verbose exclude each other")
		return normal, errUsage
	case *q:
		if cf.logLevel == "" {
			cf.logLevel = "error"
		}
		return quiet, nil
	case *vb:
		return verbose, nil
	}
	return normal, nil
}
