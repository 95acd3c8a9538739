package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wirestory/aggregator/demo"
)

// demoEnv is the test's environment with HOME, XDG_CACHE_HOME and TMPDIR
// replaced (an empty value leaves the variable out).
func demoEnv(home, cache, tmp string) []string {
	var env []string
	for _, kv := range cleanEnv() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "XDG_CACHE_HOME", "TMPDIR":
			continue
		}
		env = append(env, kv)
	}
	for k, v := range map[string]string{"HOME": home, "XDG_CACHE_HOME": cache, "TMPDIR": tmp} {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// TestDemoStorePerUser: --demo keeps its store in the user's cache
// directory, private to the user, not in a $TMPDIR/aggregator-demo that
// every user shares; with no cache directory it uses a directory of its
// own run and removes it (issue 19 #9). The demo still merges its 45
// items into its 15 stories.
func TestDemoStorePerUser(t *testing.T) {
	dir := t.TempDir()
	cache, tmp := filepath.Join(dir, "cache"), filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code, stderr := runBinEnv(t, dir, demoEnv(dir, cache, tmp), &out, "fetch", "--demo")
	if code != 0 {
		t.Fatalf("fetch --demo: exit %d: %s", code, stderr)
	}
	if n := strings.Count(out.String(), "<item>"); n != len(demo.StoryKeys()) || n != 15 {
		t.Errorf("the demo feed has %d stories, want 15", n)
	}
	store := filepath.Join(cache, "aggregator", "demo")
	if fi, err := os.Stat(filepath.Join(store, "aggregator.db")); err != nil || fi.Size() == 0 {
		t.Errorf("no demo store in the user's cache directory: %v", err)
	}
	if m, err := smode(store); err != nil || m.Perm() != 0o700 {
		t.Errorf("the demo store's directory: %v %v, want mode 0700", m, err)
	}
	assertEmpty(t, tmp)

	// No $HOME, no $XDG_CACHE_HOME: a directory of the run, removed.
	code, stderr = runBinEnv(t, dir, demoEnv("", "", tmp), io.Discard, "fetch", "--demo")
	if code != 0 {
		t.Fatalf("fetch --demo without a home: exit %d: %s", code, stderr)
	}
	assertEmpty(t, tmp)
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %v (%v), want nothing", dir, names, err)
	}
}

// TestExplainDemo: explain takes --demo like serve and fetch, and finds
// the items a demo fetch stored (18 #5).
func TestExplainDemo(t *testing.T) {
	dir := t.TempDir()
	env := demoEnv(dir, filepath.Join(dir, "cache"), dir)
	if code, stderr := runBinEnv(t, dir, env, io.Discard, "fetch", "--demo"); code != 0 {
		t.Fatalf("fetch --demo: exit %d: %s", code, stderr)
	}
	var links []string
	for link, key := range demo.Expected() {
		if key == "quay-closure" {
			links = append(links, link)
		}
	}
	if len(links) < 2 {
		t.Fatalf("the demo has %d items of quay-closure", len(links))
	}
	var out bytes.Buffer
	code, stderr := runBinEnv(t, dir, env, &out, "explain", "--demo", links[0], links[1])
	if code != 0 || !strings.Contains(out.String(), "decision: same story") {
		t.Errorf("explain --demo %s %s: exit %d:\n%s%s", links[0], links[1], code, out.String(), stderr)
	}
}

// TestFeedsStatsDemo: feeds and stats take --demo like serve, fetch and
// explain (18 #5) and read the store of the user's last demo run; before
// any demo run they say so instead of making an empty store.
func TestFeedsStatsDemo(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	env := demoEnv(dir, cache, dir)
	for _, cmd := range []string{"feeds", "stats"} {
		code, stderr := runBinEnv(t, dir, env, io.Discard, cmd, "--demo")
		if code != 1 || !strings.Contains(stderr, "fetch --demo") {
			t.Errorf("%s --demo before a demo run: exit %d, %q; want 1 and a hint to run fetch --demo", cmd, code, stderr)
		}
	}
	store := filepath.Join(cache, "aggregator", "demo", "aggregator.db")
	if _, err := os.Stat(store); err == nil {
		t.Error("feeds or stats --demo made a demo store")
	}
	if code, stderr := runBinEnv(t, dir, env, io.Discard, "fetch", "--demo"); code != 0 {
		t.Fatalf("fetch --demo: exit %d: %s", code, stderr)
	}
	var feeds bytes.Buffer
	if code, stderr := runBinEnv(t, dir, env, &feeds, "feeds", "--demo"); code != 0 {
		t.Fatalf("feeds --demo: exit %d: %s", code, stderr)
	}
	var stats bytes.Buffer
	if code, stderr := runBinEnv(t, dir, env, &stats, "stats", "--demo"); code != 0 {
		t.Fatalf("stats --demo: exit %d: %s", code, stderr)
	}
	for _, f := range demo.Feeds() {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(f.Name) + `\s+ok\s`).MatchString(feeds.String()) {
			t.Errorf("feeds --demo does not show %s as ok:\n%s", f.Name, feeds.String())
		}
	}
	if !regexp.MustCompile(`(?m)^items\s+45$`).MatchString(stats.String()) ||
		!strings.Contains(stats.String(), store) {
		t.Errorf("stats --demo does not describe the demo store of 45 items:\n%s", stats.String())
	}
}
