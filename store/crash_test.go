package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// crashK is the number of items every batch of the crash child writes.
const crashK = 5

const (
	envCrashDB    = "STORE_CRASH_CHILD_DB"
	envCrashRound = "STORE_CRASH_CHILD_ROUND"
)

// TestCrashChild is not a test: it is the child process of TestCrashConsistency,
// run from this test binary with envCrashDB set. It ingests batches for ever,
// reporting each committed batch on file descriptor 3, until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(envCrashDB)
	if path == "" {
		t.Skip("helper process for TestCrashConsistency")
	}
	round, err := strconv.Atoi(os.Getenv(envCrashRound))
	if err != nil {
		t.Fatal(err)
	}
	progress := os.NewFile(3, "progress")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintln(progress, "open"); err != nil {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		if err := db.Apply(ctx, crashBatch(round, n)); err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Fprintln(progress, n); err != nil {
			t.Fatal(err)
		}
	}
}

// crashBatch is batch n of a round: crashK items of feed f0..f2; the first
// founds a story, the middle ones join it, the last joins the previous
// batch's story, so stories span transactions.
func crashBatch(round, n int) news.Batch {
	feed := fmt.Sprintf("f%d", n%3)
	now := t0.Add(time.Duration(round*100000+n) * time.Second)
	guid := func(b, i int) string { return fmt.Sprintf("r%d-b%d-i%d", round, b, i) }
	items := make([]news.Entry, crashK)
	for i := range items {
		items[i] = realisticEntry(feed, guid(n, i), now)
		items[i].StoryID = crashStory(round, n)
	}
	if n > 0 {
		items[crashK-1].StoryID = crashStory(round, n-1)
	}
	b := batch(feed, now, items...)
	b.State.ETag = fmt.Sprintf(`"%d-%d"`, round, n)
	return b
}

func crashStory(round, n int) string {
	return fmt.Sprintf("s-r%d-b%d", round, n)
}

// TestCrashConsistency kills a writing child process with SIGKILL at
// several points and checks that the database opens consistent each time,
// with every batch written whole or not at all.
func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	reported := 0
	for round, killAfter := range []int{0, 1, 7, 3, 25} {
		reported += runCrashChild(t, path, round, killAfter)
		checkConsistent(t, path)
		checkCrashCounts(t, path, reported)
	}
}

// runCrashChild starts the child for round, waits until it has reported
// killAfter committed batches (0: until it has opened the database), kills
// it and returns killAfter.
func runCrashChild(t *testing.T, path string, round, killAfter int) int {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), envCrashDB+"="+path, envCrashRound+"="+strconv.Itoa(round))
	cmd.ExtraFiles = []*os.File{pw}
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close() // the child holds the write end now
	lines := bufio.NewScanner(pr)
	for seen := -1; seen < killAfter; seen++ {
		if !lines.Scan() {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child stopped after %d reports: %v\n%s", round, seen+1, lines.Err(), stderr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("round %d: child did not die of SIGKILL: %v\n%s", round, err, stderr.String())
	}
	return killAfter
}

// checkCrashCounts opens the database as the daemon would and checks that
// batches are whole and none reported as committed is missing.
func checkCrashCounts(t *testing.T, path string, reported int) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	}()
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for feed, n := range st.PerFeed {
		if n%crashK != 0 {
			t.Errorf("feed %s has %d items, not a multiple of the batch size %d", feed, n, crashK)
		}
	}
	if st.Items < reported*crashK {
		t.Errorf("%d items after %d reported batches of %d", st.Items, reported, crashK)
	}
	ss, err := db.Stories(ctx, news.StoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	for _, s := range ss {
		members += len(s.Members)
	}
	if members != st.Items || len(ss) != st.Stories {
		t.Errorf("Stories lists %d stories and %d members; Stats says %+v", len(ss), members, st)
	}
	t.Logf("%d reported batches, %d items in %d stories", reported, st.Items, st.Stories)
}
