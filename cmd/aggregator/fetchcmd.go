package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store"
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
	if err := parseFlags(fs, args); err != nil {
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
	rep, err := a.pipe.Poll(ctx, pipeline.PollOptions{Force: *force})
	if err != nil {
		return err
	}
	printReport(e.stderr, rep)
	stories, err := a.pipe.Stories(ctx, store.Query{Limit: a.cfg.Output.MaxItems})
	if err != nil {
		return err
	}
	opts := outputOptions(a.cfg, 0, nil)
	if err := writeOutput(e.stdout, *out, *format, stories, opts); err != nil {
		return err
	}
	if len(a.cfg.Output.Files) > 0 {
		if err := output.WriteFiles(a.cfg.Output.Files, stories, opts); err != nil {
			return err
		}
	}
	polled := len(rep.Feeds) - rep.Count(pipeline.StatusSkipped)
	if polled > 0 && rep.Count(pipeline.StatusFailed) == polled {
		return errors.New("no feed could be fetched")
	}
	if polled == 0 {
		return nothingDue(ctx, e.stderr, a.store.FeedStates, rep)
	}
	return nil
}

func validFormat(f string) bool {
	for _, g := range output.Formats {
		if f == g {
			return true
		}
	}
	return false
}

// writeOutput renders the stories to path (atomically) or to w.
func writeOutput(w io.Writer, path, format string, stories []news.Story, opts output.Options) error {
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		return output.WriteFiles(map[string]string{format: abs}, stories, opts)
	}
	data, err := output.Render(format, stories, opts)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// printReport writes one line per polled feed and a summary.
func printReport(w io.Writer, rep *pipeline.Report) {
	var items, fresh, merged int
	for _, f := range rep.Feeds {
		items += f.Items
		fresh += f.New
		merged += f.Merged
		switch f.Status {
		case pipeline.StatusFailed:
			fmt.Fprintf(w, "%-20s failed: %v\n", f.Name, f.Err)
		case pipeline.StatusSkipped:
			fmt.Fprintf(w, "%-20s skipped (not due; --force polls it now)\n", f.Name)
		}
	}
	fmt.Fprintf(w, "polled %d feeds in %s: %d ok, %d not modified, %d failed; %d items, %d new, %d merged into existing stories\n",
		len(rep.Feeds)-rep.Count(pipeline.StatusSkipped), rep.Duration.Round(1e6), rep.Count(pipeline.StatusOK),
		rep.Count(pipeline.StatusNotModified), rep.Count(pipeline.StatusFailed), items, fresh, merged)
}
