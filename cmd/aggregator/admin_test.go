package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/fetch"
)

// TestAdminCommands runs fetch over two local file feeds that carry one
// shared story, then stats, feeds, explain, export and import, checking
// what each prints.
func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	shared := stories("agency", 1)[0]
	copyOf := shared
	copyOf.guid, copyOf.title = "outlet-copy", "You will not believe this harbour news"
	writeFile(t, filepath.Join(dir, "agency.xml"), string(rss("Agency", []story{shared, stories("agency", 2)[1]})))
	writeFile(t, filepath.Join(dir, "outlet.xml"), string(rss("Outlet", []story{copyOf})))
	cfgPath := filepath.Join(dir, "config.yaml")
	cfgText := feedConfig(filepath.Join(dir, "a.db"), "@every 1h",
		"agency", filepath.Join(dir, "agency.xml"), "outlet", filepath.Join(dir, "outlet.xml"))
	writeFile(t, cfgPath, strings.Replace(cfgText, "fetch:\n", "fetch:\n  allow_files: true\n", 1))

	if code, _, stderr := runCmd(t, "fetch", "--config", cfgPath, "--output", filepath.Join(dir, "out.rss")); code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}
	code, out, stderr := runCmd(t, "stats", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "items      3") || !strings.Contains(out, "stories    2") || !strings.Contains(out, "merged     1") {
		t.Errorf("stats: exit %d:\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCmd(t, "feeds", "--config", cfgPath)
	if code != 0 || strings.Count(out, " ok ") != 2 {
		t.Errorf("feeds: exit %d, want both feeds ok:\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCmd(t, "explain", "--config", cfgPath, "https://agency.example/agency-0", "https://outlet.example/outlet-copy")
	if code != 0 || !strings.Contains(out, "same story") {
		t.Errorf("explain: exit %d, want a same-story verdict:\n%s%s", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, "explain", "--config", cfgPath, "https://nowhere.example/x", "https://agency.example/agency-0"); code == 0 || !strings.Contains(stderr, "run a fetch first") {
		t.Errorf("explain of an unknown link: exit %d: %s", code, stderr)
	}

	code, out, stderr = runCmd(t, "export", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	feeds, err := fetch.ParseOPML(strings.NewReader(out))
	if err != nil || len(feeds) != 2 || feeds[0].Name != "agency" {
		t.Fatalf("export wrote %d feeds (%v):\n%s", len(feeds), err, out)
	}
	feeds = append(feeds, fetch.OPMLFeed{Name: "New Outlet", URL: "https://new.example/rss"})
	opml := filepath.Join(dir, "list.opml")
	f, err := os.Create(opml)
	if err != nil {
		t.Fatal(err)
	}
	if err := fetch.WriteOPML(f, "mine", feeds); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, stderr = runCmd(t, "import", "--config", cfgPath, opml)
	if code != 0 || !strings.Contains(out, "added 1 of 3 feeds") {
		t.Fatalf("import: exit %d:\n%s%s", code, out, stderr)
	}
	if code, out, stderr := runCmd(t, "check", "--config", cfgPath); code != 0 || !strings.Contains(out, "https://new.example/rss") {
		t.Errorf("the imported config does not check: exit %d:\n%s%s", code, out, stderr)
	}
}

func TestHostDelayMapping(t *testing.T) {
	zero, two := time.Duration(0), 2*time.Second
	for _, tc := range []struct {
		in   *time.Duration
		want time.Duration
	}{{nil, 0}, {&zero, -1}, {&two, 2 * time.Second}} {
		if got := hostDelay(tc.in); got != tc.want {
			t.Errorf("hostDelay(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
