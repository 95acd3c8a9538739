package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
)

// scheduler asks for polls on the configured schedules: one robfig/cron
// instance for the daemon's whole life, with one entry per distinct
// schedule, wrapped in cron.Recover and cron.SkipIfStillRunning. A job
// only records a request with the poll runner. A reload adds and removes
// entries; an entry whose schedule did not change is kept with its next run
// time, so a reload neither loses nor doubles a poll. Safe for concurrent
// use.
type scheduler struct {
	c       *cron.Cron
	request func(feeds []string)

	mu      sync.Mutex
	entries map[string]cron.EntryID // by schedule
	groups  map[string][]string     // feeds by schedule; nil: every feed
	wakeID  cron.EntryID            // the wake asked for; 0: none
	// wakeGap is the least time from a poll to the wake it asks for
	// (maxWakeGap; tests shorten it).
	wakeGap time.Duration
}

func newScheduler(log *slog.Logger, request func(feeds []string)) *scheduler {
	logger := cronLogger{log}
	c := cron.New(cron.WithParser(config.CronParser), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	return &scheduler{c: c, request: request, entries: map[string]cron.EntryID{}, wakeGap: maxWakeGap}
}

// set makes the scheduler ask for groups: for each schedule, the feeds it
// polls (nil: every feed). When a schedule does not parse nothing changes.
func (s *scheduler) set(groups map[string][]string) error {
	parsed := make(map[string]cron.Schedule, len(groups))
	for spec := range groups {
		sch, err := config.CronParser.Parse(spec)
		if err != nil {
			return fmt.Errorf("schedule %q: %w", spec, err)
		}
		parsed[spec] = sch
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = groups
	for spec, id := range s.entries {
		if _, ok := groups[spec]; !ok {
			s.c.Remove(id)
			delete(s.entries, spec)
		}
	}
	for spec, sch := range parsed {
		if _, ok := s.entries[spec]; !ok {
			s.entries[spec] = s.c.Schedule(sch, cron.FuncJob(func() { s.fire(spec) }))
		}
	}
	return nil
}

// fire asks for the poll of one schedule with the feeds it has now.
func (s *scheduler) fire(spec string) {
	s.mu.Lock()
	feeds, ok := s.groups[spec]
	s.mu.Unlock()
	if ok {
		s.request(feeds)
	}
}

// wake asks for a poll of feeds (nil: every feed) at t, in place of the
// wake asked for before; a zero t asks for none. Adaptive polling gives
// each feed a time of its own, which may fall between two ticks.
func (s *scheduler) wake(t time.Time, feeds []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wakeID != 0 {
		s.c.Remove(s.wakeID)
		s.wakeID = 0
	}
	if !t.IsZero() {
		s.wakeID = s.c.Schedule(once(t), cron.FuncJob(func() { s.request(feeds) }))
	}
}

// once is a cron schedule that runs at one time.
type once time.Time

// Next returns the time of o when it is after now, else the zero time
// (robfig/cron's "never").
func (o once) Next(now time.Time) time.Time {
	if t := time.Time(o); t.After(now) {
		return t
	}
	return time.Time{}
}

func (s *scheduler) start() { s.c.Start() }

// stop stops scheduling; the context is done when the jobs it started
// have returned.
func (s *scheduler) stop() context.Context { return s.c.Stop() }

// feedsBySchedule groups feed names by their schedule; a nil list means
// every feed (no feed has a schedule of its own).
func feedsBySchedule(cfg *config.Config) map[string][]string {
	m := map[string][]string{}
	var global []string
	own := false
	for _, f := range cfg.Feeds {
		if f.Schedule != "" && f.Schedule != cfg.Schedule {
			m[f.Schedule] = append(m[f.Schedule], f.Name)
			own = true
		} else {
			global = append(global, f.Name)
		}
	}
	if !own {
		global = nil
	}
	if !own || len(global) > 0 {
		m[cfg.Schedule] = global
	}
	return m
}

// poll runs one poll of feeds (nil: every feed) with the settings in force
// and publishes the result; with publishOnly it only publishes. The runner
// calls it, one at a time. A panic ends this poll only: it is logged and
// counted, and the daemon goes on.
func (d *daemon) poll(ctx context.Context, feeds []string, publishOnly bool) {
	cur := d.cur.Load()
	defer func() {
		if v := recover(); v != nil {
			d.app.log.Error("panic in poll", "panic", v, "stack", string(debug.Stack()))
			d.met.cycles.WithLabelValues("panic").Inc()
		}
	}()
	if d.dist != nil {
		d.dist.poll(ctx, cur, feeds, publishOnly)
		return
	}
	if publishOnly {
		d.publish(context.WithoutCancel(ctx), cur)
		return
	}
	if err := d.app.store.CheckFile(); err != nil {
		d.fail(err)
		return
	}
	unlock, err := d.app.store.LockPolls(ctx)
	if err != nil {
		d.app.log.Error("poll", "err", err)
		return
	}
	defer unlock()
	rep, err := d.app.pipe.Poll(ctx, cur.pipe, pipeline.PollOptions{Feeds: feeds})
	result := "ok"
	if err != nil {
		result = "error"
		d.app.log.Error("poll", "err", err)
	}
	if rep != nil {
		d.met.observePoll(rep)
	}
	d.met.cycles.WithLabelValues(result).Inc()
	d.publish(context.WithoutCancel(ctx), cur)
	if err == nil {
		d.ready.Store(true)
	}
	if rep != nil {
		logReport(d.app.log, rep)
	}
	d.wakeForDue(ctx, cur)
}

// publish renders what the store holds now into the output server and,
// when it changed, the configured files; it reports whether it did. The
// store's version is read before the render and recorded once the
// documents are served: a change committed during the render leaves the
// version published behind, and the watch publishes again.
func (d *daemon) publish(ctx context.Context, cur *current) bool {
	version := d.version(ctx)
	in, docs, err := d.app.pipe.Publish(ctx, cur.pipe, cur.out)
	if err != nil {
		d.app.log.Error("publish", "err", err)
		return false
	}
	d.met.observeState(in.Feeds, in.Stories)
	changed := d.out.Update(docs)
	d.published.Store(version) // once served: never ahead of what is served
	if changed && len(cur.cfg.Output.Files) > 0 {
		if err := output.WriteFiles(cur.cfg.Output.Files, docs); err != nil {
			d.app.log.Error("write output files", "err", err)
		}
	}
	d.app.log.Debug("published", "stories", len(in.Stories), "changed", changed, "version", version)
	return true
}

// pollInterval estimates the time between two runs of a schedule, for
// Cache-Control; 0 when the schedule cannot be parsed.
func pollInterval(spec string) time.Duration {
	s, err := config.CronParser.Parse(spec)
	if err != nil {
		return 0
	}
	first := s.Next(time.Now())
	return s.Next(first).Sub(first)
}

func logReport(log *slog.Logger, rep *pipeline.Report) {
	var fresh, merged int
	for _, f := range rep.Feeds {
		fresh += f.New
		merged += f.Merged
		if f.Status == pipeline.StatusFailed {
			log.Warn("feed failed", "feed", f.Name, "err", f.Err)
		}
	}
	log.Info("poll done", "duration", rep.Duration.Round(time.Millisecond), "ok", rep.Count(pipeline.StatusOK),
		"not_modified", rep.Count(pipeline.StatusNotModified), "failed", rep.Count(pipeline.StatusFailed),
		"skipped", rep.Count(pipeline.StatusSkipped), "new_items", fresh, "merged", merged)
}

// cronLogger adapts slog to cron's logger; cron's info messages (start,
// wake, run, skip) are debug for us.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
