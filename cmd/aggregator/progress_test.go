package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"

	"github.com/wirestory/aggregator/pipeline"
)

// progressConfig writes a config of two loopback feeds, "agency" (two
// stories) and "wire" (three), at the default log level, and returns its
// path and the feed server; failing makes "wire" answer 500.
func progressConfig(t *testing.T, dir string, failing bool) string {
	t.Helper()
	fs := newFeedServer(t)
	fs.set("/agency.rss", rss("Agency", stories("agency", 2)))
	fs.set("/wire.rss", rss("Wire", stories("wire", 3)))
	if failing {
		fs.fail("/wire.rss", 500)
	}
	text := feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "agency", fs.url("/agency.rss"), "wire", fs.url("/wire.rss"))
	text = strings.Replace(text, "  level: debug\n", "  level: info\n", 1)
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, text)
	return path
}

// summaryRE is the one line a fetch of the two progressConfig feeds prints.
var summaryRE = regexp.MustCompile(`^polled 2 feeds in \d+ms: 2 ok, 0 not modified, 0 failed; 5 items, 5 new, \d+ merged into existing stories\n$`)

// TestFetchWithoutTerminal: with standard error not a terminal (cron,
// journald), fetch prints exactly the summary line it always printed: no
// progress line, no escape sequences.
func TestFetchWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", progressConfig(t, dir, false))
	if code != 0 || !summaryRE.MatchString(stderr) {
		t.Fatalf("exit %d, standard error %q; want 0 and only the summary line", code, stderr)
	}
}

// TestFetchQuiet: --quiet prints nothing when all went well, and only the
// failures when a feed failed.
func TestFetchQuiet(t *testing.T) {
	dir := t.TempDir()
	if code, stderr := runBin(t, dir, io.Discard, "fetch", "--quiet", "--config", progressConfig(t, dir, false)); code != 0 || stderr != "" {
		t.Errorf("all well: exit %d, standard error %q; want 0 and nothing", code, stderr)
	}
	dir = t.TempDir()
	code, stderr := runBin(t, dir, io.Discard, "fetch", "--quiet", "--config", progressConfig(t, dir, true))
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != 0 || len(lines) != 1 || !strings.HasPrefix(lines[0], "wire ") || !strings.Contains(lines[0], "failed") || !strings.Contains(lines[0], "500") {
		t.Errorf("one feed failing: exit %d, standard error %q; want 0 and one line naming wire's failure", code, stderr)
	}
	if code, stderr := runBin(t, dir, io.Discard, "fetch", "--quiet", "--verbose", "--config", progressConfig(t, dir, false)); code != 2 || !strings.Contains(stderr, "exclude each other") {
		t.Errorf("--quiet --verbose: exit %d, %q; want 2 and why", code, stderr)
	}
}

// TestFetchVerbose: --verbose prints a line per feed as it finishes (name,
// status, items, new, duration, error), then the summary.
func TestFetchVerbose(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runBin(t, dir, io.Discard, "fetch", "--verbose", "--config", progressConfig(t, dir, true))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("standard error %q: want a line per feed and the summary", stderr)
	}
	feedLines := map[string]*regexp.Regexp{
		"agency": regexp.MustCompile(`^agency +ok +2 items +2 new +\d+(\.\d+)?m?s$`),
		"wire":   regexp.MustCompile(`^wire +failed +0 items +0 new +\d+(\.\d+)?m?s  .*500`),
	}
	for _, l := range lines[:2] {
		name, _, _ := strings.Cut(l, " ")
		if re := feedLines[name]; re == nil || !re.MatchString(l) {
			t.Errorf("feed line %q does not match %v", l, re)
		}
		delete(feedLines, name)
	}
	if !strings.HasPrefix(lines[2], "polled 2 feeds in ") || !strings.Contains(lines[2], "1 ok, 0 not modified, 1 failed; 2 items, 2 new") {
		t.Errorf("summary %q", lines[2])
	}
}

// TestFetchProgressOnTerminal runs fetch with standard error on a pseudo
// terminal: a progress line is drawn in place (\r, erased to the end of the
// line) with the feeds done, items, failures and elapsed time, erased at
// the end, and the summary follows on a clean line.
func TestFetchProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	cfg := progressConfig(t, dir, false)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), "fetch", "--config", cfg)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, append(cleanEnv(), "TERM=xterm"), io.Discard, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close() // the child has its copy: reads end (EIO) once it exits
	var out bytes.Buffer
	read := make(chan error, 1)
	go func() { _, err := io.Copy(&out, ptmx); read <- err }()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if err := <-read; err != nil && !errors.Is(err, syscall.EIO) && !errors.Is(err, os.ErrClosed) {
		t.Fatalf("read the terminal: %v", err)
	}
	text := strings.ReplaceAll(out.String(), "\r\n", "\n") // the terminal's newline translation
	last := strings.LastIndex(text, "\r[")
	if last < 0 {
		t.Fatalf("no progress line drawn: %q", text)
	}
	drawn, rest, _ := strings.Cut(text[last+1:], "\x1b[K")
	if !regexp.MustCompile(`^\[=+\] 2/2 feeds, 5 items, 5 new, 0 failed, 0:\d\d$`).MatchString(drawn) {
		t.Errorf("last progress line %q", drawn)
	}
	if !strings.HasPrefix(rest, "\r\x1b[K") || !summaryRE.MatchString(strings.TrimPrefix(rest, "\r\x1b[K")) {
		t.Errorf("after the progress line %q; want it erased, then the summary alone", rest)
	}
}

// TestProgressRedrawRate: feeds finishing in a burst redraw the line at
// most once per redrawEvery (the last one always), and the line never
// exceeds the terminal's width.
func TestProgressRedrawRate(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, normal, true, 40)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	p.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	p.start = now // begin without the ticker
	for range 50 {
		mu.Lock()
		now = now.Add(10 * time.Millisecond)
		mu.Unlock()
		p.feed(pipeline.FeedReport{Name: "f", Status: pipeline.StatusOK, Items: 1}, 50)
	}
	draws := strings.Split(buf.String(), "\r")[1:]
	// 500 ms of feeds: the first draw, one per 100 ms after it, the last.
	if len(draws) < 5 || len(draws) > 7 {
		t.Errorf("%d draws for 50 feeds in 500ms: %q", len(draws), draws)
	}
	for _, d := range draws {
		if n := utf8.RuneCountInString(strings.TrimSuffix(d, "\x1b[K")); n > 39 {
			t.Errorf("line of %d runes on a 40-column terminal: %q", n, d)
		}
	}
	if !strings.HasPrefix(draws[len(draws)-1], "50/50 feeds, 50 items") { // no room for the bar
		t.Errorf("last draw %q does not show 50/50", draws[len(draws)-1])
	}
}
