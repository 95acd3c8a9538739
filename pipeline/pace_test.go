package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// rateFetcher serves feeds that publish one item every period (from a
// month before t0), as a server would on the poll's clock: the newest ten
// items with their dates, or 304 when nothing was published since the
// last poll. It gives no hint (NextPoll is the poll time).
type rateFetcher struct {
	mu     sync.Mutex
	period map[string]time.Duration
	last   map[string]time.Time // the newest item served to each feed's last poll
	calls  map[string]int
}

func (f *rateFetcher) Begin(st news.FeedState, now time.Time) news.FeedState {
	st.LastAttempt, st.NextPoll = now, now.Add(time.Minute)
	return st
}

func (f *rateFetcher) Fetch(_ context.Context, st news.FeedState, now time.Time) fetch.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[st.Name]++
	st.LastSuccess, st.LastStatus, st.Failures, st.NextPoll = now, 200, 0, now
	period, start := f.period[st.Name], t0.Add(-30*24*time.Hour)
	newest := start.Add(now.Sub(start) / period * period)
	if newest.Equal(f.last[st.Name]) {
		st.LastStatus = 304
		return fetch.Result{State: st, NotModified: true}
	}
	f.last[st.Name] = newest
	var res fetch.Result
	for i := range 10 {
		at := newest.Add(-time.Duration(i) * period)
		guid := fmt.Sprintf("%s-%d", st.Name, at.Unix())
		res.Items = append(res.Items, item(st.Name, guid, "Bulletin "+guid, orchard, at))
		res.Dates = append(res.Dates, at)
	}
	res.State = st
	return res
}

// TestAdaptivePolling polls, on a fake clock, feeds that publish every 2
// minutes, hourly and daily, each time one is due, as the daemon does: a
// day later the wire was polled every 5 minutes (the minimum), the outlet
// about every 17 and the blog about every 85 (√(gap·5m)); a feed with a
// schedule of its own was polled at every poll. The learned intervals are
// stored.
func TestAdaptivePolling(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := &rateFetcher{period: map[string]time.Duration{"wire": 2 * time.Minute, "outlet": time.Hour, "blog": 24 * time.Hour, "fixed": time.Hour},
		last: map[string]time.Time{}, calls: map[string]int{}}
	p := newPipeline(t, db, f, "wire", "outlet", "blog", "fixed")
	p.set.Feeds[3].Schedule = "@every 1h"
	clock := t0
	p.now = func() time.Time { return clock }
	polls := 0
	for clock.Before(t0.Add(24 * time.Hour)) {
		rep := poll(t, p, false)
		polls++
		next := time.Time{}
		for _, fr := range rep.Feeds[:3] {
			if next.IsZero() || fr.NextPoll.Before(next) {
				next = fr.NextPoll
			}
		}
		if !next.After(clock) {
			t.Fatalf("after the poll at %v no feed waits (next poll %v)", clock.Sub(t0), next.Sub(t0))
		}
		clock = next
	}
	states, err := db.FeedStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		feed               string
		interval           time.Duration
		minCalls, maxCalls int
	}{
		{"wire", 5 * time.Minute, 262, 289},                 // 24h / 5m = 288, jitter ±10 %
		{"outlet", 17*time.Minute + 19*time.Second, 75, 92}, // 24h / 17.3m = 83
		{"blog", 84*time.Minute + 51*time.Second, 15, 19},   // 24h / 84.9m = 17
	} {
		got := states[tc.feed].Interval
		if got < tc.interval*95/100 || got > tc.interval*110/100 {
			t.Errorf("%s: learned %v, want about %v", tc.feed, got, tc.interval)
		}
		if n := f.calls[tc.feed]; n < tc.minCalls || n > tc.maxCalls {
			t.Errorf("%s: polled %d times in a day, want %d to %d", tc.feed, n, tc.minCalls, tc.maxCalls)
		}
	}
	if f.calls["fixed"] != polls || states["fixed"].Interval == 0 {
		t.Errorf("fixed feed: polled %d times of %d polls, interval %v; want every poll and a learned interval",
			f.calls["fixed"], polls, states["fixed"].Interval)
	}
}

// TestRefusedFeedKeepsItsPace: a feed whose batch the store refused keeps
// the interval it had before the poll (its new items were not stored: the
// next poll finds them again), while the others learn theirs.
func TestRefusedFeedKeepsItsPace(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	fs := &failingStore{DB: db, feed: "outlet", fails: 1}
	f := &rateFetcher{period: map[string]time.Duration{"wire": 2 * time.Minute, "outlet": time.Hour},
		last: map[string]time.Time{}, calls: map[string]int{}}
	p := newPipeline(t, fs, f, "wire", "outlet")
	p.now = func() time.Time { return t0 }
	rep := poll(t, p, false)
	states, err := db.FeedStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st := states["outlet"]; rep.Feeds[1].Status != StatusFailed || st.Interval != 0 || !st.LastNew.IsZero() || !st.NextPoll.IsZero() {
		t.Errorf("refused feed: status %s, interval %v, last new %v, next poll %v; want all as before the poll",
			rep.Feeds[1].Status, st.Interval, st.LastNew, st.NextPoll)
	}
	if st := states["wire"]; st.Interval != 5*time.Minute || !st.LastNew.Equal(t0) {
		t.Errorf("stored feed: interval %v, last new %v; want 5m and the poll time", st.Interval, st.LastNew)
	}
}
