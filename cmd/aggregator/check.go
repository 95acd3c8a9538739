package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/news"
)

// configOnly parses the flags of a command that only reads the config and
// loads it; it returns the config and the path it came from.
func configOnly(ctx context.Context, e *env, name string, args []string, more ...func(*flag.FlagSet)) (*config.Config, string, error) {
	fs := newFlags(e, name, "")
	var cf configFlags
	cf.register(fs, false)
	for _, f := range more {
		f(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, "", err
	}
	cfg, _, err := loadConfig(ctx, e, &cf)
	return cfg, cf.path, err
}

// runCheck validates the config and prints what would be polled, URLs
// redacted (news.RedactURL with fetch.secret_params).
func runCheck(ctx context.Context, e *env, args []string) error {
	var discover *bool
	cfg, path, err := configOnly(ctx, e, "check", args, func(fs *flag.FlagSet) { discover = discoverFlag(fs) })
	if err != nil {
		return err
	}
	secret := cfg.Fetch.SecretParams
	fmt.Fprintf(e.stdout, "%s: ok\nschedule %q, store %s, dedupe window %s, output on %s (%s)\n%s\n\n",
		path, cfg.Schedule, storeName(cfg.Store), cfg.Dedupe.Window, cfg.Output.Listen, news.RedactURL(cfg.Output.Link, secret...),
		fetchPolicy(cfg.Fetch))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tURL\tSCHEDULE\tTAGS")
	for _, f := range cfg.Feeds {
		sched := f.Schedule
		if sched == "" {
			sched = "(global)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", f.Name, news.RedactURL(f.URL, secret...), sched, f.Tags)
	}
	if err := tw.Flush(); err != nil || !*discover {
		return err
	}
	return checkDiscover(ctx, e.stdout, cfg, path)
}

// fetchPolicy says in words what fetch.block_private and
// fetch.allow_files make of internal addresses and local files.
func fetchPolicy(f config.Fetch) string {
	private := "internal addresses: only where a feed's URL names one (redirects and names resolving to one refused)"
	switch {
	case f.BlockPrivate:
		private = "internal addresses: refused (block_private: true)"
	case f.AllowPrivate:
		private = "internal addresses: allowed (block_private: false)"
	}
	files := "local file feeds: refused"
	if f.AllowFiles {
		files = "local file feeds: allowed (allow_files: true)"
	}
	return private + "; " + files
}
