package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNoFalseRecordWarning: after a first fetch of a feed whose items span
// more than the dedupe window, the next fetch and explain log no warning
// about unreadable or corrupt records (issue 19 #2: every run after the
// first warned "dedupe window rebuilt without items whose records are
// unreadable" about the items older than the window, which had been
// stored with empty records).
func TestNoFalseRecordWarning(t *testing.T) {
	dir := t.TempDir()
	fs := newFeedServer(t)
	now := time.Now()
	feed := func(ss []story) []byte {
		return rssAt("Agency", ss, func(i int) time.Time { return now.Add(-time.Duration(i) * 10 * time.Hour) })
	}
	// Twelve items, ten hours apart: most are older than the 48-hour window.
	all := stories("agency", 13)
	fs.set("/agency.rss", feed(all[1:]))
	text := feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "agency", fs.url("/agency.rss"))
	text = strings.Replace(text, "output:\n", "dedupe:\n  window: 48h\noutput:\n", 1)
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, text)

	run := func(args ...string) string {
		t.Helper()
		code, stderr := runBin(t, dir, io.Discard, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return stderr
	}
	run("fetch", "--config", cfg)
	fs.set("/agency.rss", feed(all)) // one new item
	logs := map[string]string{
		"second fetch": run("fetch", "--config", cfg),
		"explain":      run("explain", "--config", cfg, "https://agency.example/agency-1", "https://agency.example/agency-2"),
	}
	for what, stderr := range logs {
		for _, line := range strings.Split(stderr, "\n") {
			if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
				t.Errorf("%s logged: %s", what, line)
			}
		}
	}
}
