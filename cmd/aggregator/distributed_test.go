package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/internal/pgtest"
	"github.com/wirestory/aggregator/store/postgres"
)

// withPassword returns dsn with a password in its user information: the
// test clusters trust every local connection, so it is never checked,
// and nothing may show it.
func withPassword(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "s3cr3t-pw")
	return u.String()
}

// TestPostgresCommands: with a postgres:// store, check shows it
// without its password; the commands refuse an unmigrated database
// naming aggregator migrate; migrate applies the schema once; a one-shot
// fetch polls and places (it takes the placer's lease, and gives up
// naming the holder when a serve instance holds it); feeds, stats and
// explain read the database.
func TestPostgresCommands(t *testing.T) {
	dir := t.TempDir()
	w := newWireFeeds(t, wireBodies(5, 3), 0)
	dsn := withPassword(t, pgDatabase(t))
	writeFile(t, filepath.Join(dir, "c.yaml"), w.config(dsn, "cluster:\n  placer_lease: 1s\n"))
	run := func(args ...string) (int, string, string) {
		var out strings.Builder
		code, stderr := runBin(t, dir, &out, append([]string{args[0], "--config", "c.yaml"}, args[1:]...)...)
		if strings.Contains(out.String()+stderr, "s3cr3t-pw") {
			t.Errorf("aggregator %s showed the password:\n%s%s", args[0], out.String(), stderr)
		}
		return code, out.String(), stderr
	}
	if code, out, _ := run("check"); code != 0 || !strings.Contains(out, "store "+postgres.Redact(dsn)) {
		t.Errorf("check: %d\n%s", code, out)
	}
	for _, cmd := range []string{"feeds", "stats", "fetch", "serve"} {
		if code, _, stderr := run(cmd); code != 1 || !strings.Contains(stderr, "aggregator migrate --config") {
			t.Errorf("%s on an unmigrated database: %d\n%s", cmd, code, stderr)
		}
	}
	if code, out, stderr := run("migrate"); code != 0 || !strings.Contains(out, "applied schema versions [1 2 3], River's [1 2 3 4 5 6 7 8]") {
		t.Fatalf("migrate: %d\n%s%s", code, out, stderr)
	}
	if code, out, _ := run("migrate"); code != 0 || !strings.Contains(out, "nothing to apply") {
		t.Errorf("a second migrate: %d\n%s", code, out)
	}
	code, out, stderr := run("fetch", "--format", "json")
	if code != 0 || !strings.Contains(stderr, "polled 5 feeds") || !strings.Contains(out, `"items":[`) {
		t.Fatalf("fetch: %d\n%s\n%.300s", code, stderr, out)
	}
	pg := openPG(t, strings.Replace(dsn, ":s3cr3t-pw", "", 1))
	if n, _, err := pg.InboxLag(context.Background()); err != nil || n != 0 {
		t.Errorf("fetch left %d items in the inbox, %v", n, err)
	}
	if code, out, _ := run("feeds"); code != 0 || strings.Count(out, " ok ") != 5 {
		t.Errorf("feeds: %d\n%s", code, out)
	}
	if code, out, _ := run("stats"); code != 0 || !strings.Contains(out, "items      15") || !strings.Contains(out, "feed-0004  3") {
		t.Errorf("stats: %d\n%s", code, out)
	}
	link := w.itemLink(t, 0)
	if code, out, stderr := run("explain", link, link); code != 0 || !strings.Contains(out, "merged") && !strings.Contains(out, "same") {
		t.Errorf("explain: %d\n%s%s", code, out, stderr)
	}
	// A serve instance holds the placer's lease: a fetch gives up.
	if _, ok, err := pg.AcquireLease(context.Background(), "serve-elsewhere-1-abc", time.Hour); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if code, _, stderr := run("fetch", "--force"); code != 1 || !strings.Contains(stderr, "held by serve-elsewhere-1-abc") {
		t.Errorf("fetch beside a serve instance: %d\n%s", code, stderr)
	}
}

// itemLink returns the link of the first item of feed i.
func (w *wireFeeds) itemLink(t *testing.T, i int) string {
	t.Helper()
	body := string(w.bodies[i])
	start := strings.Index(body, "<link>https://")
	if start < 0 {
		t.Fatalf("no item link in feed %d", i)
	}
	start = strings.Index(body[start+6:], "<link>") + start + 6 // the channel's link comes first
	end := strings.Index(body[start:], "</link>")
	return strings.ReplaceAll(body[start+len("<link>"):start+end], "&amp;", "&")
}

// TestDistributedServe: two instances on one database are ready and
// report the cluster's metrics; /readyz fails once the schema is newer
// than the binary's. SIGTERM with a poll held at the feed server: the
// instance waits its grace period, cancels the poll (River gives it to the
// other instance, which commits it), releases the placer's lease at once
// and exits 0.
func TestDistributedServe(t *testing.T) {
	dir := t.TempDir()
	w := newWireFeeds(t, wireBodies(6, 2), 0)
	dsn := pgDatabase(t)
	text := w.config(dsn, "cluster:\n  placer_lease: 30s\n  job_timeout: 20s\n  rescue_after: 1h\n")
	writeFile(t, filepath.Join(dir, "c.yaml"), text)
	migrated(t, dir, "c.yaml")
	db := openPG(t, dsn)
	w.hold("agg-A")
	a := startInstance(t, dir, text, "agg-A", "--shutdown-timeout", "1s")
	w.waitHeld(t, 1) // a holds a running poll job
	idA := a.id(t)
	if h, _, live, err := db.LeaseHolder(context.Background()); err != nil || !live || h != idA {
		t.Fatalf("lease %s live %v, %v; want %s's", h, live, err, idA)
	}
	b := startInstance(t, dir, text, "agg-B")
	for _, in := range []*instance{a, b} {
		in.notes.wait(t, 0, "READY=1", hasState("READY=1"))
		// Ready once it has rendered, which follows READY at once.
		for deadline := time.Now().Add(waitTimeout); ; {
			code, body := httpGet(t, in.base+"/readyz")
			if code == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s /readyz: %d %s", in.name, code, body)
			}
			time.Sleep(20 * time.Millisecond) // polling /readyz, which has no event
		}
		m := in.metrics(t)
		for _, name := range []string{"aggregator_poll_jobs_total", "aggregator_placer_lease_held", "aggregator_inbox_items", "aggregator_inbox_oldest_age_seconds", "aggregator_stories_version_published"} {
			if !strings.Contains(m, name) {
				t.Errorf("%s /metrics has no %s", in.name, name)
			}
		}
	}
	if _, err := db.Pool().Exec(context.Background(), "INSERT INTO aggregator_migration (version) VALUES (99)"); err != nil {
		t.Fatal(err)
	}
	if code, body := httpGet(t, b.base+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "newer") {
		t.Errorf("/readyz on a newer schema: %d %s", code, body)
	}
	if _, err := db.Pool().Exec(context.Background(), "DELETE FROM aggregator_migration WHERE version = 99"); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	a.signal(t, syscall.SIGTERM)
	if code := a.wait(t); code != 0 {
		t.Errorf("SIGTERM: exit %d", code)
	}
	w.release()
	a.logs.wait(t, 0, "the cancelled poll", contains("poll jobs still running at the end of the grace period"))
	deadline := time.Now().Add(waitTimeout)
	for {
		h, _, live, err := db.LeaseHolder(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if live && h == b.id(t) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other instance did not take the released lease")
		}
		time.Sleep(50 * time.Millisecond) // polling the database for the takeover, which has no event
	}
	if d := time.Since(stopped); d > 15*time.Second {
		t.Errorf("the lease was taken over %v after SIGTERM: it was not released", d)
	}
	for {
		var n int
		err := db.Pool().QueryRow(context.Background(), `SELECT count(DISTINCT args->>'feed') FROM river_job
			WHERE kind = 'poll' AND metadata->'output'->>'committed' = 'true'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 6 feeds committed after the shutdown", n)
		}
		time.Sleep(50 * time.Millisecond) // polling the database, which has no event for it
	}
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestPoolOptions: the pool fits the workers and River, and a paused
// process's transaction is ended after the placer's lease, within 5-30 s.
func TestPoolOptions(t *testing.T) {
	tests := []struct {
		cluster config.Cluster
		fetch   config.Fetch
		workers int
		idle    time.Duration
	}{
		{config.Cluster{PlacerLease: 10 * time.Second}, config.Fetch{}, 16, 10 * time.Second},
		{config.Cluster{Workers: 50, PlacerLease: 2 * time.Second}, config.Fetch{Concurrency: 8}, 50, 5 * time.Second},
		{config.Cluster{PlacerLease: time.Minute}, config.Fetch{Concurrency: 8}, 8, 30 * time.Second},
	}
	for _, tt := range tests {
		cfg := &config.Config{Cluster: tt.cluster, Fetch: tt.fetch}
		o := poolOptions(cfg)
		if workersOf(cfg) != tt.workers || o.MaxConns != int32(tt.workers+10) || o.IdleInTransaction != tt.idle {
			t.Errorf("%+v %+v: workers %d, options %+v; want %d workers, idle %v", tt.cluster, tt.fetch, workersOf(cfg), o, tt.workers, tt.idle)
		}
	}
}

// TestDistributedPostgresCrash: two instances go on after PostgreSQL
// crashes and starts again: they serve what they rendered meanwhile, and
// afterwards poll, place and render again (new items of a changed feed
// reach both), ready again, without a restart of their own.
func TestDistributedPostgresCrash(t *testing.T) {
	binary(t)
	c := pgtest.NewCluster(t, pgtest.Options{SyncCommit: true})
	if err := c.CreateDatabase(context.Background(), "crash", ""); err != nil {
		t.Fatal(err)
	}
	dsn := c.DSN("crash")
	dir := t.TempDir()
	bodies := wireBodies(21, 3)
	w := newWireFeeds(t, bodies[:20], 0)
	text := w.config(dsn, "cluster:\n  placer_lease: 2s\n  job_timeout: 10s\n  rescue_after: 10s\n")
	writeFile(t, filepath.Join(dir, "c.yaml"), text)
	migrated(t, dir, "c.yaml")
	insts := startInstances(t, dir, text, 2)
	db := openPG(t, dsn)
	r := &clusterRun{feeds: w, dsn: dsn, db: db, insts: insts, dir: dir}
	r.settleN(t, insts, 20)
	before := httpBody(t, insts[0].base+"/feed.json")
	if err := c.Crash(); err != nil {
		t.Fatal(err)
	}
	for _, in := range insts {
		if got := httpBody(t, in.base+"/feed.json"); got != before {
			t.Errorf("%s stopped serving what it rendered while the database was down", in.name)
		}
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.bodies[0], w.etags[0] = bodies[20], `"f0-new"`
	w.mu.Unlock()
	conn := openPG(t, dsn) // a new pool: the first's connections fail once after the crash
	if _, err := conn.Pool().Exec(context.Background(), "UPDATE river_job SET state = 'available', scheduled_at = now() WHERE kind = 'poll' AND state = 'scheduled'"); err != nil {
		t.Fatal(err)
	}
	r.db = conn
	r.settleN(t, insts, 20)
	if n := r.count(t, `SELECT count(*) FROM river_job WHERE kind = 'poll' AND metadata->'output'->>'committed' = 'true'`); n != 40 {
		t.Errorf("%d polls committed, want 40 (two rounds of 20)", n)
	}
	title := firstTitle(t, bodies[20])
	for _, in := range insts {
		if code, body := httpGet(t, in.base+"/readyz"); code != http.StatusOK {
			t.Errorf("%s /readyz after the crash: %d %s", in.name, code, body)
		}
		if !strings.Contains(httpBody(t, in.base+"/feed.json"), title) {
			t.Errorf("%s does not serve the new item %q", in.name, title)
		}
		if in.cmd.ProcessState != nil {
			t.Errorf("%s exited", in.name)
		}
	}
}

func httpBody(t *testing.T, u string) string {
	t.Helper()
	_, body := httpGet(t, u)
	return body
}

// firstTitle returns the first item title of an RSS document.
func firstTitle(t *testing.T, doc []byte) string {
	t.Helper()
	s := string(doc)
	i := strings.Index(s, "<item>")
	if i < 0 {
		t.Fatal("no item in the feed")
	}
	s = s[i:]
	start, end := strings.Index(s, "<title>"), strings.Index(s, "</title>")
	return html.UnescapeString(s[start+len("<title>") : end])
}
