package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// discoverFlag registers --discover, which check and import take.
func discoverFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("discover", false, "fetch each feed once, storing nothing, and use the feed an HTML page links with <link rel=\"alternate\"> (network)")
}

// probe fetches each feed once with a client of opts, storing nothing, and
// returns the results in the order of feeds. The client's limits pace the
// requests.
func probe(ctx context.Context, opts fetch.Options, feeds []config.Feed) []fetch.Result {
	c := fetch.NewClient(opts)
	out := make([]fetch.Result, len(feeds))
	var wg sync.WaitGroup
	for i, f := range feeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = c.Fetch(ctx, news.FeedState{Name: f.Name, URL: f.URL, ConfigURL: f.URL}, time.Now())
		}()
	}
	wg.Wait()
	return out
}

// checkDiscover probes the feeds of cfg (from path) and prints, for each,
// whether it parses, or the feed its page links with the config edit.
func checkDiscover(ctx context.Context, w io.Writer, cfg *config.Config, path string) error {
	fmt.Fprintf(w, "\nfetched each feed once (nothing stored):\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, res := range probe(ctx, fetchOptions(cfg), cfg.Feeds) {
		f := cfg.Feeds[i]
		switch {
		case res.Discovered:
			fmt.Fprintf(tw, "%s\t%s is an HTML page; its feed is %s (%d items): set feeds[%d].url to it in %s\n",
				f.Name, f.URL, res.State.URL, len(res.Items), i, path)
		case res.Err != nil:
			fmt.Fprintf(tw, "%s\tfailed: %v\n", f.Name, res.Err)
		default:
			fmt.Fprintf(tw, "%s\tok, %d items\n", f.Name, len(res.Items))
		}
	}
	return tw.Flush()
}

// discoverFeeds returns feeds with the URL of each HTML page that links a
// feed replaced by that feed's, saying so on w; when on is false, or a
// feed cannot be fetched, its URL stays as given.
func discoverFeeds(ctx context.Context, w io.Writer, on bool, path string, feeds []config.Feed) []config.Feed {
	if !on {
		return feeds
	}
	var opts fetch.Options
	if cfg, err := config.LoadFile(path); err == nil {
		opts = fetchOptions(cfg)
	}
	out := append([]config.Feed(nil), feeds...)
	for i, res := range probe(ctx, opts, feeds) {
		switch {
		case res.Discovered:
			fmt.Fprintf(w, "%s: %s is an HTML page; importing the feed it links, %s\n", feeds[i].Name, feeds[i].URL, res.State.URL)
			out[i].URL = res.State.URL
		case res.Err != nil:
			fmt.Fprintf(w, "%s: could not check %s (importing it as given): %v\n", feeds[i].Name, feeds[i].URL, res.Err)
		}
	}
	return out
}
