package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// runHelp prints the usage of aggregator, of one command, or the manual
// page.
func runHelp(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "help", "[COMMAND]")
	man := fs.Bool("man", false, "print the manual page aggregator(8) as roff")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *man:
		return writeMan(e.stdout)
	case fs.NArg() == 0:
		usage(e.stdout)
		return nil
	case fs.NArg() > 1:
		fs.Usage()
		return errUsage
	}
	name := fs.Arg(0)
	if _, ok := commands[name]; !ok {
		return &exitError{code: 2, err: fmt.Errorf("unknown command %q; the commands are %s", name, strings.Join(commandNames(), ", "))}
	}
	return commandUsage(e.stdout, name)
}

// describeCommand returns the flag set of the command name, with its
// flags defined, and the synopsis of its arguments: the command is run
// with -h and an env whose describe hook catches them, so nothing else of
// it runs.
func describeCommand(name string) (*flag.FlagSet, string, error) {
	var (
		got  *flag.FlagSet
		args string
	)
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		describe: func(fs *flag.FlagSet, a string) { got, args = fs, a }}
	err := commands[name].run(context.Background(), e, []string{"-h"})
	if got == nil || !errors.Is(err, flag.ErrHelp) {
		return nil, "", fmt.Errorf("describe command %s: it did not parse -h (%v)", name, err)
	}
	return got, args, nil
}

// commandUsage prints a command's synopsis, description and flags.
func commandUsage(w io.Writer, name string) error {
	fs, args, err := describeCommand(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "usage: %s\n\n", synopsis(fs, args))
	for _, line := range wrap(commands[name].doc, 76) {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, "\nflags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	return nil
}

// wrap breaks text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
