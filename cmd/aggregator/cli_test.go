package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command in-process and returns its exit status and
// output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const checkConfig = `schedule: "*/5 * * * *"
store: /tmp/never-opened.db
output:
  link: https://news.example/
feeds:
  - name: agency
    url: https://agency.example/rss
  - name: local
    url: https://local.example/feed.xml
`

// TestCheckErrors: each invalid config fails `aggregator check` with exit
// status 2 and a message naming the file, line and key.
func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name, old, new string
		line           int
		key, msg       string
	}{
		{"unknown key", "output:\n", "colour: red\noutput:\n", 3, "colour", "unknown key"},
		{"bad cron", `"*/5 * * * *"`, `"every tuesday"`, 1, "schedule", "invalid cron expression"},
		{"bad feed cron", "    url: https://local.example/feed.xml\n", "    url: https://local.example/feed.xml\n    schedule: \"61 * * * *\"\n", 10, "feeds[1].schedule", "invalid cron expression"},
		{"duplicate feed name", "name: local", "name: agency", 8, "feeds[1].name", `duplicate feed name "agency"`},
		{"missing url", "    url: https://local.example/feed.xml\n", "", 8, "feeds[1].url", "missing feed URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(checkConfig, tt.old, tt.new, 1)
			if text == checkConfig {
				t.Fatal("the edit changed nothing")
			}
			path := filepath.Join(t.TempDir(), "config.yaml")
			writeFile(t, path, text)
			code, stdout, stderr := runCmd(t, "check", "--config", path)
			if code != 2 {
				t.Errorf("exit status %d, want 2; stdout %q", code, stdout)
			}
			want := fmt.Sprintf("aggregator check: %s:%d: %s: %s", path, tt.line, tt.key, tt.msg)
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, want)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		writeFile(t, path, checkConfig)
		code, stdout, stderr := runCmd(t, "check", "--config", path)
		if code != 0 || !strings.Contains(stdout, "agency") || !strings.Contains(stdout, ": ok") {
			t.Errorf("check of a valid config: status %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
}

// TestFetchPartialFailure: one failing feed does not stop the others'
// items from being written, and the exit status is 0.
func TestFetchPartialFailure(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 2)))
	fs.set("/b.rss", rss("Beta", stories("beta", 2)))
	fs.fail("/c.rss", http.StatusInternalServerError)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "@every 1h",
		"alpha", fs.url("/a.rss"), "gamma", fs.url("/c.rss"), "beta", fs.url("/b.rss")))
	code, stdout, stderr := runCmd(t, "fetch", "--config", cfg, "--format", "atom")
	if code != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, title := range []string{"alpha story 0", "alpha story 1", "beta story 0", "beta story 1"} {
		if !strings.Contains(stdout, title) {
			t.Errorf("output lacks %q", title)
		}
	}
	if !strings.Contains(stderr, "gamma") || !strings.Contains(stderr, "failed") {
		t.Errorf("the failing feed is not reported:\n%s", stderr)
	}
}

// TestFetchAllFail: when no feed can be fetched the exit status is 1.
func TestFetchAllFail(t *testing.T) {
	fs := newFeedServer(t)
	fs.fail("/a.rss", http.StatusInternalServerError)
	fs.fail("/b.rss", http.StatusBadGateway)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "alpha", fs.url("/a.rss"), "beta", fs.url("/b.rss")))
	code, _, stderr := runCmd(t, "fetch", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, "no feed could be fetched") {
		t.Errorf("exit status %d, want 1 with 'no feed could be fetched'; stderr:\n%s", code, stderr)
	}
}

// TestFetchRepeatable: two consecutive runs on unchanged feeds (the second
// gets 304s) write byte-identical output in every format.
func TestFetchRepeatable(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 3)))
	fs.set("/b.rss", rss("Beta", stories("beta", 2)))
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "alpha", fs.url("/a.rss"), "beta", fs.url("/b.rss")))
	for _, format := range []string{"rss", "atom", "json"} {
		t.Run(format, func(t *testing.T) {
			code, first, stderr := runCmd(t, "fetch", "--config", cfg, "--format", format)
			if code != 0 {
				t.Fatalf("first run: exit status %d; stderr:\n%s", code, stderr)
			}
			code, second, stderr := runCmd(t, "fetch", "--config", cfg, "--format", format)
			if code != 0 {
				t.Fatalf("second run: exit status %d; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(first, "beta story 1") {
				t.Errorf("output lacks an item:\n%s", first)
			}
			if first != second {
				t.Errorf("the two runs differ:\n--- first\n%s\n--- second\n%s", first, second)
			}
		})
	}
	if fs.hits.count(equals("/a.rss 304")) == 0 {
		t.Error("the repeated runs never sent a conditional GET that got 304")
	}
}
