package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// command is one subcommand: a one-line summary for the command list, a
// paragraph for `aggregator help NAME` and the manual page, and its run
// function, which parses its flags first.
type command struct {
	summary string
	doc     string
	run     func(ctx context.Context, e *env, args []string) error
}

// env is what a command may use of the process: its streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// describe, when set, receives the command's flag set and argument
	// synopsis instead of printing its usage (see describeCommand).
	describe func(fs *flag.FlagSet, args string)
}

var commands = map[string]command{
	"serve": {"run the daemon: poll on the schedule and serve the merged feed",
		"Polls every feed at start and then each feed when it is due: when the interval learned from what it delivers has passed (between fetch.min_interval and fetch.max_interval; the daemon wakes for it between the ticks of the schedule, which poll the feeds due then), or at the ticks of the feed's own schedule. It dedupes and stores what arrives, and serves the merged feed over HTTP: / (the page), /feed.rss, /feed.atom, /feed.json, /tags/NAME.rss (.atom, .json), /stories/ID (every copy and version of a story, with what each changed), /archive/YYYY-MM-DD.atom (the stories of a past UTC day, RFC 5005 archives linked from /feed.atom), /healthz, /readyz and /metrics. Under systemd it reports READY, RELOADING and STOPPING and pings the watchdog. SIGHUP re-reads the config (an invalid one is logged and ignored); SIGTERM and SIGINT stop it, letting a running poll finish for --shutdown-timeout. With a PostgreSQL store several instances share the work: each feed's poll is a job any of them runs, one of them places the items in stories, and all serve the same feeds (docs/scale-out.md).",
		runServe},
	"fetch": {"poll every feed once and write the merged feed",
		"Polls every due feed once (a feed whose learned interval has not passed, whose server asked us to wait, or that is backing off after failures, is skipped unless --force), dedupes and stores what arrived, and writes the merged feed to standard output or --output. A regular output file is replaced atomically; a symbolic link's target is replaced and the link kept; a device, FIFO or /dev/stdout is written into. A feed URL that gives an HTML page linking its feed (<link rel=\"alternate\">) is followed to that feed, and the new URL logged: update the config. On a terminal it shows its progress on standard error in one line; otherwise it prints one summary line. --quiet prints only errors; --verbose a line per feed as it finishes. The exit status is 1 when no feed could be fetched, or when no feed was due because every feed is failing or gone.",
		runFetch},
	"check": {"validate the config and print what would be polled",
		"Validates the config and prints what would be polled. An invalid config is an error naming the file, line and key, with exit status 2. With --discover it also fetches each feed once, storing nothing, and says whether it parses; for a URL that gives an HTML page it prints the feed the page links (<link rel=\"alternate\">) and the config edit.",
		runCheck},
	"explain": {"compare two items (URLs or files) and say why they are or are not merged",
		"Compares two items as dedupe does and prints the similarity figures, the merge decision with its reason and the start of the text each is compared on. An argument is the link of an item in the store, or a file: a feed (its first item is used) or an HTML or text article.",
		runExplain},
	"feeds": {"print each feed's poll status",
		"Prints each configured feed's poll status from the store: last attempt and success, HTTP status, consecutive failures, the poll interval learned from what the feed delivers, next poll and last error.",
		runFeeds},
	"stats": {"print store statistics",
		"Prints what the store holds: items, stories, duplicates merged, items per feed and the size of the database.",
		runStats},
	"migrate": {"create or upgrade the store's schema (PostgreSQL)",
		"Brings the store's schema to this binary's version and prints what it applied. A PostgreSQL store (store: postgres://...) must be migrated before serve, fetch or the other commands use it, and again after an upgrade of the binary; instances migrating at once take turns. A SQLite store migrates itself whenever it is opened.",
		runMigrate},
	"import": {"add the feeds of an OPML file to the config",
		"Adds the feeds of an OPML file (a feed reader's export) to the config file, keeping its comments. Feeds whose URL is configured already are left out; names are made unique. The new config is validated before it replaces the old one; when the config is a symbolic link, the file it names is edited. With --discover each feed is fetched once first, and a URL that gives an HTML page is replaced by the feed the page links.",
		runImport},
	"export": {"write the configured feeds as OPML",
		"Writes the configured feeds as OPML to standard output, for a feed reader to import.",
		runExport},
}

// The commands that read the command table are added here, which a
// composite literal referring to them could not do.
func init() {
	commands["help"] = command{"print the usage of aggregator or of one command",
		"Prints the usage of aggregator, or of one command with its flags. With --man it prints this manual page as roff.",
		runHelp}
	commands["version"] = command{"print the version and the revision it was built from",
		"Prints the module version, the VCS revision and time the binary was built from (with \"modified\" when the tree had changes) and the Go version.",
		runVersion}
	commands["completion"] = command{"print a bash or zsh completion script",
		"Prints a completion script of the commands and their flags for bash or zsh; for example source <(aggregator completion bash) in ~/.bashrc, or aggregator completion zsh > \"${fpath[1]}/_aggregator\".",
		runCompletion}
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
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "aggregator: unknown command %q\n\n", name)
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
		fmt.Fprintf(stderr, "aggregator %s: %v\n", name, ee.err)
		return ee.code
	default:
		fmt.Fprintf(stderr, "aggregator %s: %v\n", name, err)
		return 1
	}
}

// commandNames returns the commands in alphabetical order.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: aggregator COMMAND [flags] [arguments]\n\ncommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'aggregator help COMMAND' for a command's flags. Flags may be given as -x or --x, before the arguments.")
}

// newFlags returns a flag set for a command that reports its own errors;
// args is the synopsis of its arguments after the flags.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if args == "" {
		noArgs.Store(fs, true)
	}
	fs.Usage = func() {
		if e.describe != nil {
			e.describe(fs, args)
			return
		}
		fmt.Fprintf(fs.Output(), "usage: %s\n", synopsis(fs, args))
		fs.PrintDefaults()
	}
	return fs
}

// synopsis is the usage line of the command of fs, without "usage: ".
func synopsis(fs *flag.FlagSet, args string) string {
	line := "aggregator " + fs.Name()
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		line += " [flags]"
	}
	return strings.TrimSpace(line + " " + args)
}

// noArgs holds the flag sets (of newFlags) of the commands that take no
// arguments.
var noArgs sync.Map

// parseFlags parses args, turning a flag error into errUsage (the flag
// package has printed it). A flag of the command written after an
// argument, where the flag package stops looking for flags, is an error
// with a hint showing the command line in the right order. An argument
// given to a command that takes none is an error naming it (the command
// would run as if it had not been written).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	rest := fs.Args()
	var flags, plain []string
	if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
		plain = rest // everything after -- is an argument
	} else {
		flags, plain = reorder(fs, rest)
	}
	var msg []string
	if _, none := noArgs.LoadAndDelete(fs); none && len(plain) > 0 {
		msg = append(msg, "takes no arguments, got "+strings.Join(quoteArgs(plain), " "))
		plain = nil
	}
	if len(flags) > 0 {
		msg = append(msg, "flags go before arguments: "+strings.Join(append([]string{"aggregator", fs.Name()}, quoteAll(append(flags, plain...))...), " "))
	}
	if len(msg) > 0 {
		fmt.Fprintf(fs.Output(), "aggregator %s: %s\n", fs.Name(), strings.Join(msg, "; "))
		return errUsage
	}
	return nil
}

// quoteArgs quotes each word as Go does (%q), to show exactly what was
// given.
func quoteArgs(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = fmt.Sprintf("%q", w)
	}
	return out
}

// reorder splits rest (what followed the first argument) into the flags
// of fs it holds, in the order given, and the other words.
func reorder(fs *flag.FlagSet, rest []string) (flags, plain []string) {
	for i := 0; i < len(rest); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(rest[i], "-"), "=")
		f := fs.Lookup(name)
		if !strings.HasPrefix(rest[i], "-") || (f == nil && name != "h" && name != "help") {
			plain = append(plain, rest[i])
			continue
		}
		flags = append(flags, "--"+name)
		switch {
		case hasValue:
			flags[len(flags)-1] += "=" + value
		case f != nil && !isBool(f) && i+1 < len(rest):
			i++
			flags = append(flags, rest[i])
		}
	}
	return flags, plain
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// quoteAll quotes for a POSIX shell the words that need it.
func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			w = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		out[i] = w
	}
	return out
}
