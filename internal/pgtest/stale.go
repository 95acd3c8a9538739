package pgtest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dirPrefix names the temporary directories of clusters.
const dirPrefix = "pgtest-"

// ownerFile holds the process id of the test binary that made the cluster.
const ownerFile = "owner.pid"

// writeOwner records this process as the owner of the cluster in dir.
func writeOwner(dir string) error {
	return os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}

// sweepStale stops and removes the clusters whose owning test binary is
// gone (it died before its cleanup ran). A directory without an owner file
// is left alone for a while: its owner may be between creating it and
// writing the file. Errors are ignored: this is best effort.
func sweepStale(bin string, as *runAs) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		if !ownerGone(dir) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); err == nil {
			c := &Cluster{bin: bin, dir: dir, as: as, running: true}
			_ = c.Crash()
		}
		_ = os.RemoveAll(dir)
	}
}

// ownerGone says whether the process that made dir no longer exists.
func ownerGone(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		info, statErr := os.Stat(dir)
		return statErr == nil && time.Since(info.ModTime()) > 10*time.Minute
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
