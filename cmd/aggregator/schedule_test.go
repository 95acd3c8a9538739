package main

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/robfig/cron/v3"

	"github.com/wirestory/aggregator/config"
)

// TestFeedsBySchedule: feeds with a schedule of their own are polled on it
// and not on the global one.
func TestFeedsBySchedule(t *testing.T) {
	cfg := &config.Config{Schedule: "@every 10m", Feeds: []config.Feed{
		{Name: "a"}, {Name: "b", Schedule: "@every 1m"}, {Name: "c", Schedule: "@every 10m"}, {Name: "d", Schedule: "@every 1m"},
	}}
	got := feedsBySchedule(cfg)
	if len(got) != 2 || !slices.Equal(got["@every 10m"], []string{"a", "c"}) || !slices.Equal(got["@every 1m"], []string{"b", "d"}) {
		t.Errorf("with own schedules: %v", got)
	}
	cfg.Feeds = []config.Feed{{Name: "a"}, {Name: "b"}}
	if got := feedsBySchedule(cfg); len(got) != 1 || got["@every 10m"] != nil {
		t.Errorf("without own schedules: %v, want the global schedule for every feed (nil)", got)
	}
	cfg.Feeds = []config.Feed{{Name: "a", Schedule: "@hourly"}}
	if got := feedsBySchedule(cfg); len(got) != 1 || !slices.Equal(got["@hourly"], []string{"a"}) {
		t.Errorf("every feed on its own schedule: %v, want no global entry", got)
	}
}

// TestSchedulerReloadKeepsEntries: a reload keeps the cron entry of a
// schedule that did not change (so its next run is neither lost nor
// doubled), removes the dropped ones, adds the new ones, and changes
// nothing when a schedule does not parse.
func TestSchedulerReloadKeepsEntries(t *testing.T) {
	var ran [][]string
	s := newScheduler(slog.New(slog.DiscardHandler), func(feeds []string) { ran = append(ran, feeds) })
	if err := s.set(map[string][]string{"@every 1h": nil, "CRON_TZ=Europe/Berlin 0 6 * * *": {"x"}}); err != nil {
		t.Fatal(err)
	}
	kept := s.entries["@every 1h"]
	if err := s.set(map[string][]string{"@every 1h": {"a"}, "*/5 * * * * *": {"b"}}); err != nil {
		t.Fatal(err)
	}
	if s.entries["@every 1h"] != kept {
		t.Errorf("the unchanged schedule got a new entry: %d, was %d", s.entries["@every 1h"], kept)
	}
	ids := entryIDs(s.c)
	if len(ids) != 2 || !slices.Contains(ids, kept) || !slices.Contains(ids, s.entries["*/5 * * * * *"]) {
		t.Errorf("cron entries %v, want %d and the new one", ids, kept)
	}
	if err := s.set(map[string][]string{"every tuesday": nil}); err == nil || !strings.Contains(err.Error(), "every tuesday") {
		t.Errorf("a bad schedule: err %v", err)
	}
	if got := entryIDs(s.c); !slices.Equal(got, ids) {
		t.Errorf("a failed set changed the entries: %v, was %v", got, ids)
	}
	s.fire("@every 1h")
	s.fire("CRON_TZ=Europe/Berlin 0 6 * * *") // removed: runs nothing
	if len(ran) != 1 || !slices.Equal(ran[0], []string{"a"}) {
		t.Errorf("fired polls %v, want [[a]]: the feeds of the current config", ran)
	}
}

func entryIDs(c *cron.Cron) []cron.EntryID {
	var ids []cron.EntryID
	for _, e := range c.Entries() {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestScheduleRespectsFeedTimes: with an @every 1s global schedule, a
// feed on an hourly schedule of its own is polled only at start, and a
// failing feed waits out its backoff instead of being polled every tick.
func TestScheduleRespectsFeedTimes(t *testing.T) {
	fs := newFeedServer(t)
	fs.set("/a.rss", rss("Alpha", stories("alpha", 1)))
	fs.set("/h.rss", rss("Hourly", stories("hourly", 1)))
	fs.fail("/f.rss", http.StatusServiceUnavailable)
	cfg := feedConfig(filepath.Join(t.TempDir(), "a.db"), "@every 1s",
		"alpha", fs.url("/a.rss"), "failing", fs.url("/f.rss"), "hourly", fs.url("/h.rss"))
	cfg = strings.Replace(cfg, "    url: "+fs.url("/h.rss")+"\n", "    url: "+fs.url("/h.rss")+"\n    schedule: \"@hourly\"\n", 1)
	td := startDaemon(t, cfg, nil)

	fs.hits.wait(t, 0, "the start-up poll of the failing feed", equals("/f.rss 503"))
	fs.hits.wait(t, 0, "the start-up poll of the hourly feed", equals("/h.rss 200"))
	a := fs.hits.wait(t, 0, "alpha's first poll", equals("/a.rss 200"))
	a = fs.hits.wait(t, a+1, "alpha's second poll", equals("/a.rss 304"))
	fs.hits.wait(t, a+1, "alpha's third poll", equals("/a.rss 304"))
	if err := td.stop(); err != nil {
		t.Fatal(err)
	}
	if n := fs.hits.count(equals("/f.rss arrived")); n != 1 {
		t.Errorf("the failing feed was requested %d times in three ticks, want 1 (backoff)", n)
	}
	if n := fs.hits.count(equals("/h.rss arrived")); n != 1 {
		t.Errorf("the hourly feed was requested %d times, want 1 (at start)", n)
	}
}
