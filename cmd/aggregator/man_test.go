package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestManPageUpToDate: docs/aggregator.8 is what `aggregator help --man`
// prints, so the committed manual page follows the help text; groff finds
// nothing to warn about in it when installed.
func TestManPageUpToDate(t *testing.T) {
	var out bytes.Buffer
	if code, stderr := runBin(t, t.TempDir(), &out, "help", "--man"); code != 0 {
		t.Fatalf("help --man: exit %d: %s", code, stderr)
	}
	path := filepath.Join("..", "..", "docs", "aggregator.8")
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), committed) {
		t.Errorf("%s is not what help --man prints: run go generate ./cmd/aggregator", path)
	}
	for _, name := range commandNames() {
		if !strings.Contains(out.String(), `.SS "aggregator `+name) {
			t.Errorf("the manual page lacks the command %s", name)
		}
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	cmd := exec.Command(groff, "-man", "-ww", "-z", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("groff -man -ww: %v\n%s", err, stderr.String())
	}
}

// TestCompletionBash: the bash script parses (bash -n) and, sourced,
// completes commands, a command's flags, a flag's values and a command's
// arguments (18 #5).
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if code, stderr := runBin(t, dir, &out, "completion", "bash"); code != 0 {
		t.Fatalf("completion bash: exit %d: %s", code, stderr)
	}
	script := filepath.Join(dir, "aggregator.bash")
	writeFile(t, script, out.String())
	if b, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, b)
	}
	tests := []struct {
		words string // the command line; the last word is completed
		want  string
	}{
		{"aggregator fe", "feeds fetch"},
		{"aggregator fetch --fo", "--force --format"},
		{"aggregator fetch --format ", "rss atom json"},
		{"aggregator serve --log-level w", "warn"},
		{"aggregator explain --de", "--demo"},
		{"aggregator help ex", "explain export"},
		{"aggregator completion ", "bash zsh"},
		{"aggregator import --config conf", "config.yaml"},
	}
	writeFile(t, filepath.Join(dir, "config.yaml"), "")
	for _, tt := range tests {
		words := strings.Split(tt.words, " ")
		prog := "source " + script + "\nCOMP_WORDS=(" + strings.Join(quoteAll(words), " ") + ")\n" +
			"COMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_aggregator\necho \"${COMPREPLY[*]}\"\n"
		cmd := exec.Command(bash, "--norc", "--noprofile")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(prog)
		b, err := cmd.CombinedOutput()
		if got := strings.TrimSpace(string(b)); err != nil || got != tt.want {
			t.Errorf("%q completes to %q (%v), want %q", tt.words, got, err, tt.want)
		}
	}
}

// TestCompletionZsh: the zsh script names every command and flag, and
// parses (zsh -n) where zsh is installed.
func TestCompletionZsh(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if code, stderr := runBin(t, dir, &out, "completion", "zsh"); code != 0 {
		t.Fatalf("completion zsh: exit %d: %s", code, stderr)
	}
	text := out.String()
	for _, want := range []string{"#compdef aggregator", "'fetch:poll every feed once", "'--format=[output format\\: rss, atom or json]:string:(rss atom json)'", "'--demo[run on the demo feeds"} {
		if !strings.Contains(text, want) {
			t.Errorf("the zsh script lacks %q", want)
		}
	}
	if code, _ := runBin(t, dir, io.Discard, "completion", "fish"); code != 2 {
		t.Errorf("completion fish: exit %d, want 2", code)
	}
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh is not installed")
	}
	script := filepath.Join(dir, "_aggregator")
	writeFile(t, script, text)
	if b, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Errorf("zsh -n: %v\n%s", err, b)
	}
}
