package pgtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestNewestDebianVersion(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "15", "16", "notaversion"} {
		dir := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		names := []string{"initdb", "pg_ctl", "postgres"}
		if v == "16" {
			names = names[:2] // incomplete: no server binary
		}
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, want := newestDebian(root), filepath.Join(root, "15", "bin"); got != want {
		t.Errorf("newestDebian = %q, want %q", got, want)
	}
	if got := newestDebian(filepath.Join(root, "absent")); got != "" {
		t.Errorf("newestDebian of a missing root = %q", got)
	}
}

func TestNoBinaries(t *testing.T) {
	t.Setenv("PGTEST_BINDIR", t.TempDir())
	if _, err := Start(Options{}); !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("Start without binaries: %v, want ErrNoBinaries", err)
	}
}

// TestSweepStale: the cluster of a test binary that died is stopped and
// removed by the next start; a live owner's cluster is left alone.
func TestSweepStale(t *testing.T) {
	t.Parallel()
	dead, live := startCluster(t), startCluster(t)
	defer live.Close()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := []byte(strconv.Itoa(cmd.Process.Pid) + "\n")
	if err := os.WriteFile(filepath.Join(dead.dir, ownerFile), deadPID, 0o644); err != nil {
		t.Fatal(err)
	}
	postmaster := serverPID(t, dead)
	sweepStale(dead.bin, dead.as)
	if _, err := os.Stat(dead.dir); !os.IsNotExist(err) {
		dead.Close()
		t.Errorf("the dead owner's cluster %s is still there: %v", dead.dir, err)
	}
	// pg_ctl stop returns when postmaster.pid is gone, a moment before the
	// process exits: wait for the exit itself (a pidfd turns readable).
	fd, err := unix.PidfdOpen(postmaster, 0)
	if err == nil {
		defer unix.Close(fd)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if n, err := unix.Poll(fds, 10_000); n != 1 || err != nil {
			t.Errorf("the dead owner's server (pid %d) still runs 10 s after the sweep: %v", postmaster, err)
		}
	} else if !errors.Is(err, unix.ESRCH) {
		t.Fatal(err)
	}
	if err := live.run("pg_ctl", "status", "-D", live.dataDir()); err != nil {
		t.Errorf("the live owner's cluster was stopped: %v", err)
	}
}

// serverPID reads the postmaster's process id from postmaster.pid.
func serverPID(t *testing.T, c *Cluster) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(first)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func startCluster(t *testing.T) *Cluster {
	t.Helper()
	c, err := Start(Options{})
	if err != nil {
		skipOrFail(t, err)
	}
	return c
}
