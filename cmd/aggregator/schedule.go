package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"aggregator/config"
	"aggregator/pipeline"
	"aggregator/store"
)

// scheduler runs polls on the configured schedules with robfig/cron.
type scheduler struct {
	c *cron.Cron
}

func (s *scheduler) stop() context.Context { return s.c.Stop() }

// schedule starts a scheduler for cfg (the global schedule, and one job
// per distinct per-feed schedule) and stops the previous one; a poll that
// the old scheduler started finishes on its own.
func (d *daemon) schedule(cfg *config.Config) error {
	logger := cronLogger{d.app.log}
	c := cron.New(cron.WithParser(config.CronParser), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	for spec, feeds := range feedsBySchedule(cfg) {
		if _, err := c.AddFunc(spec, func() { d.poll(feeds) }); err != nil {
			return fmt.Errorf("schedule %q: %w", spec, err)
		}
	}
	c.Start()
	d.mu.Lock()
	old := d.sch
	d.sch = &scheduler{c: c}
	d.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return nil
}

// feedsBySchedule groups feed names by their schedule; a nil list means
// every feed that has no schedule of its own.
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

// startPoll polls now, outside the scheduler (at start and after a
// reload); shutdown waits for it.
func (d *daemon) startPoll(feeds []string) {
	d.polls.Add(1)
	go func() {
		defer d.polls.Done()
		defer func() {
			if v := recover(); v != nil {
				d.app.log.Error("panic in poll", "panic", v)
			}
		}()
		d.poll(feeds)
	}()
}

// poll runs one poll of the given feeds (nil: all) and publishes the
// result.
func (d *daemon) poll(feeds []string) {
	ctx := d.pollCtx
	if ctx.Err() != nil {
		return
	}
	rep, err := d.app.pipe.Poll(ctx, pipeline.PollOptions{Feeds: feeds})
	if err != nil {
		d.app.log.Error("poll", "err", err)
	}
	if rep != nil {
		d.met.observePoll(rep)
		logReport(d.app.log, rep)
	}
	d.publish(context.Background())
	if err == nil {
		d.ready.Store(true)
	}
}

// publish renders the stories the store holds now into the output server
// and the configured files.
func (d *daemon) publish(ctx context.Context) {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	q := store.Query{Limit: cfg.Output.MaxItems}
	if hasTags(cfg) {
		q.Limit = 0 // tag feeds need more than the newest stories of all
	}
	stories, err := d.app.pipe.Stories(ctx, q)
	if err != nil {
		d.app.log.Error("read stories", "err", err)
		return
	}
	states, err := d.app.store.FeedStates(ctx)
	if err != nil {
		d.app.log.Error("read feed states", "err", err)
		return
	}
	ordered := orderStates(cfg, states)
	d.met.observeState(ordered, stories)
	changed, err := d.out.Update(stories, ordered)
	if err != nil {
		d.app.log.Error("render output", "err", err)
		return
	}
	if changed && len(cfg.Output.Files) > 0 {
		if err := writeFiles(cfg, stories); err != nil {
			d.app.log.Error("write output files", "err", err)
		}
	}
}

func hasTags(cfg *config.Config) bool {
	for _, f := range cfg.Feeds {
		if len(f.Tags) > 0 {
			return true
		}
	}
	return false
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

// cronLogger adapts slog to cron's logger; cron's info messages are debug
// for us.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
