package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagChoices are the values a flag takes, for completion; other flags
// with a value complete file names.
var flagChoices = []struct {
	name   string
	values []string
}{
	{"format", []string{"rss", "atom", "json"}},
	{"log-level", []string{"debug", "info", "warn", "error"}},
}

// choicesOf returns the values of the flag name, nil when any file.
func choicesOf(name string) []string {
	for _, c := range flagChoices {
		if c.name == name {
			return c.values
		}
	}
	return nil
}

// argChoices are the arguments a command takes, for completion; other
// commands' arguments complete file names.
func argChoices(name string) []string {
	switch name {
	case "help":
		return commandNames()
	case "completion":
		return []string{"bash", "zsh"}
	}
	return nil
}

// runCompletion prints the completion script of a shell.
func runCompletion(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "completion", "bash|zsh")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "bash" && fs.Arg(0) != "zsh") {
		fs.Usage()
		return errUsage
	}
	specs := make(map[string]*flag.FlagSet)
	for _, n := range commandNames() {
		if n == "completion" {
			specs[n] = fs
			continue
		}
		cfs, _, err := describeCommand(n)
		if err != nil {
			return err
		}
		specs[n] = cfs
	}
	if fs.Arg(0) == "bash" {
		return writeBash(e.stdout, specs)
	}
	return writeZsh(e.stdout, specs)
}

// writeBash writes a bash completion function for every command's flags
// and arguments.
func writeBash(w io.Writer, specs map[string]*flag.FlagSet) error {
	var b strings.Builder
	b.WriteString(`# bash completion for aggregator, from "aggregator completion bash".
# Load it with: source <(aggregator completion bash)
_aggregator() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "` + strings.Join(commandNames(), " ") + `" -- "$cur"))
		return
	fi
	case $prev in
`)
	for _, c := range flagChoices {
		fmt.Fprintf(&b, "\t-%s|--%s) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n", c.name, c.name, strings.Join(c.values, " "))
	}
	b.WriteString("\tesac\n\tlocal flags='' valued='' args=''\n\tcase ${COMP_WORDS[1]} in\n")
	for _, n := range commandNames() {
		var flags, valued []string
		specs[n].VisitAll(func(f *flag.Flag) {
			flags = append(flags, "--"+f.Name)
			if !isBool(f) {
				valued = append(valued, "-"+f.Name, "--"+f.Name)
			}
		})
		fmt.Fprintf(&b, "\t%s) flags='%s' valued='%s' args='%s' ;;\n", n, strings.Join(flags, " "),
			" "+strings.Join(valued, " ")+" ", strings.Join(argChoices(n), " "))
	}
	b.WriteString(`	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
	elif [[ -n $args && $valued != *" $prev "* ]]; then
		COMPREPLY=($(compgen -W "$args" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -o filenames -F _aggregator aggregator
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeZsh writes a zsh completion function (#compdef) for every
// command's flags and arguments.
func writeZsh(w io.Writer, specs map[string]*flag.FlagSet) error {
	var b strings.Builder
	b.WriteString(`#compdef aggregator
# zsh completion for aggregator, from "aggregator completion zsh".
# Install it with: aggregator completion zsh > "${fpath[1]}/_aggregator"
_aggregator() {
	local -a commands
	commands=(
`)
	for _, n := range commandNames() {
		fmt.Fprintf(&b, "\t\t%s\n", zshQuote(n+":"+commands[n].summary))
	}
	b.WriteString("\t)\n\tif (( CURRENT == 2 )); then\n\t\t_describe -t commands 'aggregator command' commands\n\t\treturn\n\tfi\n")
	b.WriteString("\tshift words\n\t(( CURRENT-- ))\n\tcase $words[1] in\n")
	for _, n := range commandNames() {
		fmt.Fprintf(&b, "\t%s)\n\t\t_arguments -s", n)
		specs[n].VisitAll(func(f *flag.Flag) {
			value, usage := flag.UnquoteUsage(f)
			spec := "--" + f.Name
			if !isBool(f) {
				action := "_files"
				if c := choicesOf(f.Name); c != nil {
					action = "(" + strings.Join(c, " ") + ")"
				}
				spec += "=[" + zshEscape(usage) + "]:" + zshEscape(value) + ":" + action
			} else {
				spec += "[" + zshEscape(usage) + "]"
			}
			fmt.Fprintf(&b, " \\\n\t\t\t%s", zshQuote(spec))
		})
		arg := "'*:file:_files'"
		if c := argChoices(n); c != nil {
			arg = zshQuote("1:argument:(" + strings.Join(c, " ") + ")")
		}
		fmt.Fprintf(&b, " \\\n\t\t\t%s\n\t\t;;\n", arg)
	}
	b.WriteString("\tesac\n}\n_aggregator \"$@\"\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// zshEscape escapes what _arguments reads specially in a description.
func zshEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}

// zshQuote quotes s in single quotes for zsh.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
