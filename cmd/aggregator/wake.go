package main

import (
	"context"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/news"
)

// maxWakeGap is the least time from the end of a poll to the wake it asks
// for: the feeds due within it are polled together, and the daemon wakes
// at most once a minute for due feeds (a faster schedule's ticks poll the
// feeds due at each tick).
const maxWakeGap = time.Minute

// wakeForDue asks the scheduler to wake for the next feed due: with
// adaptive polling every feed without a schedule of its own is polled
// when its interval has passed, not at the next tick. Called after each
// poll, from the runner.
func (d *daemon) wakeForDue(ctx context.Context, cur *current) {
	feeds, all := adaptiveFeeds(cur.cfg)
	if len(feeds) == 0 {
		d.sched.wake(time.Time{}, nil)
		return
	}
	states, err := d.app.store.FeedStates(ctx)
	if err != nil {
		d.app.log.Warn("find the next feed due", "err", err)
		return
	}
	at := nextWake(feeds, states, time.Now(), d.sched.wakeGap)
	if all {
		feeds = nil
	}
	d.sched.wake(at, feeds)
}

// adaptiveFeeds returns the names of the feeds polled when they are due
// (without a schedule of their own), and whether that is every feed.
func adaptiveFeeds(cfg *config.Config) (names []string, all bool) {
	for _, f := range cfg.Feeds {
		if f.Schedule == "" {
			names = append(names, f.Name)
		}
	}
	return names, len(names) == len(cfg.Feeds)
}

// nextWake is when the first of feeds is due (a feed never saved is due
// now), but not before now plus gap. Zero when every feed is gone.
func nextWake(feeds []string, states map[string]news.FeedState, now time.Time, gap time.Duration) time.Time {
	var first time.Time
	found := false
	for _, name := range feeds {
		st, ok := states[name]
		if ok && st.Gone {
			continue
		}
		due := now // never saved
		if ok {
			due = st.NextPoll
		}
		if !found || due.Before(first) {
			first, found = due, true
		}
	}
	if !found {
		return time.Time{}
	}
	return later(first, now.Add(gap))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
