package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// openStoreOnly parses the flags of a command that reads the config and
// the store but polls nothing, and opens both; the caller closes the store.
func openStoreOnly(ctx context.Context, e *env, name string, args []string) (*config.Config, storage, error) {
	fs := newFlags(e, name, "")
	var cf configFlags
	registerStoreFlags(fs, &cf)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, err
	}
	cfg, err := storeConfig(ctx, e, &cf)
	if err != nil {
		return nil, nil, err
	}
	db, _, err := openStorage(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, db, nil
}

// registerStoreFlags registers the config flags of a command that reads
// the store and polls nothing; its --demo reads the demo's store.
func registerStoreFlags(fs *flag.FlagSet, cf *configFlags) {
	cf.register(fs, true)
	fs.Lookup("demo").Usage = "read the store of the last demo run (fetch --demo or serve --demo) instead of the config's"
}

// storeConfig returns the config of a command that reads the store and
// polls nothing: with --demo the demo's, on the store of the user's last
// demo run (demoStoreConfig), else the file's.
func storeConfig(ctx context.Context, e *env, cf *configFlags) (*config.Config, error) {
	if !cf.demo {
		cfg, _, err := loadConfig(ctx, e, cf)
		return cfg, err
	}
	cfg, err := demoStoreConfig()
	if err != nil {
		return nil, err
	}
	cf.apply(cfg)
	return cfg, nil
}

// runFeeds prints each configured feed's poll status. Errors are shown
// whole, on one line, with the secrets of their URLs redacted; INTERVAL is
// the poll interval learned from what the feed delivers; NEXT POLL is when
// the daemon polls the feed next (see nextPoll).
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
	now := time.Now()
	scheds := feedSchedules(cfg)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tSTATUS\tLAST ATTEMPT\tLAST SUCCESS\tHTTP\tFAILURES\tINTERVAL\tNEXT POLL\tLAST ERROR")
	for _, st := range orderStates(cfg, states) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", st.Name, feedStatus(st), when(st.LastAttempt),
			when(st.LastSuccess), httpStatus(st.LastStatus), st.Failures, interval(st.Interval),
			when(nextPoll(st, scheds[st.Name], now)), oneLine(news.RedactText(st.LastError, cfg.Fetch.SecretParams...)))
	}
	return tw.Flush()
}

// feedSchedules returns the schedule of each feed that has one of its
// own; nil for the others (and for one that does not parse).
func feedSchedules(cfg *config.Config) map[string]cron.Schedule {
	out := make(map[string]cron.Schedule, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		if f.Schedule != "" {
			out[f.Name], _ = config.CronParser.Parse(f.Schedule)
		}
	}
	return out
}

// nextPoll is when the daemon polls the feed next: the earliest time the
// feed may be polled (State.NextPoll: its learned interval, its server's
// hints, its backoff), or now when that has passed, for a feed polled when
// due; for a feed with a schedule of its own, the first tick of it at or
// after that time. Zero for a gone feed.
func nextPoll(st news.FeedState, sched cron.Schedule, now time.Time) time.Time {
	if st.Gone {
		return time.Time{}
	}
	from := now
	if st.NextPoll.After(from) {
		from = st.NextPoll
	}
	if sched == nil {
		return from
	}
	return sched.Next(from.Add(-time.Nanosecond))
}

// interval formats a learned interval to the minute (to the second under
// a minute, whole under a second), "-" when none was learned yet.
func interval(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Second:
		return d.String()
	case d < time.Minute:
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
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

// oneLine returns s whole with its white space (line breaks included)
// folded to single spaces, or "-" when empty.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return s
}

// runStats prints what the store holds. With --store and no config file
// (none given, and none at the default path) it reads the store alone and
// lists every feed the store knows.
func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "")
	var cf configFlags
	registerStoreFlags(fs, &cf)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var names []string
	alone := !cf.demo && storeOnly(fs, &cf)
	if alone && !config.IsPostgres(cf.store) {
		// Only a path typed on the command line: a typo would otherwise
		// make a new, empty store there and report it.
		if _, err := os.Stat(cf.store); err != nil {
			return fmt.Errorf("no store at %s: %w", cf.store, err)
		}
	}
	if !alone {
		cfg, err := storeConfig(ctx, e, &cf)
		if err != nil {
			return err
		}
		cf.store = cfg.Store
		for _, f := range cfg.Feeds {
			names = append(names, f.Name)
		}
	}
	db, _, err := openStorage(ctx, &config.Config{Store: cf.store})
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	if names == nil {
		names = slices.Sorted(maps.Keys(s.PerFeed))
	}
	fmt.Fprintf(e.stdout, "store      %s (%.1f MiB)\nitems      %d\nstories    %d\nmerged     %d duplicates\n\n",
		storeName(cf.store), float64(s.Bytes)/(1<<20), s.Items, s.Stories, s.Merged)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tITEMS")
	for _, name := range names {
		fmt.Fprintf(tw, "%s\t%d\n", name, s.PerFeed[name])
	}
	return tw.Flush()
}

// storeOnly reports whether a command may run on the store alone: --store
// was given and --config was not, and no file is at the default path.
func storeOnly(fs *flag.FlagSet, cf *configFlags) bool {
	if cf.store == "" {
		return false
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "config" })
	if given {
		return false
	}
	_, err := os.Stat(cf.path)
	return errors.Is(err, iofs.ErrNotExist)
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

// runImport adds the feeds of an OPML file to the config file. Only
// http(s) URLs with a host are taken; feeds whose URL is configured
// already are left out; names are made unique. Each feed skipped is
// listed with the reason. The new config is validated before it replaces
// the old one.
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
	added, skipped, err := config.AddFeeds(*path, discoverFeeds(ctx, e.stdout, *discover, *path, toConfigFeeds(feeds)))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %d of %d feeds to %s\n", len(added), len(feeds), *path)
	for _, a := range added {
		fmt.Fprintf(e.stdout, "  %s  %s\n", a.Name, news.RedactURL(a.URL))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(e.stdout, "skipped %d:\n", len(skipped))
	}
	for _, sk := range skipped {
		fmt.Fprintf(e.stdout, "  %q  %q: %s\n", oneLine(sk.Feed.Name), news.RedactURL(sk.Feed.URL), sk.Reason)
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
