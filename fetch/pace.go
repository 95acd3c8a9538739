package fetch

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"slices"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Adaptive polling. Each feed's poll interval is learned from what the
// feed delivers, as NewsBlur and Miniflux schedule feeds (docs/performance.md,
// "Adaptive polling", says what of theirs was read and how): Miniflux's
// "entry frequency" scheduler polls a feed every week / (entries published
// in the last week), kept between a minimum (5 minutes) and a maximum
// (24 hours); NewsBlur derives a feed's delay from its stories per month
// (and its subscribers), multiplies it by the error count after failures,
// and adds a random quarter so that feeds spread out. Learn keeps their
// bounds and their jitter, but estimates and spends differently:
//
//   - The rate comes from the document itself: the mean gap between its
//     newest dated items, counted up to now, so that a feed that has gone
//     quiet is seen as slower at once; for a feed without dates, and
//     between documents (304), from what the polls found: items new to the
//     store, and how long no poll has found any.
//   - The interval grows as the square root of that gap, not in
//     proportion: sqrt(gap × Min). For items arriving at random (Poisson)
//     with rate λ and polls every I, an item waits I/2 on average, so
//     the items' total wait is Σ λ·I/2 over the feeds; for a given number
//     of requests Σ 1/I, it is least when every I ∝ 1/√λ (Lagrange). A
//     feed publishing every Min or faster is polled every Min; an hourly
//     one every 17 minutes (Min 5m); a daily one every 85 minutes; a
//     weekly one every 3.8 hours.
//   - The jitter (±10 %) is a hash of the feed's name and the poll time:
//     feeds polled together drift apart, and a test or simulation is
//     reproducible.
//
// The server's hints still win: the next poll is the later of the learned
// time and Cache-Control max-age, <ttl>, sy:updatePeriod (Fetch sets that
// as NextPoll); after a failure the backoff and Retry-After decide, as
// before, and the interval is kept for the next success.

const (
	// paceItems is how many of a document's newest dated items the gap is
	// estimated from.
	paceItems = 10
	// paceJitter is how far a feed's next poll may lie from its interval,
	// as a fraction of it, either way.
	paceJitter = 0.1
)

// Pace bounds the interval Learn learns for one feed. The zero value
// takes the defaults.
type Pace struct {
	// Min and Max bound the interval; zero means news.DefaultMinInterval
	// and news.DefaultMaxInterval. Max below Min counts as Min.
	Min, Max time.Duration
	// Fixed leaves NextPoll at the server's hints: the feed is polled on a
	// schedule of its own. Its interval is learned all the same.
	Fixed bool
}

func (p Pace) withDefaults() Pace {
	p.Min = orDefault(p.Min, news.DefaultMinInterval)
	p.Max = max(orDefault(p.Max, news.DefaultMaxInterval), p.Min)
	return p
}

// Observation is what one successful poll of a feed saw.
type Observation struct {
	// Now is the time of the poll (the now given to Fetch).
	Now time.Time
	// New counts the items the poll found that the store did not hold.
	New int
	// Dates are the publish times the document gave (Result.Dates); nil
	// when the feed was not modified.
	Dates []time.Time
}

// Learn returns st, the state Fetch returned for a successful poll (its
// NextPoll is the earliest time the server's hints allow), with its
// Interval learned from obs within p's bounds, LastNew updated, and
// NextPoll set to the later of the server's time and now plus the
// interval with jitter (unless p.Fixed). It reads no clock; it is safe for
// concurrent use.
func Learn(st news.FeedState, obs Observation, p Pace) news.FeedState {
	p = p.withDefaults()
	lastNew := st.LastNew
	if obs.New > 0 || lastNew.IsZero() {
		st.LastNew = obs.Now
	}
	st.Interval = p.learn(st.Interval, lastNew, obs)
	if !p.Fixed {
		st.NextPoll = later(st.NextPoll, obs.Now.Add(p.jitter(st.Interval, st.Name, obs.Now)))
	}
	return st
}

// learn returns the new interval of a feed whose interval was prev and
// whose last poll that found new items was at lastNew (zero: none yet).
func (p Pace) learn(prev time.Duration, lastNew time.Time, obs Observation) time.Duration {
	if gap, ok := datedGap(obs.Dates, obs.Now); ok {
		return p.interval(gap)
	}
	switch {
	case lastNew.IsZero():
		// The first poll: nothing known yet but the bounds.
		return p.clamp(prev)
	case obs.New > 0:
		// obs.New items since the last poll that found any: a noisy
		// estimate of one gap, smoothed with what was learned before.
		gap := obs.Now.Sub(lastNew) / time.Duration(obs.New)
		return p.smooth(prev, p.interval(gap))
	default:
		// Nothing new: the feed is at least as slow as its silence says.
		return max(p.clamp(prev), p.interval(obs.Now.Sub(lastNew)))
	}
}

// interval is the poll interval of a feed whose items come every gap on
// average: √(gap·Min), within the bounds.
func (p Pace) interval(gap time.Duration) time.Duration {
	return p.clamp(time.Duration(math.Sqrt(float64(max(gap, 0)) * float64(p.Min))))
}

func (p Pace) clamp(d time.Duration) time.Duration {
	return min(max(d, p.Min), p.Max)
}

// smooth returns the geometric mean of prev and next (next alone when
// nothing was learned before): one surprising poll moves the interval
// half way, in proportion.
func (p Pace) smooth(prev, next time.Duration) time.Duration {
	if prev <= 0 {
		return next
	}
	return p.clamp(time.Duration(math.Sqrt(float64(prev) * float64(next))))
}

// jitter returns d moved by up to ±paceJitter of itself, by a hash of the
// feed's name and the poll time, within the bounds.
func (p Pace) jitter(d time.Duration, name string, now time.Time) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())))
	u := float64(h.Sum64()>>11)/(1<<53)*2 - 1 // in [-1, 1)
	return p.clamp(d + time.Duration(u*paceJitter*float64(d)))
}

// datedGap estimates the mean time between a feed's items from the
// publish times of its newest dated items: the time from the oldest of
// them to now, over their number less one. Counting to now rather than to
// the newest item makes a feed that has gone quiet slower at once. It
// reports false when fewer than two distinct dates are given: a feed that
// stamps every item with one time says nothing of its rate.
func datedGap(dates []time.Time, now time.Time) (time.Duration, bool) {
	if len(dates) < 2 {
		return 0, false
	}
	ts := slices.Clone(dates)
	slices.SortFunc(ts, func(a, b time.Time) int { return b.Compare(a) })
	ts = ts[:min(len(ts), paceItems)]
	oldest := ts[len(ts)-1]
	if ts[0].Equal(oldest) || !now.After(oldest) {
		return 0, false
	}
	return now.Sub(oldest) / time.Duration(len(ts)-1), true
}
