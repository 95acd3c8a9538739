package postgres

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/pgtest"
	"github.com/wirestory/aggregator/store/storetest"
)

// BenchmarkIngestFirstPoll is storetest's BenchIngestFirstPoll on
// PostgreSQL; cpu-µs/item counts this process and the server's.
func BenchmarkIngestFirstPoll(b *testing.B) {
	storetest.BenchIngestFirstPoll(b, openTest(b), withServerCPU(b))
}

// BenchmarkPlace is storetest's BenchPlace on PostgreSQL.
func BenchmarkPlace(b *testing.B) {
	storetest.BenchPlace(b, openTest(b), withServerCPU(b))
}

// withServerCPU returns the CPU time of this process plus that of the
// shared cluster's server processes (the postmaster and its children,
// read from /proc): the server's CPU is most of the cost.
func withServerCPU(b *testing.B) storetest.CPU {
	pidFile := filepath.Join(pgtest.Shared(b).SocketDir(), "data", "postmaster.pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		b.Fatal(err)
	}
	postmaster := strings.SplitN(string(raw), "\n", 2)[0]
	return func(b *testing.B) time.Duration {
		return storetest.ProcessCPU(b) + serverCPU(b, postmaster)
	}
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times on Linux.
const clockTicks = 100

// serverCPU sums utime and stime of the postmaster and its children, and
// of the children that exited.
func serverCPU(b *testing.B, postmaster string) time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		b.Fatal(err)
	}
	var ticks int64
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // not a process, or gone
		}
		// The fields after the command name (in parentheses): state, ppid, ...
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		if e.Name() != postmaster && f[1] != postmaster {
			continue
		}
		fields := f[11:13] // utime, stime
		if e.Name() == postmaster {
			// and cutime, cstime: the children that exited (autovacuum
			// workers come and go), which the postmaster reaps.
			fields = f[11:15]
		}
		for _, v := range fields {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks
}
