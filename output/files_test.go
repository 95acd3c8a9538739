package output

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
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
