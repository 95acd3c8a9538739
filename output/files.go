package output

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// WriteFiles writes the main feed of docs in each format to its path;
// files maps a format ("rss", "atom", "json") to a path. Each file is
// replaced atomically: written to a temporary file in the same directory,
// synced, then renamed over the path, so a reader sees the old file or the
// new one, never a part. Files are written in format order and the first
// failure stops the rest.
func WriteFiles(files map[string]string, docs Docs) error {
	formats := slices.Sorted(maps.Keys(files))
	for _, f := range formats {
		if _, ok := docs["/feed."+f]; !ok {
			return fmt.Errorf("write %s: unknown format %q", files[f], f)
		}
	}
	for _, f := range formats {
		if err := writeAtomic(files[f], docs["/feed."+f].Body); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic replaces path with data through a synced temporary file.
func writeAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	removeStale(dir, base, time.Now().Add(-staleAfter))
	return syncDir(dir)
}

// staleAfter is the age past which a temporary file of ours is taken to be
// left over from a killed process rather than being written right now.
const staleAfter = time.Minute

// removeStale deletes the temporary files of base in dir last modified
// before cutoff: what a process killed mid-write left behind. Failures are
// ignored; the next write tries again.
func removeStale(dir, base string, cutoff time.Time) {
	names, err := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*"))
	if err != nil {
		return
	}
	for _, n := range names {
		if fi, err := os.Lstat(n); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) {
			_ = os.Remove(n)
		}
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
