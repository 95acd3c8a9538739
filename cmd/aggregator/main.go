// Command aggregator polls news feeds, merges the copies of one wire story
// that many outlets republish into one story, and re-publishes the merged
// feed as RSS, Atom and JSON Feed.
//
// Usage:
//
//	aggregator serve   --config FILE | --demo       run the daemon
//	aggregator fetch   --config FILE | --demo       poll once and print the merged feed
//	aggregator check   --config FILE                validate the config
//	aggregator explain --config FILE | --demo A B   why two items were (not) merged
//	aggregator feeds   --config FILE                per-feed poll status
//	aggregator stats   --config FILE                store statistics
//	aggregator migrate --config FILE                create or upgrade the schema (PostgreSQL)
//	aggregator import  --config FILE list.opml      add feeds from an OPML file
//	aggregator export  --config FILE                write the feeds as OPML
//	aggregator help    [COMMAND] | --man            usage, or the manual page
//	aggregator version                              version and VCS revision
//	aggregator completion bash|zsh                  a shell completion script
//
// The manual page docs/aggregator.8 is generated from the same help text:
//
//go:generate sh -c "go run . help --man > ../../docs/aggregator.8"
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
