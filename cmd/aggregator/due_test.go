package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestFetchNothingDue: when every feed is backing off after failures,
// fetch says so and exits 1 instead of 0 with "polled 0 feeds"; when the
// feeds wait because their servers asked, it says so and exits 0
// (issue 19 #7).
func TestFetchNothingDue(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "failing on purpose", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Cache-Control", "max-age=3600")
		fmt.Fprint(w, string(rss("Alpha", stories("alpha", 1))))
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "alpha", srv.URL+"/a.rss", "beta", srv.URL+"/b.rss"))
	if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg); code != 1 || !strings.Contains(stderr, "no feed could be fetched") {
		t.Fatalf("first run: exit %d, want 1: %s", code, stderr)
	}
	code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, "no feed was due: 2 in backoff until ") || !strings.Contains(stderr, "--force polls them now") {
		t.Errorf("every feed in backoff: exit %d, want 1 saying so: %s", code, stderr)
	}
	failing.Store(false)
	if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	code, stderr = runBin(t, dir, io.Discard, "fetch", "--config", cfg)
	if code != 0 || !strings.Contains(stderr, "no feed was due: 2 waiting until ") {
		t.Errorf("every feed waiting as asked: exit %d, want 0 saying so: %s", code, stderr)
	}
}
