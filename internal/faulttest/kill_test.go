package faulttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Sizes of the kill tests: enough items that ingest and output writing
// take long enough to be caught in the act.
const (
	killFeeds = 16
	killItems = 100
)

// TestKillDuringIngest kills the daemon with SIGKILL as soon as the first
// feed's results reach the store (the WAL grows after every feed was
// served), then restarts: the store must open consistent, a forced poll
// must store every item the feeds delivered, and the items stored before
// the kill must keep their stories.
func TestKillDuringIngest(t *testing.T) {
	needBinary(t)
	fs := newFeedServer(t, killFeeds, killItems)
	s := writeConfig(t, t.TempDir(), fs, "@every 1h", true)
	d := startDaemon(t, s)

	<-fs.allServed
	wal := s.store + "-wal"
	before := fileSize(wal)
	waitUntil(t, "the first write of the poll", 60*time.Second, d.done, func() bool { return fileSize(wal) > before })
	d.kill()
	if strings.Contains(d.log(), "poll done") {
		t.Fatalf("the poll finished before the kill landed:\n%s", d.log())
	}

	pre := checkStore(t, s.store)
	total := len(fs.links())
	t.Logf("killed during ingest with %d of %d items stored", len(pre), total)
	if len(pre) >= total {
		t.Errorf("every item was stored before the kill: the kill did not land during ingest")
	}
	for _, f := range []string{"rss", "atom", "json"} {
		checkFile(t, filepath.Join(s.outDir, "feed."+f))
	}

	// The interrupted feeds were saved as attempted (fetch.Begin): a
	// restarted daemon polls them after the first-failure backoff, so the
	// check forces the poll with the one-shot command, which shares the
	// daemon's code path.
	if code, stderr := runCmd(t, "fetch", "--config", s.config, "--force", "--output", filepath.Join(s.dir, "once.rss")); code != 0 {
		t.Fatalf("fetch after the kill: exit %d\n%s", code, stderr)
	}
	post := checkStore(t, s.store)
	checkNothingLost(t, fs, pre, post)
	for _, f := range []string{"rss", "atom", "json"} {
		if n := checkFile(t, filepath.Join(s.outDir, "feed."+f)); n != len(storyIDs(post)) {
			t.Errorf("feed.%s has %d items after the restart, want %d stories", f, n, len(storyIDs(post)))
		}
	}
}

// TestKillDuringOutputWrite kills the daemon with SIGKILL as soon as it
// starts replacing an output file after its first poll, then checks that
// every output file is whole, the store consistent and complete, and that
// a restarted daemon serves and writes the same stories with the same ids.
func TestKillDuringOutputWrite(t *testing.T) {
	needBinary(t)
	fs := newFeedServer(t, killFeeds, killItems)
	s := writeConfig(t, t.TempDir(), fs, "@every 1h", true)
	d := startDaemon(t, s)

	<-fs.allServed
	// The start-up publish wrote empty files before any feed was
	// requested; a file changing now is the poll's output being written.
	initial := modTimes(s.outDir)
	waitUntil(t, "the output files to be rewritten", 120*time.Second, d.done, func() bool { return !sameTimes(initial, modTimes(s.outDir)) })
	d.kill()
	if strings.Contains(d.log(), "poll done") {
		t.Logf("note: the poll's log line was written before the kill landed")
	}

	counts := map[string]int{}
	for _, f := range []string{"atom", "json", "rss"} {
		counts[f] = checkFile(t, filepath.Join(s.outDir, "feed."+f))
	}
	leftovers := tempFiles(s.outDir)
	t.Logf("killed while writing output: items per file %v, temporary files left %v", counts, leftovers)
	if counts["atom"] > 0 && counts["json"] > 0 && counts["rss"] > 0 && len(leftovers) == 0 {
		t.Errorf("all three files were complete and no temporary file was left: the kill did not land during writing")
	}

	pre := checkStore(t, s.store)
	if total := len(fs.links()); len(pre) != total {
		t.Fatalf("%d of %d items stored although ingest had finished", len(pre), total)
	}

	d = startDaemon(t, s)
	from := 0
	d.waitLog("poll done", from, 60*time.Second)
	code, body := d.get("/feed.json")
	if code != 200 {
		t.Fatalf("restarted daemon: /feed.json status %d", code)
	}
	ids := storyIDs(pre)
	for id := range ids {
		if !strings.Contains(string(body), id) {
			t.Errorf("story %s of before the kill is not served after the restart", id)
			break
		}
	}
	d.stop()
	post := checkStore(t, s.store)
	checkNothingLost(t, fs, pre, post)
	for _, f := range []string{"rss", "atom", "json"} {
		if n := checkFile(t, filepath.Join(s.outDir, "feed."+f)); n != len(ids) {
			t.Errorf("feed.%s has %d items after the restart, want %d", f, n, len(ids))
		}
	}
}

// checkNothingLost fails unless every link the feed server delivered is
// stored and every item stored before the fault kept its story.
func checkNothingLost(t *testing.T, fs *feedServer, pre, post map[string]string) {
	t.Helper()
	missing := 0
	for _, l := range fs.links() {
		if _, ok := post[l]; !ok {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d delivered items are not in the store after the restart", missing, len(fs.links()))
	}
	moved := 0
	for l, id := range pre {
		if post[l] != id {
			moved++
		}
	}
	if moved > 0 {
		t.Errorf("%d items changed story across the restart", moved)
	}
}

func storyIDs(byLink map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, id := range byLink {
		out[id] = true
	}
	return out
}

// fileSize is the size of path, 0 when it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// modTimes maps every name in dir to its modification time.
func modTimes(dir string) map[string]time.Time {
	out := map[string]time.Time{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			out[e.Name()] = fi.ModTime()
		}
	}
	return out
}

func sameTimes(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !w.Equal(v) {
			return false
		}
	}
	return true
}

// tempFiles lists the temporary files of atomic writes left in dir.
func tempFiles(dir string) []string {
	var out []string
	for name := range modTimes(dir) {
		if strings.Contains(name, ".tmp-") {
			out = append(out, name)
		}
	}
	return out
}
