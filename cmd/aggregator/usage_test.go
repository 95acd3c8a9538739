package main

import (
	"bytes"
	"debug/buildinfo"
	"io"
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpExitsZero: -h, --help and help print the usage on standard
// output with exit status 0; no arguments is a usage error (issue 19 #7).
func TestHelpExitsZero(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		var out bytes.Buffer
		code, stderr := runBin(t, dir, &out, args...)
		if code != 0 || !strings.Contains(out.String(), "usage: aggregator COMMAND") || !strings.Contains(out.String(), "fetch") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), stderr)
		}
	}
	if code, stderr := runBin(t, dir, io.Discard); code != 2 || !strings.Contains(stderr, "usage:") {
		t.Errorf("no arguments: exit %d, stderr %q", code, stderr)
	}
}

// TestHelpCommand: `help CMD` prints that command's usage, description
// and flags, exit status 0, for every command; an unknown one is exit 2.
func TestHelpCommand(t *testing.T) {
	dir := t.TempDir()
	for _, name := range commandNames() {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			code, stderr := runBin(t, dir, &out, "help", name)
			text := out.String()
			if code != 0 || !strings.HasPrefix(text, "usage: aggregator "+name) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, text, stderr)
			}
			if strings.Contains(text, "commands:") {
				t.Errorf("help %s printed the general usage:\n%s", name, text)
			}
			firstWords := strings.Join(strings.Fields(commands[name].doc)[:4], " ")
			if !strings.Contains(strings.Join(strings.Fields(text), " "), firstWords) {
				t.Errorf("help %s lacks its description %q:\n%s", name, firstWords, text)
			}
		})
	}
	var out bytes.Buffer
	if code, _ := runBin(t, dir, &out, "help", "fetch"); code != 0 || !strings.Contains(out.String(), "-force") || !strings.Contains(out.String(), "-output") {
		t.Errorf("help fetch lacks fetch's flags:\n%s", out.String())
	}
	if code, stderr := runBin(t, dir, io.Discard, "help", "nosuch"); code != 2 || !strings.Contains(stderr, `unknown command "nosuch"`) {
		t.Errorf("help nosuch: exit %d, stderr %q", code, stderr)
	}
}

// TestFlagAfterArgument: a flag written after a positional argument is an
// error that shows the command line in the right order, not bare usage.
func TestFlagAfterArgument(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"explain", "a.html", "b.html", "--config", "my config.yaml"},
			"flags go before arguments: aggregator explain --config 'my config.yaml' a.html b.html"},
		{[]string{"explain", "--demo", "a", "-log-json", "b", "--store=x.db"},
			"flags go before arguments: aggregator explain --log-json --store=x.db a b"},
		{[]string{"import", "list.opml", "-config", "c.yaml"},
			"flags go before arguments: aggregator import --config c.yaml list.opml"},
	}
	for _, tt := range tests {
		code, stderr := runBin(t, t.TempDir(), io.Discard, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.want)
		}
	}
	// After --, a word that looks like a flag is an argument.
	code, _, stderr := runCmd(t, "explain", "--config", "/nonexistent/c.yaml", "--", "--store", "b")
	if strings.Contains(stderr, "flags go before") || code != 2 {
		t.Errorf("after --: exit %d, stderr %q", code, stderr)
	}
}

// TestStrayArgument: a command that takes no arguments refuses one, naming
// it, instead of running without it (or hinting at a command line that
// would run without it).
func TestStrayArgument(t *testing.T) {
	dir := t.TempDir()
	cfg := loopbackConfig(t, dir, "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"stats", "--config", cfg, "extra"}, `aggregator stats: takes no arguments, got "extra"`},
		{[]string{"check", "--config", cfg, "a", "b c"}, `aggregator check: takes no arguments, got "a" "b c"`},
		{[]string{"fetch", "now", "--config", cfg}, `aggregator fetch: takes no arguments, got "now"; flags go before arguments: aggregator fetch --config ` + cfg},
		{[]string{"feeds", "--config", cfg, "--", "--demo"}, `aggregator feeds: takes no arguments, got "--demo"`},
		{[]string{"version", "x"}, `aggregator version: takes no arguments, got "x"`},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		code, stderr := runBin(t, dir, &out, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || out.Len() > 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout and %q", tt.args, code, out.String(), stderr, tt.want)
		}
	}
}

// TestVersion: `version` prints the module version and the VCS revision,
// time and modified flag from the binary's build info, not "dev"; an
// -ldflags version wins (18 #5).
func TestVersion(t *testing.T) {
	bin := binary(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code, stderr := runBin(t, t.TempDir(), &out, "version"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, want := strings.TrimSpace(out.String()), versionLine(info); got != want || !strings.Contains(got, info.GoVersion) {
		t.Errorf("version printed %q, want %q from the binary's build info", got, want)
	}
	stamped := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "5a89b40a53b32d683480f1e9a43635d4f708858f"},
		{Key: "vcs.time", Value: "2026-12-03T13:43:24Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tt := range []struct {
		ldflags string
		info    *debug.BuildInfo
		want    string
	}{
		{"", stamped, "aggregator v1.4.0 (revision 5a89b40a53b32d683480f1e9a43635d4f708858f, 2026-12-03T13:43:24Z, modified) go1.99"},
		{"v2.0.0-rc1", stamped, "aggregator v2.0.0-rc1 (revision 5a89b40a53b32d683480f1e9a43635d4f708858f, 2026-12-03T13:43:24Z, modified) go1.99"},
		{"", &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "(devel)"}}, "aggregator devel go1.99"},
	} {
		old := buildVersion
		buildVersion = tt.ldflags
		got := versionLine(tt.info)
		buildVersion = old
		if got != tt.want {
			t.Errorf("versionLine = %q, want %q", got, tt.want)
		}
	}
}
