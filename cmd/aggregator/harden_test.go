package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// secretsIn returns the secrets of the test URLs that s shows.
func secretsIn(s string) []string {
	var found []string
	for _, secret := range []string{"agent-bob", "hunter2", "t0k3n", "s3ss10n"} {
		if strings.Contains(s, secret) {
			found = append(found, secret)
		}
	}
	return found
}

// TestFeedsCommand: `feeds` shows an error whole (not cut at 80
// characters) with its URL's secrets redacted, also for an error stored
// before redaction existed, and NEXT POLL is the next tick of the
// schedule, not the last attempt.
func TestFeedsCommand(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/ok.rss", rss("Okay", stories("ok", 2)))
	fs.fail("/missing-feed-with-a-rather-long-path/of/several/segments.rss", 404)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "a.db")
	bad := strings.Replace(fs.url("/missing-feed-with-a-rather-long-path/of/several/segments.rss"), "http://", "http://agent-bob:hunter2@", 1) + "?token=t0k3n&session=s3ss10n"
	cfgText := feedConfig(dbPath, "0 0 1 1 *", "okay", fs.url("/ok.rss"), "broken", bad, "legacy", fs.url("/legacy.rss"))
	cfgText = strings.Replace(cfgText, "fetch:\n", "fetch:\n  secret_params: [session]\n", 1)
	// On a schedule of its own: polled at its ticks, not when due.
	cfgText = strings.Replace(cfgText, "    url: "+fs.url("/ok.rss")+"\n", "    url: "+fs.url("/ok.rss")+"\n    schedule: \"0 0 1 1 *\"\n", 1)
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, cfgText)
	if code, _, stderr := runCmd(t, "fetch", "--config", cfgPath, "--output", filepath.Join(dir, "out.rss")); code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}
	// A state written by an older version: its error holds the URL whole.
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	legacy := news.FeedState{Name: "legacy", URL: fs.url("/legacy.rss"), LastAttempt: time.Now(), Failures: 1,
		LastError: "fetch legacy: Get \"" + bad + "\": connection refused", NextPoll: time.Now().Add(time.Minute)}
	if err := db.SaveFeedState(context.Background(), legacy); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, stderr := runCmd(t, "feeds", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("feeds: exit %d: %s", code, stderr)
	}
	if s := secretsIn(out); len(s) > 0 {
		t.Errorf("feeds shows %v:\n%s", s, out)
	}
	if !strings.Contains(out, "segments.rss?token=***&session=***: status 404 Not Found") {
		t.Errorf("the error is not shown whole:\n%s", out)
	}
	next := time.Date(time.Now().Year()+1, 1, 1, 0, 0, 0, 0, time.Local).Format("2006-01-02 15:04:05")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "okay ") && !strings.Contains(line, next) {
			t.Errorf("NEXT POLL of a healthy feed on its own schedule is not the next tick (%s):\n%s", next, line)
		}
	}
}

// TestStatsStoreOnly: `stats --store X` needs no config file.
func TestStatsStoreOnly(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 3)))
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "a.db")
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, feedConfig(dbPath, "@every 1h", "alpha", fs.url("/a.rss")))
	if code, _, stderr := runCmd(t, "fetch", "--config", cfgPath, "--output", filepath.Join(dir, "out.rss")); code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}
	t.Chdir(t.TempDir()) // no config.yaml at the default path
	code, out, stderr := runCmd(t, "stats", "--store", dbPath)
	if code != 0 || !strings.Contains(out, "items      3") || !strings.Contains(out, "alpha") {
		t.Errorf("stats --store: exit %d:\n%s%s", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, "stats", "--store", dbPath, "--config", "missing.yaml"); code == 0 || !strings.Contains(stderr, "missing.yaml") {
		t.Errorf("stats with a missing --config: exit %d: %s", code, stderr)
	}
	// A store path with a typo is an error, not a new empty store.
	typo := filepath.Join(dir, "a.bd")
	if code, out, stderr := runCmd(t, "stats", "--store", typo); code != 1 || !strings.Contains(stderr, "no store at "+typo) {
		t.Errorf("stats --store of a missing file: exit %d:\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(typo); err == nil {
		t.Errorf("stats --store made %s", typo)
	}
}

// TestImportSkipsUnsafe: import takes only http(s) URLs with a host and
// names every entry it skipped, with the reason.
func TestImportSkipsUnsafe(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "agency", "https://agency.example/rss"))
	entries := []fetch.OPMLFeed{
		{Name: "Good", URL: "https://good.example/feed"},
		{Name: "Passwords", URL: "file:///etc/passwd"},
		{Name: "Relative", URL: "feeds/x.xml"},
		{Name: "Script", URL: "javascript:alert(1)"},
		{Name: "No host", URL: "http:///feed"},
		{Name: "Again", URL: "HTTPS://Agency.Example/rss"},
		{Name: "Secret", URL: "ftp://agent-bob:hunter2@x.example/f"},
	}
	opml := filepath.Join(dir, "list.opml")
	f, err := os.Create(opml)
	if err != nil {
		t.Fatal(err)
	}
	if err := fetch.WriteOPML(f, "list", entries); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, stderr := runCmd(t, "import", "--config", cfgPath, opml)
	if code != 0 || !strings.Contains(out, "added 1 of 7 feeds") {
		t.Fatalf("import: exit %d:\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		`"Passwords"  "file:///etc/passwd": not an http(s) URL`,
		`"Relative"  "feeds/x.xml": not an http(s) URL`,
		`"Script"  "javascript:alert(1)": not an http(s) URL`,
		`"No host"  "http:///feed": URL without a host`,
		`"Again"  "HTTPS://Agency.Example/rss": same URL as feed "agency"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %s:\n%s", want, out)
		}
	}
	if s := secretsIn(out); len(s) > 0 {
		t.Errorf("import shows %v:\n%s", s, out)
	}
	cfg, err := config.LoadFile(cfgPath)
	if err != nil || len(cfg.Feeds) != 2 || cfg.Feeds[1].URL != "https://good.example/feed" {
		t.Fatalf("config after import: %v %+v", err, cfg)
	}
}

// TestCheckCommand: check redacts the URLs it lists and refuses a cron
// step outside its field's range.
func TestCheckCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	text := strings.Replace(checkConfig, "https://agency.example/rss", "https://agent-bob:hunter2@agency.example/rss?api_key=t0k3n", 1)
	writeFile(t, path, text)
	code, out, stderr := runCmd(t, "check", "--config", path)
	if code != 0 || !strings.Contains(out, "https://***@agency.example/rss?api_key=***") {
		t.Errorf("check: exit %d:\n%s%s", code, out, stderr)
	}
	if s := secretsIn(out + stderr); len(s) > 0 {
		t.Errorf("check shows %v:\n%s", s, out)
	}
	writeFile(t, path, strings.Replace(checkConfig, `"*/5 * * * *"`, `"*/70 * * * *"`, 1))
	code, _, stderr = runCmd(t, "check", "--config", path)
	if want := fmt.Sprintf("%s:1: schedule: invalid cron expression", path); code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("check of */70: exit %d: %s", code, stderr)
	}
}
