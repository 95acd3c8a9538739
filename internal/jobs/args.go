package jobs

import (
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// Kinds of the jobs.
const (
	KindPoll    = "poll"
	KindRequeue = "requeue"
)

// liveStates are the states of a job that will still run (or runs): a
// poll job is unique among them. Completed is left out (a completed job,
// kept for the retention period, would block the re-queuing of its (feed,
// due)), and so are cancelled and discarded.
var liveStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// maxAttempts bounds the attempts of a poll job that keeps failing (the
// store fails); the re-queuer queues the feed again once it is discarded.
const maxAttempts = 5

// PollArgs is one poll of one feed: the feed's name and the time it is
// due (UTC, whole seconds). Equal arguments are one job while it is live.
type PollArgs struct {
	Feed string    `json:"feed"`
	Due  time.Time `json:"due"`
}

// Kind is the job's kind, "poll".
func (PollArgs) Kind() string { return KindPoll }

// InsertOpts makes a poll job unique by its arguments among live jobs.
func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

// scheduleAt returns the insert options of a poll due at due: scheduled
// then when that is after now, else available at once (River makes any
// job given a time "scheduled", which only the leader's scheduler makes
// available, every 5 s).
func scheduleAt(due, now time.Time) *river.InsertOpts {
	if due.After(now) {
		return &river.InsertOpts{ScheduledAt: due}
	}
	return nil
}

// pollArgs returns the arguments of feed's poll at due, normalised so
// that one instant always encodes the same (the unique key is a hash of
// the encoded arguments).
func pollArgs(feed string, due time.Time) PollArgs {
	return PollArgs{Feed: feed, Due: due.UTC().Round(0).Truncate(time.Second)}
}

// RequeueArgs is the leader's periodic pass that queues a poll for every
// configured feed without a live job.
type RequeueArgs struct{}

// Kind is the job's kind, "requeue".
func (RequeueArgs) Kind() string { return KindRequeue }

// InsertOpts makes the pass unique among live jobs: a pass that waits or
// runs is not queued twice.
func (RequeueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

// Schedule is when a feed may be polled: robfig/cron's Schedule.
type Schedule interface {
	// Next returns the first activation strictly after t.
	Next(t time.Time) time.Time
}

// Settings are what the jobs run with: one immutable value per config,
// made with NewSettings.
type Settings struct {
	// Pipe is the pipeline's settings: feeds, fetcher, dedupe window.
	Pipe *pipeline.Settings
	// Schedules is each feed's schedule, by name.
	Schedules map[string]Schedule
	feeds     map[string]int // index in Pipe.Feeds by name
}

// NewSettings returns the settings of pipe with each feed's schedule.
func NewSettings(pipe *pipeline.Settings, schedules map[string]Schedule) *Settings {
	s := &Settings{Pipe: pipe, Schedules: schedules, feeds: make(map[string]int, len(pipe.Feeds))}
	for i, f := range pipe.Feeds {
		s.feeds[f.Name] = i
	}
	return s
}

// feed returns the configured feed name, and whether it is configured
// with a schedule.
func (s *Settings) feed(name string) (news.Feed, Schedule, bool) {
	i, ok := s.feeds[name]
	sched := s.Schedules[name]
	if !ok || sched == nil {
		return news.Feed{}, nil, false
	}
	return s.Pipe.Feeds[i], sched, true
}

// firstDue is when a feed without a queued poll is due: now (to the
// second) when it may be polled now, as the daemon of one instance polls
// every due feed at start; otherwise the earliest time it may be polled
// (st.NextPoll), at the first tick of its schedule then when the feed has
// a schedule of its own (own). Zero for a gone feed.
func firstDue(sched Schedule, own bool, st news.FeedState, now time.Time) time.Time {
	switch {
	case st.Gone:
		return time.Time{}
	case !st.NextPoll.After(now):
		return now.UTC().Truncate(time.Second)
	case !own:
		return ceilSecond(st.NextPoll)
	}
	return sched.Next(st.NextPoll.Add(-time.Nanosecond)).UTC()
}

// minNext is the least time between two polls of a feed that follows its
// learned interval, as the daemon of one instance wakes for such a feed
// at least a minute after its last poll.
const minNext = time.Minute

// nextDue is the due time of the poll after the one due at due that ran
// at now and left the feed in state st: the first tick of its schedule
// after both, at or after the earliest time the feed may be polled
// (st.NextPoll: its learned interval, a server's Retry-After, a backoff).
// A feed without a schedule of its own (own false) may be due sooner, at
// that earliest time itself, but not sooner than minNext after now: as
// the daemon of one instance polls the feeds due at each tick and wakes
// between ticks for the next feed due. Zero for a gone feed.
func nextDue(sched Schedule, own bool, due, now time.Time, st news.FeedState) time.Time {
	if st.Gone {
		return time.Time{}
	}
	from := due
	if now.After(from) {
		from = now
	}
	wake := ceilSecond(later(st.NextPoll, from.Add(minNext)))
	if np := st.NextPoll.Add(-time.Nanosecond); np.After(from) {
		from = np
	}
	tick := sched.Next(from).UTC()
	if !own && wake.Before(tick) {
		return wake
	}
	return tick
}

// ceilSecond returns t in UTC rounded up to the second.
func ceilSecond(t time.Time) time.Time {
	if u := t.Truncate(time.Second); u.Before(t) {
		return u.Add(time.Second).UTC()
	}
	return t.UTC()
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
