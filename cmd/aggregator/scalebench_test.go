package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/pgtest"
	"github.com/wirestory/aggregator/store/postgres"
)

// The steady-state benchmark of scale-out (docs/performance.md, "Several
// instances"):
//
//	go test -run '^$' -bench ScaleOut -benchtime 2x -timeout 60m ./cmd/aggregator
//
// It serves -scale.feeds generated feeds of 5 items on a loopback server
// that answers after -scale.latency (a remote server's time), lets three
// instances make the first poll, and then, for 1, 2 and 3 instances, runs
// b.N steady cycles: every feed's queued poll made due at once (as a
// schedule's tick does), all answered 304. Per cycle it reports the wall
// time from the tick to the last commit, the CPU of the database server and
// of the instances, the rows written (pg_stat_database) and the WAL bytes;
// it fails when a feed is fetched other than once in a cycle, or when the
// feeds served change.
var (
	scaleBenchFeeds   = flag.Int("scale.feeds", 10000, "feeds of the ScaleOut benchmark")
	scaleBenchLatency = flag.Duration("scale.latency", 0, "answer time of the ScaleOut benchmark's feed server")
	scaleBenchCluster = flag.String("scale.cluster", "cluster:\n  job_timeout: 2m\n  rescue_after: 5m\n", "cluster keys of the ScaleOut benchmark's config")
)

func BenchmarkScaleOut(b *testing.B) {
	binary(b)
	n := *scaleBenchFeeds
	w := newWireFeeds(b, wireBodies(n, 5), *scaleBenchLatency)
	dir := b.TempDir()
	dsn := pgDatabase(b)
	text := w.config(dsn, *scaleBenchCluster)
	writeFile(b, filepath.Join(dir, "c.yaml"), text)
	migrated(b, dir, "c.yaml")
	db := openPG(b, dsn)
	bs := &benchState{b: b, db: db, w: w, n: n, postmaster: postmasterPID(b)}
	start := time.Now()
	insts := startInstances(b, dir, text, 3)
	bs.settle(b, insts)
	b.Logf("first poll of %d feeds (%d items) by 3 instances: %v", n, n*5, time.Since(start).Round(time.Second))
	bs.feeds = bs.feedsOf(b, insts[0])
	stopAll(b, insts)
	for _, k := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("instances=%d", k), func(b *testing.B) {
			insts := startInstances(b, dir, text, k)
			bs.settle(b, insts)
			var sum cycleCost
			for range b.N {
				sum = sum.add(bs.cycle(b, insts))
			}
			per := float64(b.N)
			b.ReportMetric(sum.wall.Seconds()/per, "s/cycle")
			b.ReportMetric(sum.dbCPU.Seconds()/per, "db-cpu-s/cycle")
			b.ReportMetric(sum.instCPU.Seconds()/per, "inst-cpu-s/cycle")
			b.ReportMetric(float64(sum.rows)/per, "rows/cycle")
			b.ReportMetric(float64(sum.wal)/per/(1<<20), "wal-MB/cycle")
			b.ReportMetric(0, "ns/op")
			if got := bs.feedsOf(b, insts[len(insts)-1]); got != bs.feeds {
				b.Error("the feeds served changed in the steady state")
			}
			stopAll(b, insts)
		})
	}
}

// benchState is what the cycles of the benchmark share.
type benchState struct {
	b          *testing.B
	db         *postgres.DB
	w          *wireFeeds
	n          int
	postmaster string
	feeds      string // /feed.json after the first poll
}

// cycleCost is what one cycle cost.
type cycleCost struct {
	wall, dbCPU, instCPU time.Duration
	rows, wal            int64
}

func (c cycleCost) add(d cycleCost) cycleCost {
	return cycleCost{c.wall + d.wall, c.dbCPU + d.dbCPU, c.instCPU + d.instCPU, c.rows + d.rows, c.wal + d.wal}
}

// cycle makes every queued poll due now and waits until all are
// committed.
func (bs *benchState) cycle(b *testing.B, insts []*instance) cycleCost {
	ctx := context.Background()
	bs.flushStats(b)
	hits := bs.w.counts()
	rows0, wal0 := bs.written(b)
	db0, inst0 := serverCPU(b, bs.postmaster), instancesCPU(b, insts)
	var t0 time.Time
	err := bs.db.Pool().QueryRow(ctx, `WITH due AS (UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE kind = 'poll' AND state = 'scheduled' RETURNING id)
		SELECT now() FROM due LIMIT 1`).Scan(&t0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bs.db.Pool().Exec(ctx, `SELECT pg_notify(current_schema() || '.river_insert', '{"queue": "default"}')`); err != nil {
		b.Fatal(err)
	}
	bs.settle(b, insts)
	var wall time.Duration
	if err := bs.db.Pool().QueryRow(ctx, `SELECT max(finalized_at) - $1 FROM river_job WHERE kind = 'poll' AND finalized_at >= $1`, t0).Scan(&wall); err != nil {
		b.Fatal(err)
	}
	c := cycleCost{wall: wall, dbCPU: serverCPU(b, bs.postmaster) - db0, instCPU: instancesCPU(b, insts) - inst0}
	bs.flushStats(b)
	rows1, wal1 := bs.written(b)
	c.rows, c.wal = rows1-rows0, wal1-wal0
	after := bs.w.counts()
	twice := 0
	for p, by := range after {
		if total(by)-total(hits[p]) != 1 {
			twice++
		}
	}
	if twice > 0 || len(after) != bs.n {
		b.Errorf("%d feeds fetched other than once in the cycle (%d feeds seen)", twice, len(after))
	}
	b.Logf("cycle: %v wall, %.1f s database CPU, %.1f s instances' CPU, %d rows, %.1f MB WAL",
		c.wall.Round(time.Millisecond), c.dbCPU.Seconds(), c.instCPU.Seconds(), c.rows, float64(c.wal)/(1<<20))
	return c
}

func total(m map[string]int) int {
	n := 0
	for v := range maps.Values(m) {
		n += v
	}
	return n
}

// settle waits until every feed's poll is committed and its next queued,
// no due poll is in flight and the inbox is empty.
func (bs *benchState) settle(b *testing.B, insts []*instance) {
	b.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Minute)
	for {
		var next, inFlight int
		err := bs.db.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE state IN ('scheduled', 'available') AND scheduled_at > now()),
			count(*) FILTER (WHERE state IN ('pending', 'running', 'retryable') OR (state IN ('available', 'scheduled') AND scheduled_at <= now()))
			FROM river_job WHERE kind = 'poll'`).Scan(&next, &inFlight)
		if err != nil {
			b.Fatal(err)
		}
		inbox, _, err := bs.db.InboxLag(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if next == bs.n && inFlight == 0 && inbox == 0 && bs.served(b, insts) {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("no settling: %d next polls, %d in flight, %d in the inbox", next, inFlight, inbox)
		}
		time.Sleep(100 * time.Millisecond) // polling the database, which has no event for it
	}
}

// served reports whether every instance serves the database's stories
// version.
func (bs *benchState) served(b *testing.B, insts []*instance) bool {
	v, err := bs.db.StoriesVersion(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range insts {
		if p, ok := metricValue(in.metrics(b), "aggregator_stories_version_published", nil); !ok || int64(p) != v {
			return false
		}
	}
	return true
}

// flushStats waits until the server's statistics include what the
// instances' sessions did: a session flushes its counters when idle, at
// most once a second, and 10 s after its last flush when it has been
// flushed less than a second before (PostgreSQL 15, PGSTAT_IDLE_INTERVAL):
// 11 s after the cycle they are in.
func (bs *benchState) flushStats(b *testing.B) {
	time.Sleep(11 * time.Second) // the statistics have no event to wait for
}

// written returns the rows the database's sessions inserted, updated and
// deleted, and the WAL position in bytes.
func (bs *benchState) written(b *testing.B) (rows, wal int64) {
	err := bs.db.Pool().QueryRow(context.Background(), `SELECT tup_inserted + tup_updated + tup_deleted,
		pg_current_wal_lsn() - '0/0' FROM pg_stat_database WHERE datname = current_database()`).Scan(&rows, &wal)
	if err != nil {
		b.Fatal(err)
	}
	return rows, wal
}

func (bs *benchState) feedsOf(b *testing.B, in *instance) string {
	resp, err := http.Get(in.base + "/feed.json")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return string(body)
}

// stopAll stops the instances with SIGTERM and waits for them.
func stopAll(b *testing.B, insts []*instance) {
	for _, in := range insts {
		in.signal(b, syscall.SIGTERM)
	}
	for _, in := range insts {
		if code := in.wait(b); code != 0 {
			b.Errorf("%s exited with %d", in.name, code)
		}
	}
}

// postmasterPID is the shared cluster's server process.
func postmasterPID(b *testing.B) string {
	raw, err := os.ReadFile(filepath.Join(pgtest.Shared(b).SocketDir(), "data", "postmaster.pid"))
	if err != nil {
		b.Fatal(err)
	}
	return strings.SplitN(string(raw), "\n", 2)[0]
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times.
const clockTicks = 100

// serverCPU is the CPU time of the postmaster and its children, live and
// exited (as store/postgres's benchmarks count it).
func serverCPU(b *testing.B, postmaster string) time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		b.Fatal(err)
	}
	var ticks int64
	for _, e := range entries {
		f := procStat(e.Name())
		if f == nil || (e.Name() != postmaster && f[1] != postmaster) {
			continue
		}
		fields := f[11:13] // utime, stime
		if e.Name() == postmaster {
			fields = f[11:15] // and cutime, cstime: the children it reaped
		}
		for _, v := range fields {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// instancesCPU is the CPU time of the instances' processes.
func instancesCPU(b *testing.B, insts []*instance) time.Duration {
	var ticks int64
	for _, in := range insts {
		f := procStat(strconv.Itoa(in.cmd.Process.Pid))
		if f == nil {
			b.Fatalf("no /proc entry for %s", in.name)
		}
		for _, v := range f[11:13] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// procStat returns the fields of /proc/PID/stat after the command name
// (state, ppid, ...), or nil.
func procStat(pid string) []string {
	raw, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return nil
	}
	s := string(raw)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}
