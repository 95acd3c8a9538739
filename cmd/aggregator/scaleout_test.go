package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
	"github.com/wirestory/aggregator/store/postgres"
)

// The main proof of scale-out (issue 16, docs/scale-out.md): 1,000
// loopback feeds of generated wire copy with cross-feed copies, polled
// once by a one-shot SQLite fetch (the reference), then by three serve
// processes sharing one PostgreSQL database, in three runs that each
// lose an instance differently. Each run must end with the reference's
// stories (same partition, same story ids), the same feed bytes on every
// surviving instance, each (feed, due time) committed exactly once, each
// feed fetched once except those in flight on the lost instance (at most
// twice), and nothing left in the inbox.
//
// The short settings (cluster keys of the config): jobs time out after
// 10 s and are presumed lost after 10 s (River's rescuer then takes them
// within its 30 s period), the placer's lease lasts 2 s, except in the run
// that kills the placer, which checks the failover time with the default
// lease (10 s).
const (
	scaleFeeds = 1000
	scaleItems = 6
	// scaleCluster are the cluster keys of the runs.
	scaleCluster = "cluster:\n  workers: 8\n  job_timeout: 10s\n  rescue_after: 10s\n  placer_lease: 2s\n"
	// settleTimeout bounds a run's wait for its cluster to settle: a
	// rescue takes rescue_after plus up to 35 s.
	settleTimeout = 150 * time.Second
)

func TestScaleOut(t *testing.T) {
	binary(t) // skipped with -short
	pgDatabase(t)
	bodies := wireBodies(scaleFeeds, scaleItems)
	ref := reference(t, bodies)
	t.Run("sigkill", func(t *testing.T) { t.Parallel(); runKilled(t, bodies, ref) })
	t.Run("placer", func(t *testing.T) { t.Parallel(); runPlacerKilled(t, bodies, ref) })
	t.Run("zombie", func(t *testing.T) { t.Parallel(); runZombie(t, bodies, ref) })
}

// reference polls the feeds once with a one-shot fetch into SQLite and
// returns each item's story.
func reference(t *testing.T, bodies [][]byte) map[string]string {
	t.Helper()
	feeds := newWireFeeds(t, bodies, 0)
	dir := t.TempDir()
	path := filepath.Join(dir, "ref.db")
	writeFile(t, filepath.Join(dir, "ref.yaml"), feeds.config(path, ""))
	if code, stderr := runBin(t, dir, io.Discard, "fetch", "--config", "ref.yaml"); code != 0 {
		t.Fatalf("reference fetch: %d\n%s", code, stderr)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ss, err := db.Stories(context.Background(), news.StoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	part := partitionOf(ss)
	stories := len(slices.Compact(slices.Sorted(maps.Values(part))))
	if len(part) != scaleFeeds*scaleItems || stories > len(part)*9/10 {
		t.Fatalf("reference: %d items in %d stories; want %d items and copies merged", len(part), stories, scaleFeeds*scaleItems)
	}
	t.Logf("reference: %d items in %d stories", len(part), stories)
	return part
}

func partitionOf(ss []news.Story) map[string]string {
	out := map[string]string{}
	for _, s := range ss {
		for _, m := range s.Members {
			out[m.ID] = s.ID
		}
	}
	return out
}

// clusterRun is one cluster of a test: its feed server, database and instances.
type clusterRun struct {
	feeds *wireFeeds
	dsn   string
	db    *postgres.DB
	insts []*instance
	dir   string
}

// startRun migrates a new database and starts three instances on it with
// the cluster keys cluster; hold names the client whose fetches wait.
func startRun(t *testing.T, bodies [][]byte, cluster, hold string, flags ...string) *clusterRun {
	r := &clusterRun{feeds: newWireFeeds(t, bodies, 0), dsn: pgDatabase(t), dir: t.TempDir()}
	text := r.feeds.config(r.dsn, cluster)
	writeFile(t, filepath.Join(r.dir, "config.yaml"), text)
	migrated(t, r.dir, "config.yaml")
	r.db = openPG(t, r.dsn)
	if hold != "" {
		r.feeds.hold(hold)
	}
	r.insts = startInstances(t, r.dir, text, 3, flags...)
	return r
}

// runKilled: one instance is killed with SIGKILL while it holds running
// poll jobs (its fetches wait at the feed server).
func runKilled(t *testing.T, bodies [][]byte, ref map[string]string) {
	r := startRun(t, bodies, scaleCluster, "agg-B")
	victim := r.insts[1]
	id := victim.id(t)
	r.feeds.waitHeld(t, 8)
	running := r.count(t, "SELECT count(*) FROM river_job WHERE state = 'running' AND $1 = ANY(attempted_by)", id)
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	victim.wait(t)
	r.feeds.release()
	if running == 0 {
		t.Fatal("the killed instance held no running job")
	}
	t.Logf("killed %s holding %d running poll jobs", victim.name, running)
	r.check(t, ref, []*instance{r.insts[0], r.insts[2]}, victim.name)
}

// runPlacerKilled: the instance placing the inbox is killed with SIGKILL
// while it places (at its first placement's first item); another takes
// the lease over within 15 s (with the default placer_lease, 10 s),
// rebuilds the window from the store and places the rest.
func runPlacerKilled(t *testing.T, bodies [][]byte, ref map[string]string) {
	defaultLease := strings.Replace(scaleCluster, "  placer_lease: 2s\n", "", 1)
	r := startRun(t, bodies, defaultLease, "", "--log-level", "debug")
	stop := make(chan struct{})
	defer close(stop)
	placing := make(chan *instance, len(r.insts))
	for _, in := range r.insts {
		go func() {
			if _, ok := <-in.logs.first(0, contains(`msg="placed item"`), stop); ok {
				placing <- in
			}
		}()
	}
	var placer *instance
	select {
	case placer = <-placing:
	case <-time.After(settleTimeout):
		t.Fatal("no instance began placing")
	}
	if err := placer.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	placer.wait(t)
	var survivors []*instance
	for _, in := range r.insts {
		if in != placer {
			survivors = append(survivors, in)
		}
	}
	for {
		h, _, live, err := r.db.LeaseHolder(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if live && pidOf(h) != placer.cmd.Process.Pid {
			break
		}
		if time.Since(killed) > settleTimeout {
			t.Fatal("no instance took the placer lease over")
		}
		time.Sleep(50 * time.Millisecond) // polling the database for the takeover, which has no event
	}
	failover := time.Since(killed)
	t.Logf("killed the placer %s mid-placement; the lease was taken over after %v", placer.name, failover.Round(time.Millisecond))
	if failover > 15*time.Second {
		t.Errorf("placer failover took %v, want at most 15 s", failover)
	}
	r.check(t, ref, survivors, "")
}

// runZombie: one instance is paused (SIGSTOP) while it holds running poll
// jobs, past the rescue time, until other instances have committed its
// feeds; then it wakes (SIGCONT) and its stale attempts must commit
// nothing. It goes on as a healthy instance.
func runZombie(t *testing.T, bodies [][]byte, ref map[string]string) {
	r := startRun(t, bodies, scaleCluster, "agg-C")
	zombie := r.insts[2]
	id := zombie.id(t)
	r.feeds.waitHeld(t, 8)
	if err := zombie.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	held := r.count(t, "SELECT count(*) FROM river_job WHERE state = 'running' AND $1 = ANY(attempted_by)", id)
	if held == 0 {
		t.Fatal("the paused instance held no running job")
	}
	// Its jobs are rescued and committed by the others.
	deadline := time.Now().Add(settleTimeout)
	for r.count(t, `SELECT count(*) FROM river_job WHERE $1 = ANY(attempted_by) AND state = 'completed'
		AND metadata->'output'->>'committed' = 'true'`, id) < held {
		if time.Now().After(deadline) {
			t.Fatal("the paused instance's jobs were not committed by the others")
		}
		time.Sleep(200 * time.Millisecond) // polling the database, which has no event for it
	}
	if err := zombie.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	r.feeds.release()
	t.Logf("paused %s holding %d running poll jobs until others committed them", zombie.name, held)
	r.check(t, ref, r.insts, zombie.name)
	// The stories converge through the others' commits; the zombie's own
	// stale attempts end when their fetches do, which may be later.
	deadline = time.Now().Add(settleTimeout)
	for {
		refused, _ := metricValue(zombie.metrics(t), "aggregator_poll_jobs_total", map[string]string{"outcome": "refused"})
		if refused >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("the zombie's stale attempts: %v refused, want at least 1", refused)
			break
		}
		time.Sleep(200 * time.Millisecond) // polling its metrics, which have no event for it
	}
}

func (r *clusterRun) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := r.db.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (in *instance) metrics(t testing.TB) string {
	t.Helper()
	resp, err := http.Get(in.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// settle waits until every feed's first poll is committed and its next
// queued, no due poll is in flight, the inbox is empty and every instance
// serves the stories version of the database.
func (r *clusterRun) settle(t *testing.T, insts []*instance) {
	t.Helper()
	r.settleN(t, insts, scaleFeeds)
}

// settleN is settle for a run of feeds feeds.
func (r *clusterRun) settleN(t *testing.T, insts []*instance, feeds int) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(settleTimeout)
	for {
		next := r.count(t, "SELECT count(*) FROM river_job WHERE kind = 'poll' AND state IN ('scheduled', 'available') AND scheduled_at > now()")
		inFlight := r.count(t, `SELECT count(*) FROM river_job WHERE kind = 'poll'
			AND (state IN ('pending', 'running', 'retryable') OR (state IN ('available', 'scheduled') AND scheduled_at <= now()))`)
		inbox, _, err := r.db.InboxLag(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := r.db.StoriesVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		served := 0
		for _, in := range insts {
			if p, ok := metricValue(in.metrics(t), "aggregator_stories_version_published", nil); ok && int64(p) == v {
				served++
			}
		}
		if next == feeds && inFlight == 0 && inbox == 0 && served == len(insts) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster did not settle: %d next polls queued, %d due in flight, %d in the inbox, %d of %d instances serve version %d",
				next, inFlight, inbox, served, len(insts), v)
		}
		time.Sleep(200 * time.Millisecond) // polling the database and the instances, which have no event for it
	}
}

// check waits for the run to settle and checks its outcome against the
// reference; lost names the instance whose fetches may be repeated.
func (r *clusterRun) check(t *testing.T, ref map[string]string, survivors []*instance, lost string) {
	t.Helper()
	r.settle(t, survivors)
	ss, err := r.db.Stories(context.Background(), news.StoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := partitionOf(ss)
	if !maps.Equal(got, ref) {
		diff := 0
		for id, s := range ref {
			if got[id] != s {
				diff++
			}
		}
		t.Errorf("stories differ from the reference: %d items (want %d), %d placed elsewhere", len(got), len(ref), diff)
	}
	r.checkCommits(t)
	r.checkFetches(t, lost)
	r.checkBytes(t, survivors)
}

// checkCommits: each feed's poll committed exactly once.
func (r *clusterRun) checkCommits(t *testing.T) {
	t.Helper()
	rows, err := r.db.Pool().Query(context.Background(), `SELECT args->>'feed', args->>'due', count(*) FROM river_job
		WHERE kind = 'poll' AND metadata->'output'->>'committed' = 'true' GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	feeds := map[string]int{}
	for rows.Next() {
		var feed, due string
		var n int
		if err := rows.Scan(&feed, &due, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("(%s, %s) committed %d times", feed, due, n)
		}
		feeds[feed]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(feeds) != scaleFeeds {
		t.Errorf("%d feeds committed, want %d", len(feeds), scaleFeeds)
	}
	for f, n := range feeds {
		if n != 1 {
			t.Errorf("%s: %d polls committed, want 1", f, n)
		}
	}
}

// checkFetches: each feed fetched once, except those the lost instance
// fetched, at most twice.
func (r *clusterRun) checkFetches(t *testing.T, lost string) {
	t.Helper()
	counts := r.feeds.counts()
	repeated := 0
	for i := range scaleFeeds {
		byClient := counts[fmt.Sprintf("/f/%d.xml", i)]
		n := 0
		for _, c := range byClient {
			n += c
		}
		switch {
		case n == 1:
		case n == 2 && lost != "" && byClient[lost] == 1:
			repeated++
		default:
			t.Errorf("feed %d fetched %d times (%v)", i, n, byClient)
		}
	}
	t.Logf("%d feeds fetched twice (in flight on the lost instance)", repeated)
}

// checkBytes: every surviving instance serves the same feeds, with the
// same ETags.
func (r *clusterRun) checkBytes(t *testing.T, insts []*instance) {
	t.Helper()
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json"} {
		var first, firstTag string
		for i, in := range insts {
			resp, err := http.Get(in.base + path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s%s: %d, %v", in.base, path, resp.StatusCode, err)
			}
			if i == 0 {
				first, firstTag = string(b), resp.Header.Get("ETag")
				if !strings.Contains(first, "merged.example") {
					t.Errorf("%s: %.200s", path, first)
				}
				continue
			}
			if string(b) != first || resp.Header.Get("ETag") != firstTag {
				t.Errorf("%s differs between %s and %s (ETags %s, %s): %s", path, insts[0].name, in.name, firstTag, resp.Header.Get("ETag"), firstDiff(first, string(b)))
			}
		}
	}
}

// firstDiff shows where a and b begin to differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d: %q vs %q", i, a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}
