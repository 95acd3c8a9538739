package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// runBin runs the built binary in dir with stdout going to stdout (a pipe
// when it is no *os.File) and returns the exit status and stderr.
func runBin(t testing.TB, dir string, stdout io.Writer, args ...string) (int, string) {
	t.Helper()
	return runBinEnv(t, dir, cleanEnv(), stdout, args...)
}

// runBinEnv is runBin with the environment env.
func runBinEnv(t testing.TB, dir string, env []string, stdout io.Writer, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = stdout
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// loopbackConfig writes a config in dir of one feed of two stories,
// served on a loopback port, with the extra output keys, and returns its
// path.
func loopbackConfig(t *testing.T, dir, outputKeys string) string {
	t.Helper()
	fs := newFeedServer(t)
	fs.set("/agency.rss", rss("Agency", stories("agency", 2)))
	text := feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "agency", fs.url("/agency.rss"))
	text = strings.Replace(text, "feeds:\n", outputKeys+"feeds:\n", 1)
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, text)
	return path
}

// TestFetchOutputTargets: `fetch --output` writes through what is at the
// path instead of replacing it with a regular file (issue 19 #1): a
// symbolic link stays a link and its target gets the feed, a device and
// a FIFO get the feed written into them, a link to a descriptor (what
// /dev/stdout is) reaches the process's standard output, and - is
// standard output.
func TestFetchOutputTargets(t *testing.T) {
	const title = "agency story 1"
	t.Run("dash", func(t *testing.T) {
		dir := t.TempDir()
		cfg := loopbackConfig(t, dir, "")
		var out bytes.Buffer
		if code, stderr := runBin(t, dir, &out, "fetch", "--config", cfg, "--output", "-"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(out.String(), title) {
			t.Errorf("standard output lacks the feed: %q", out.String())
		}
		if _, err := os.Lstat(filepath.Join(dir, "-")); err == nil {
			t.Error("a file named - was written")
		}
	})
	t.Run("symlink", func(t *testing.T) {
		dir := t.TempDir()
		cfg := loopbackConfig(t, dir, "")
		target := filepath.Join(dir, "www", "feed.rss")
		if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, target, "stale")
		link := symlinkT(t, "www/feed.rss", filepath.Join(dir, "feed.rss"))
		if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg, "--output", link); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		assertLinkTo(t, link, target, title)
	})
	for _, regular := range []bool{false, true} {
		name := "stdout link to a pipe"
		if regular {
			name = "stdout link to a file"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := loopbackConfig(t, dir, "")
			// Our own /dev/stdout: the system's must never be at risk.
			stdoutLink := symlinkT(t, "/proc/self/fd/1", filepath.Join(dir, "stdout"))
			var out bytes.Buffer
			var w io.Writer = &out
			var file *os.File
			if regular {
				var err error
				if file, err = os.Create(filepath.Join(dir, "out.rss")); err != nil {
					t.Fatal(err)
				}
				defer file.Close()
				w = file
			}
			if code, stderr := runBin(t, dir, w, "fetch", "--config", cfg, "--output", stdoutLink); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if m, err := lmode(stdoutLink); err != nil || m&os.ModeSymlink == 0 {
				t.Errorf("the stdout link was replaced: %v %v", m, err)
			}
			if regular {
				b, err := os.ReadFile(file.Name())
				if err != nil {
					t.Fatal(err)
				}
				out.Write(b)
			}
			if !strings.Contains(out.String(), title) {
				t.Errorf("standard output lacks the feed: %q", out.String())
			}
		})
	}
	t.Run("character device", func(t *testing.T) {
		dir := t.TempDir()
		cfg := loopbackConfig(t, dir, "")
		null := filepath.Join(dir, "null") // a /dev/null of our own
		if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Skipf("cannot make a device node: %v", err)
		}
		if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg, "--output", null); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if m, err := lmode(null); err != nil || m&os.ModeCharDevice == 0 {
			t.Errorf("the device became %v (%v)", m, err)
		}
	})
	t.Run("fifo", func(t *testing.T) {
		dir := t.TempDir()
		cfg := loopbackConfig(t, dir, "")
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		// Read-write, the FIFO has a reader at once (Linux); the small feed
		// fits in its buffer.
		r, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg, "--output", fifo); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if m, err := lmode(fifo); err != nil || m&os.ModeNamedPipe == 0 {
			t.Fatalf("the FIFO became %v (%v)", m, err)
		}
		buf := make([]byte, 64<<10)
		n, err := r.Read(buf) // the whole feed is in the buffer
		if err != nil || !strings.Contains(string(buf[:n]), title) {
			t.Errorf("the FIFO's reader got %q (%v)", buf[:n], err)
		}
	})
	t.Run("configured file through a link", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "www", "feed.atom")
		if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		link := symlinkT(t, target, filepath.Join(dir, "feed.atom"))
		cfg := loopbackConfig(t, dir, "  files:\n    atom: "+link+"\n")
		if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", cfg); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		assertLinkTo(t, link, target, title)
	})
}

// TestImportThroughLink: `import --config LINK` edits the file the link
// names and leaves the link a link (issue 19 #1).
func TestImportThroughLink(t *testing.T) {
	dir := t.TempDir()
	cfg := loopbackConfig(t, dir, "")
	if err := os.Mkdir(filepath.Join(dir, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "etc", "config.yaml")
	if err := os.Rename(cfg, target); err != nil {
		t.Fatal(err)
	}
	link := symlinkT(t, "etc/config.yaml", cfg)
	opml := filepath.Join(dir, "list.opml")
	writeFile(t, opml, `<opml version="2.0"><body><outline text="New" xmlUrl="https://new.example/rss"/></body></opml>`)
	if code, stderr := runBin(t, dir, io.Discard, "import", "--config", link, opml); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	assertLinkTo(t, link, target, "https://new.example/rss")
}

// lmode and smode return the mode of path from Lstat and Stat, 0 on error.
func lmode(path string) (os.FileMode, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, err
	}
	return fi.Mode(), nil
}

func smode(path string) (os.FileMode, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Mode(), nil
}

func symlinkT(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// assertLinkTo checks that link is still a symbolic link and that target
// holds want.
func assertLinkTo(t *testing.T, link, target, want string) {
	t.Helper()
	if m, err := lmode(link); err != nil || m&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link: %v %v", link, m, err)
	}
	b, err := os.ReadFile(target)
	if err != nil || !strings.Contains(string(b), want) {
		t.Errorf("the link's target %s lacks %q (%v): %.200s", target, want, err, b)
	}
}

// TestFetchEntryDates: each entry of the merged Atom and JSON feeds is
// dated by its news, not by the run that stored it: no two entries of a
// feed of distinct items share atom:updated (what the W3C validator warns
// about), and a one-member story's updated time is its item's (issue 19
// #3).
func TestFetchEntryDates(t *testing.T) {
	dir := t.TempDir()
	cfg := loopbackConfig(t, dir, "")
	var out bytes.Buffer
	if code, stderr := runBin(t, dir, &out, "fetch", "--config", cfg, "--format", "atom"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var atom struct {
		Entries []struct {
			Published string `xml:"published"`
			Updated   string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(out.Bytes(), &atom); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range atom.Entries {
		if seen[e.Updated] {
			t.Errorf("two entries with the same atom:updated %s:\n%s", e.Updated, out.String())
		}
		seen[e.Updated] = true
		if e.Updated != e.Published {
			t.Errorf("atom:updated %s, want the item's own time %s", e.Updated, e.Published)
		}
	}
	if len(atom.Entries) != 2 {
		t.Errorf("%d entries, want 2", len(atom.Entries))
	}
	out.Reset()
	if code, stderr := runBin(t, dir, &out, "fetch", "--config", cfg, "--format", "json"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var jf struct {
		Items []struct {
			Published string `json:"date_published"`
			Modified  string `json:"date_modified"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out.Bytes(), &jf); err != nil {
		t.Fatal(err)
	}
	for _, it := range jf.Items {
		if it.Modified != it.Published {
			t.Errorf("date_modified %s, want the item's own time %s", it.Modified, it.Published)
		}
	}
}
