package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The cluster shared by the tests of one test binary, started on first use.
var (
	sharedOnce    sync.Once
	sharedCluster *Cluster
	sharedErr     error
	runCalled     atomic.Bool
	dbCounter     atomic.Int64
)

// Run runs the tests and then stops and removes the shared cluster, if a
// test started it. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
func Run(m *testing.M) int {
	runCalled.Store(true)
	code := m.Run()
	if sharedCluster != nil {
		if err := sharedCluster.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Shared returns the cluster shared by the tests of this test binary,
// starting it on first use. Without the server binaries the test is
// skipped, or fails under CI=true. The package's TestMain must call Run,
// which stops the cluster at the end.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	if !runCalled.Load() {
		t.Fatal("pgtest: the shared cluster needs TestMain to call pgtest.Run(m), which stops it")
	}
	sharedOnce.Do(func() { sharedCluster, sharedErr = Start(Options{}) })
	if sharedErr != nil {
		skipOrFail(t, sharedErr)
	}
	return sharedCluster
}

// NewCluster starts a cluster of the test's own, closed at the end of the
// test: for tests that stop, crash or restart the server.
func NewCluster(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c, err := Start(opts)
	if err != nil {
		skipOrFail(t, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// NewDatabase creates a fresh, empty database on the shared cluster for
// the test and returns its DSN. The database is dropped at the end of the
// test, its sessions ended.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return NewDatabaseFrom(t, "")
}

// NewDatabaseFrom is NewDatabase with a copy of database template (for
// example one migrated once for the whole test binary).
func NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	c := Shared(t)
	name := DatabaseName(t)
	ctx := context.Background()
	if err := c.CreateDatabase(ctx, name, template); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.DropDatabase(context.Background(), name); err != nil {
			t.Error(err)
		}
	})
	return c.DSN(name)
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// DatabaseName returns a name unique in this test binary, derived from the
// test's name.
func DatabaseName(t testing.TB) string {
	name := notIdent.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("t_%s_%d", name, dbCounter.Add(1))
}

// skipOrFail skips the test when the binaries are missing, except under
// CI=true; any other error fails it.
func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNoBinaries) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	t.Fatal(err)
}
