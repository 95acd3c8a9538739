package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may use of the process: its streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands = map[string]command{
	"serve":   {"run the daemon: poll on the schedule and serve the merged feed", runServe},
	"fetch":   {"poll every feed once and write the merged feed", runFetch},
	"check":   {"validate the config and print what would be polled", runCheck},
	"explain": {"compare two items (URLs or files) and say why they are or are not merged", runExplain},
	"feeds":   {"print each feed's poll status", runFeeds},
	"stats":   {"print store statistics", runStats},
	"import":  {"add the feeds of an OPML file to the config", runImport},
	"export":  {"write the configured feeds as OPML", runExport},
}

// errUsage marks an error whose message is already the usage text.
var errUsage = errors.New("usage")

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return 2
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "aggregator", version())
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "aggregator: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := cmd.run(ctx, e, args[1:])
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &ee):
		fmt.Fprintf(stderr, "aggregator %s: %v\n", args[0], ee.err)
		return ee.code
	default:
		fmt.Fprintf(stderr, "aggregator %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: aggregator COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'aggregator COMMAND -h' for a command's flags. Flags may be given as -x or --x.")
}

// newFlags returns a flag set for a command that reports its own errors.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: aggregator %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into errUsage (the flag
// package has printed it).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func version() string {
	return strings.TrimSpace(buildVersion)
}

// buildVersion is set with -ldflags "-X main.buildVersion=...".
var buildVersion = "dev"
