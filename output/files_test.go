package output

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range Formats {
		files[f] = filepath.Join(dir, "merged."+f)
	}
	if err := os.WriteFile(files["atom"], []byte("old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := os.Open(files["atom"]) // a reader that has the old file open
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	opts := sampleOptions()
	if err := writeFiles(files, sampleStories(), opts); err != nil {
		t.Fatal(err)
	}
	for f, path := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := renderFormat(f, sampleStories(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: file differs from Render", f)
		}
	}
	kept, err := io.ReadAll(old)
	if err != nil {
		t.Fatal(err)
	}
	if string(kept) != "old contents" {
		t.Errorf("the open old file now reads %q: it was rewritten in place, not replaced", kept)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries, want 3 (a temporary file was left)", len(entries))
	}
}

func TestWriteFilesErrors(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.rss")
	if err := os.WriteFile(keep, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeFiles(map[string]string{"rss": keep, "xml": filepath.Join(dir, "x.xml")}, sampleStories(), Options{}); err == nil {
		t.Error("unknown format accepted")
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "kept" {
		t.Errorf("a failed call touched another file: %q %v", b, err)
	}
	if err := writeFiles(map[string]string{"rss": filepath.Join(dir, "missing", "f.rss")}, nil, Options{}); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 {
		t.Errorf("directory after failures: %d entries, %v", len(entries), err)
	}
}

// TestWriteFilesRemovesStaleTemporaries: a temporary file left by a killed
// writer goes at the next write; one being written now (recent) stays.
func TestWriteFilesRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.atom")
	stale := filepath.Join(dir, ".feed.atom.tmp-111")
	fresh := filepath.Join(dir, ".feed.atom.tmp-222")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("<feed"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := writeFiles(map[string]string{"atom": path}, nil, Options{Title: "t", Link: "https://x.example/"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a recent temporary file was removed: %v", err)
	}
}

// TestWriteAtomicThroughLinks: a symbolic link to the output (absolute,
// relative, a chain, dangling) stays a link and its target gets the new
// contents, replaced atomically beside the target, with its mode kept.
func TestWriteAtomicThroughLinks(t *testing.T) {
	want := []byte("<feed/>\n")
	tests := []struct {
		name string
		// setup makes the link in dir/links pointing at dir/real/feed.atom
		// and returns the path to write.
		setup func(t *testing.T, dir string) string
	}{
		{"absolute", func(t *testing.T, dir string) string {
			return symlink(t, filepath.Join(dir, "real", "feed.atom"), filepath.Join(dir, "links", "feed.atom"))
		}},
		{"relative", func(t *testing.T, dir string) string {
			return symlink(t, filepath.Join("..", "real", "feed.atom"), filepath.Join(dir, "links", "feed.atom"))
		}},
		{"chain", func(t *testing.T, dir string) string {
			mid := symlink(t, filepath.Join(dir, "real", "feed.atom"), filepath.Join(dir, "links", "mid.atom"))
			return symlink(t, mid, filepath.Join(dir, "links", "feed.atom"))
		}},
	}
	for _, tt := range tests {
		for _, exists := range []bool{true, false} {
			name := tt.name
			if !exists {
				name += " dangling"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				for _, d := range []string{"real", "links"} {
					if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				target := filepath.Join(dir, "real", "feed.atom")
				if exists {
					if err := os.WriteFile(target, []byte("stale"), 0o640); err != nil {
						t.Fatal(err)
					}
				}
				path := tt.setup(t, dir)
				if err := writeAtomic(path, want); err != nil {
					t.Fatal(err)
				}
				if m, err := lmode(path); err != nil || m&os.ModeSymlink == 0 {
					t.Fatalf("%s is no longer a symbolic link: %v %v", path, m, err)
				}
				got, err := os.ReadFile(target)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("the link's target holds %q (%v), want the rendered feed", got, err)
				}
				wantMode := os.FileMode(0o644)
				if exists {
					wantMode = 0o640
				}
				if m, err := smode(target); err != nil || m.Perm() != wantMode {
					t.Errorf("target mode %v (%v), want %v", m.Perm(), err, wantMode)
				}
				for _, d := range []string{"real", "links"} {
					names, _ := filepath.Glob(filepath.Join(dir, d, ".*tmp-*"))
					if len(names) > 0 {
						t.Errorf("temporary files left: %v", names)
					}
				}
			})
		}
	}
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

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// TestWriteAtomicSpecial: a character device and a FIFO are written into,
// not replaced by a regular file; a directory is an error.
func TestWriteAtomicSpecial(t *testing.T) {
	want := []byte("<rss/>\n")
	t.Run("character device", func(t *testing.T) {
		// A /dev/null of our own: the real one must never be at risk.
		null := filepath.Join(t.TempDir(), "null")
		if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Skipf("cannot make a device node: %v", err)
		}
		if err := writeAtomic(null, want); err != nil {
			t.Fatal(err)
		}
		if m, err := lmode(null); err != nil || m&os.ModeCharDevice == 0 {
			t.Errorf("the device became %v (%v)", m, err)
		}
	})
	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		// Opened read-write, the FIFO has a reader without blocking (Linux),
		// and the rendered feed fits in its buffer.
		r, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := writeAtomic(fifo, want); err != nil {
			t.Fatal(err)
		}
		if m, err := lmode(fifo); err != nil || m&os.ModeNamedPipe == 0 {
			t.Fatalf("the FIFO became %v (%v)", m, err)
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, want) {
			t.Errorf("the reader of the FIFO got %q (%v)", got, err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		if err := writeAtomic(t.TempDir(), want); err == nil {
			t.Error("writing over a directory succeeded")
		}
	})
}
