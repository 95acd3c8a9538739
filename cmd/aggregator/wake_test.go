package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// TestSchedulerWake: a wake asks for its feeds at its time, on the
// scheduler's cron (a fake clock: synctest); a later wake replaces it, a
// zero one cancels it.
func TestSchedulerWake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var asked [][]string
		s := newScheduler(slog.New(slog.DiscardHandler), func(feeds []string) {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, feeds)
		})
		s.start()
		defer func() { <-s.stop().Done() }()
		got := func() [][]string {
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(asked)
		}
		start := time.Now()
		s.wake(start.Add(5*time.Minute), []string{"a"})
		time.Sleep(5*time.Minute - time.Second)
		if n := len(got()); n != 0 {
			t.Fatalf("asked %d polls before the wake's time", n)
		}
		time.Sleep(2 * time.Second)
		if a := got(); len(a) != 1 || !slices.Equal(a[0], []string{"a"}) {
			t.Fatalf("at the wake's time: asked %v, want [[a]]", a)
		}
		s.wake(time.Now().Add(10*time.Minute), nil)
		s.wake(time.Now().Add(20*time.Minute), []string{"b"}) // replaces it
		time.Sleep(15 * time.Minute)
		if a := got(); len(a) != 1 {
			t.Fatalf("the replaced wake asked for a poll: %v", a)
		}
		time.Sleep(10 * time.Minute)
		if a := got(); len(a) != 2 || !slices.Equal(a[1], []string{"b"}) {
			t.Fatalf("after the new wake's time: asked %v, want b's poll", a)
		}
		s.wake(time.Now().Add(time.Minute), []string{"c"})
		s.wake(time.Time{}, nil)
		time.Sleep(time.Hour)
		if a := got(); len(a) != 2 {
			t.Errorf("a cancelled wake asked for a poll: %v", a)
		}
	})
}

// TestNextWake: the wake is at the first due feed's time, not sooner than
// the gap after now; a feed never saved is due now; gone feeds wait for
// nothing.
func TestNextWake(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	states := map[string]news.FeedState{
		"soon":  {Name: "soon", NextPoll: now.Add(3 * time.Minute)},
		"later": {Name: "later", NextPoll: now.Add(time.Hour)},
		"past":  {Name: "past", NextPoll: now.Add(-time.Hour)},
		"gone":  {Name: "gone", NextPoll: now.Add(-time.Hour), Gone: true},
		"zero":  {Name: "zero"},
	}
	for _, tc := range []struct {
		feeds []string
		want  time.Time
	}{
		{[]string{"later", "soon"}, now.Add(3 * time.Minute)},
		{[]string{"later", "past"}, now.Add(time.Minute)},
		{[]string{"later", "new"}, now.Add(time.Minute)},
		{[]string{"later", "zero"}, now.Add(time.Minute)},
		{[]string{"later", "gone"}, now.Add(time.Hour)},
		{[]string{"gone"}, time.Time{}},
	} {
		if got := nextWake(tc.feeds, states, now, time.Minute); !got.Equal(tc.want) {
			t.Errorf("%v: wake at %v, want %v", tc.feeds, got.Sub(now), tc.want.Sub(now))
		}
	}
}

// TestDaemonWakesForDueFeeds: with an hourly schedule, the daemon polls a
// feed whose interval is a second every second or so (it wakes for it),
// and a feed with a schedule of its own only on that schedule.
func TestDaemonWakesForDueFeeds(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/fast.rss", rss("Fast", stories("fast", 1)))
	fs.set("/own.rss", rss("Own", stories("own", 1)))
	cfg := feedConfig(filepath.Join(t.TempDir(), "a.db"), "@every 1h", "fast", fs.url("/fast.rss"), "own", fs.url("/own.rss"))
	cfg = strings.Replace(cfg, "  min_interval: 1ms\n  max_interval: 1ms\n", "  min_interval: 1s\n  max_interval: 1s\n", 1)
	cfg = strings.Replace(cfg, "    url: "+fs.url("/own.rss")+"\n", "    url: "+fs.url("/own.rss")+"\n    schedule: \"@every 1h\"\n", 1)
	td := startDaemonWith(t, cfg, nil, func(d *daemon) { d.sched.wakeGap = 0 })
	fs.hits.wait(t, 0, "own's start-up poll", equals("/own.rss 200"))
	n := fs.hits.wait(t, 0, "fast's first poll", equals("/fast.rss 200"))
	n = fs.hits.wait(t, n+1, "fast's second poll, a wake", equals("/fast.rss 304"))
	fs.hits.wait(t, n+1, "fast's third poll, a wake", equals("/fast.rss 304"))
	if err := td.stop(); err != nil {
		t.Fatal(err)
	}
	if n := fs.hits.count(equals("/own.rss arrived")); n != 1 {
		t.Errorf("the feed on its own hourly schedule was requested %d times, want 1 (at start)", n)
	}
}

// TestFeedsShowInterval: after a one-shot fetch of a feed that published
// hourly, `aggregator feeds` shows its learned interval, √(1h·5m) = 17m,
// and the next fetch finds no feed due (it waits for the interval).
func TestFeedsShowInterval(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Minute)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Hourly</title><link>https://hourly.example/</link>`)
	for i, st := range stories("hourly", 10) {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><pubDate>%s</pubDate><description>%s</description></item>",
			st.guid, st.title, now.Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z), st.body)
	}
	b.WriteString("</channel></rss>")
	writeFile(t, filepath.Join(dir, "hourly.xml"), b.String())
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg := feedConfig(filepath.Join(dir, "a.db"), "@every 1h", "hourly", filepath.Join(dir, "hourly.xml"))
	cfg = strings.Replace(cfg, "  min_interval: 1ms\n  max_interval: 1ms\n", "  allow_files: true\n", 1)
	writeFile(t, cfgPath, cfg)
	if code, _, stderr := runCmd(t, "fetch", "--config", cfgPath, "--output", filepath.Join(dir, "out.rss")); code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}
	code, out, stderr := runCmd(t, "feeds", "--config", cfgPath)
	m := regexp.MustCompile(`(?m)^hourly +ok .* 17m +(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) +-$`).FindStringSubmatch(out)
	if code != 0 || !strings.Contains(out, "INTERVAL") || m == nil {
		t.Fatalf("feeds: exit %d, want the hourly feed's interval 17m:\n%s%s", code, out, stderr)
	}
	// NEXT POLL: the interval after the poll (±10 %), not the hourly tick.
	next, err := time.ParseInLocation("2006-01-02 15:04:05", m[1], time.Local)
	if d := time.Until(next); err != nil || d < 15*time.Minute || d > 20*time.Minute {
		t.Errorf("NEXT POLL %s (%v from now), want in about 17 minutes:\n%s", m[1], d, out)
	}
	code, _, stderr = runCmd(t, "fetch", "--config", cfgPath, "--output", filepath.Join(dir, "out.rss"))
	if code != 0 || !strings.Contains(stderr, "no feed was due: 1 waiting until") || !strings.Contains(stderr, "learned intervals") {
		t.Errorf("fetch right after: exit %d, want no feed due: %s", code, stderr)
	}
}

// TestReportCountsFeedsNotDue: with adaptive polling most feeds wait at
// most runs, so a one-shot fetch counts them on its summary line and
// lists them only with --verbose.
func TestReportCountsFeedsNotDue(t *testing.T) {
	rep := &pipeline.Report{Feeds: []pipeline.FeedReport{
		{Name: "polled", Status: pipeline.StatusOK, Items: 3, New: 1},
		{Name: "waiting", Status: pipeline.StatusSkipped}, {Name: "later", Status: pipeline.StatusSkipped},
	}}
	var plain, verb strings.Builder
	printReport(&plain, rep, normal)
	printReport(&verb, rep, verbose)
	if !strings.HasPrefix(plain.String(), "polled 1 feed in ") {
		t.Errorf("normal: %q, want it to start %q", plain.String(), "polled 1 feed in ")
	}
	if strings.Contains(plain.String(), "skipped") || !strings.HasSuffix(plain.String(), "; 2 not due (--force polls them now)\n") {
		t.Errorf("normal: %q, want one summary line counting 2 feeds not due", plain.String())
	}
	if strings.Count(verb.String(), "skipped (not due") != 2 {
		t.Errorf("verbose: %q, want a line per feed not due", verb.String())
	}
}
