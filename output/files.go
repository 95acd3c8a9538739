package output

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// writeAtomic writes data to path: atomically (replaceFile) over a regular
// file or where nothing is yet; a symbolic link is followed and the file it
// names replaced, so the link stays a link. Anything else is written into
// directly: a character device (/dev/null), a FIFO, a descriptor of the
// process (/dev/stdout), for a rename would put a regular file in its place.
func writeAtomic(path string, data []byte) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	case err == nil && !fi.Mode().IsRegular():
		return writeDirect(path, data)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	target, descriptor, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if descriptor {
		return writeDirect(path, data)
	}
	return replaceFile(target, data)
}

// maxLinks bounds the symbolic links followed for one path, as the
// kernel's ELOOP does.
const maxLinks = 40

// resolveLinks follows the symbolic links that path's last element names
// until it reaches something that is no link, or nothing (a dangling
// link's target, to be created). Directories on the way are left to the
// kernel. descriptor is set when a link leads into /proc or /dev/fd: an
// open file of some process (/dev/stdout), which a rename cannot replace.
func resolveLinks(path string) (target string, descriptor bool, err error) {
	for range maxLinks {
		if strings.HasPrefix(path, "/proc/") || strings.HasPrefix(path, "/dev/fd/") {
			return path, true, nil
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, os.ErrNotExist) || (err == nil && fi.Mode()&os.ModeSymlink == 0) {
			return path, false, nil
		}
		if err != nil {
			return "", false, err
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(link) {
			// Not filepath.Join: cleaning "dir/../x" lexically is wrong
			// when dir is itself a link.
			dir, _ := filepath.Split(path)
			link = dir + link
		}
		path = link
	}
	return "", false, fmt.Errorf("more than %d symbolic links", maxLinks)
}

// writeDirect writes data into path as it is, with no temporary file: a
// device, a FIFO or pipe, or a descriptor's file (appended to, as the
// shell's >> and > leave it).
func writeDirect(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replaceFile replaces the regular file path, or creates it, with data
// through a synced temporary file in its directory. A file replaced keeps
// its permissions; a new one gets 0644.
func replaceFile(path string, data []byte) (err error) {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
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
	if err := tmp.Chmod(mode); err != nil {
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
