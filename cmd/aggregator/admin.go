package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// openStoreOnly parses the flags of a command that reads the config and
// the store but polls nothing, and opens both; the caller closes the store.
func openStoreOnly(ctx context.Context, e *env, name string, args []string) (*config.Config, *store.DB, error) {
	cfg, _, err := configOnly(ctx, e, name, args)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, cfg.Store)
	if err != nil {
		return nil, nil, err
	}
	return cfg, db, nil
}

// runFeeds prints each configured feed's poll status.
func runFeeds(ctx context.Context, e *env, args []string) error {
	cfg, db, err := openStoreOnly(ctx, e, "feeds", args)
	if err != nil {
		return err
	}
	defer db.Close()
	states, err := db.FeedStates(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tSTATUS\tLAST ATTEMPT\tLAST SUCCESS\tHTTP\tFAILURES\tNEXT POLL\tLAST ERROR")
	for _, st := range orderStates(cfg, states) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", st.Name, feedStatus(st), when(st.LastAttempt),
			when(st.LastSuccess), httpStatus(st.LastStatus), st.Failures, when(st.NextPoll), oneLine(st.LastError, 80))
	}
	return tw.Flush()
}

func feedStatus(st news.FeedState) string {
	switch {
	case st.Gone:
		return "gone"
	case st.LastAttempt.IsZero():
		return "new"
	case st.Failures > 0:
		return "failing"
	}
	return "ok"
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func httpStatus(code int) string {
	if code == 0 {
		return "-"
	}
	return fmt.Sprint(code)
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	if len(s) > max {
		s = s[:max-1] + "…"
	}
	return s
}

// runStats prints what the store holds.
func runStats(ctx context.Context, e *env, args []string) error {
	cfg, db, err := openStoreOnly(ctx, e, "stats", args)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "store      %s (%.1f MiB)\nitems      %d\nstories    %d\nmerged     %d duplicates\n\n",
		cfg.Store, float64(s.Bytes)/(1<<20), s.Items, s.Stories, s.Merged)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tITEMS")
	for _, f := range cfg.Feeds {
		fmt.Fprintf(tw, "%s\t%d\n", f.Name, s.PerFeed[f.Name])
	}
	return tw.Flush()
}

// runExport writes the configured feeds as OPML.
func runExport(ctx context.Context, e *env, args []string) error {
	cfg, _, err := configOnly(ctx, e, "export", args)
	if err != nil {
		return err
	}
	feeds := make([]fetch.OPMLFeed, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		feeds[i] = fetch.OPMLFeed{Name: f.Name, URL: f.URL, Tags: f.Tags}
	}
	return fetch.WriteOPML(e.stdout, cfg.Output.Title, feeds)
}

// runImport adds the feeds of an OPML file to the config file. Feeds whose
// URL is configured already are left out; names are made unique. The new
// config is validated before it replaces the old one.
func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import", "list.opml")
	path := fs.String("config", "config.yaml", "configuration `file` to add the feeds to")
	discover := discoverFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	feeds, err := fetch.ParseOPML(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", fs.Arg(0), err)
	}
	added, err := config.AddFeeds(*path, discoverFeeds(ctx, e.stdout, *discover, *path, toConfigFeeds(feeds)))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %d of %d feeds to %s\n", len(added), len(feeds), *path)
	for _, a := range added {
		fmt.Fprintf(e.stdout, "  %s  %s\n", a.Name, a.URL)
	}
	return nil
}

func toConfigFeeds(feeds []fetch.OPMLFeed) []config.Feed {
	out := make([]config.Feed, len(feeds))
	for i, f := range feeds {
		out[i] = config.Feed{Name: f.Name, URL: f.URL, Tags: f.Tags}
	}
	return out
}
