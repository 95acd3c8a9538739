package faulttest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mountTmpfs mounts a tmpfs of size (like "4m") on a new directory,
// read-only when ro is set, and unmounts it when the test ends. It skips
// the test when the process may not mount (not root).
func mountTmpfs(t *testing.T, size string, ro bool) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs; a full disk cannot be made otherwise")
	}
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := "size=" + size
	if ro {
		opts += ",ro"
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// TestDiskFull fills the store's file system after a first poll and
// changes every feed: the poll must fail with a clear error while the
// daemon keeps serving the last output; once space is freed the next poll
// stores the new items.
func TestDiskFull(t *testing.T) {
	needBinary(t)
	mnt := mountTmpfs(t, "6m", false)
	fs := newFeedServer(t, 4, 30)
	s := writeConfig(t, t.TempDir(), fs, "@every 1s", false)
	s.store = filepath.Join(mnt, "agg.db")
	rewriteStore(t, s)
	d := startDaemon(t, s)
	d.waitLog("poll done", 0, 60*time.Second)
	code, last := d.get("/feed.json")
	if code != 200 || !bytes.Contains(last, []byte("feeds.test/f0/v0/")) {
		t.Fatalf("first output: status %d", code)
	}

	filler := filepath.Join(mnt, "filler")
	fill(t, filler)
	from := d.logLen()
	fs.version.Add(1) // every feed now carries 30 new items
	i := d.waitLog("full", from, 60*time.Second)
	t.Logf("error logged: %s", d.line(i))
	for _, path := range []string{"/feed.json", "/feed.rss", "/"} {
		if code, body := d.get(path); code != 200 || (path == "/feed.json" && !bytes.Equal(body, last)) {
			t.Errorf("%s on a full disk: status %d, output changed %v", path, code, !bytes.Equal(body, last))
		}
	}
	if code, _ := d.get("/healthz"); code != 200 {
		t.Errorf("/healthz on a full disk: %d", code)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	from = d.logLen()
	for {
		i := d.waitLog("poll done", from, 60*time.Second)
		if !strings.Contains(d.line(i), "new_items=0") {
			break
		}
		from = i + 1
	}
	if code, body := d.get("/feed.json"); code != 200 || !bytes.Contains(body, []byte("feeds.test/f0/v1/")) {
		t.Errorf("after space was freed the new items are not served (status %d)", code)
	}
	d.stop()
	post := checkStore(t, s.store)
	checkNothingLost(t, fs, nil, post)
}

// fill writes to path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			return
		}
	}
}

// rewriteStore points the config at s.store.
func rewriteStore(t *testing.T, s setup) {
	t.Helper()
	b, err := os.ReadFile(s.config)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "store: ") {
			lines[i] = "store: " + s.store
		}
	}
	if err := os.WriteFile(s.config, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadOnlyStore runs the one-shot fetch and the daemon on a store in a
// read-only directory, empty and holding a store: each must exit with an
// error naming the store, not hang or crash. As root the directory is a
// read-only tmpfs (permission bits do not stop root), else a 0555 one.
func TestReadOnlyStore(t *testing.T) {
	needBinary(t)
	fs := newFeedServer(t, 2, 5)
	t.Run("empty", func(t *testing.T) {
		dir := readOnlyDir(t, t.TempDir(), nil)
		s := writeConfig(t, t.TempDir(), fs, "@every 1h", false)
		s.store = filepath.Join(dir, "agg.db")
		rewriteStore(t, s)
		checkReadOnlyFailure(t, s)
	})
	t.Run("existing store", func(t *testing.T) {
		s := writeConfig(t, t.TempDir(), fs, "@every 1h", false)
		dir := readOnlyDir(t, t.TempDir(), func(dir string) {
			s.store = filepath.Join(dir, "agg.db")
			rewriteStore(t, s)
			if code, stderr := runCmd(t, "fetch", "--config", s.config); code != 0 {
				t.Fatalf("first fetch: exit %d\n%s", code, stderr)
			}
		})
		s.store = filepath.Join(dir, "agg.db")
		checkReadOnlyFailure(t, s)
	})
}

// readOnlyDir returns a directory under parent that fill (when not nil)
// may write to first and that is read-only afterwards.
func readOnlyDir(t *testing.T, parent string, fill func(dir string)) string {
	t.Helper()
	if os.Geteuid() != 0 {
		dir := filepath.Join(parent, "ro")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if fill != nil {
			fill(dir)
		}
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		return dir
	}
	dir := mountTmpfs(t, "4m", fill == nil)
	if fill != nil {
		fill(dir)
		if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
			t.Fatalf("remount read-only: %v: %s", err, out)
		}
	}
	return dir
}

// checkReadOnlyFailure runs fetch and serve on s and fails unless both
// exit non-zero with an error that names the store.
func checkReadOnlyFailure(t *testing.T, s setup) {
	t.Helper()
	for _, cmd := range []string{"fetch", "serve"} {
		code, stderr := runCmd(t, cmd, "--config", s.config)
		t.Logf("%s: exit %d: %s", cmd, code, strings.TrimSpace(stderr))
		if code == 0 {
			t.Errorf("%s on a read-only store succeeded", cmd)
		}
		if !strings.Contains(stderr, s.store) {
			t.Errorf("%s: the error does not name the store %s:\n%s", cmd, s.store, stderr)
		}
		// The cause must be named too: SQLite reports only "unable to
		// open database file (14)", and store.Open adds the OS error.
		if cause := strings.ReplaceAll(stderr, s.store, ""); !containsFold(cause, "read-only", "readonly", "permission denied") {
			t.Errorf("%s: the error does not say the store is read-only:\n%s", cmd, stderr)
		}
	}
}

func containsFold(s string, subs ...string) bool {
	s = strings.ToLower(s)
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
