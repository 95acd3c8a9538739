package fetch

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// The adaptive-polling simulation of docs/performance.md: a week of 1,000
// feeds with a skewed mix of rates, polled by the daemon's rules on a
// virtual clock, with fixed polling every 10 minutes (the default
// schedule) and with a Miniflux-style estimator for comparison.

// simClass is a kind of feed in the mix: how many, and their mean gaps
// between items, log-uniform between lo and hi.
type simClass struct {
	name    string
	n       int
	lo, hi  time.Duration
	diurnal bool    // publishes mostly from 07:00 to 22:00 UTC
	dormant float64 // share of the class that has stopped publishing
}

// simMix: a few wires every few minutes, many outlets about hourly, a
// long tail of blogs from twice a day to fortnightly (a tenth of them
// dormant).
var simMix = []simClass{
	{"wire", 20, 2 * time.Minute, 8 * time.Minute, false, 0},
	{"outlet", 300, 20 * time.Minute, 3 * time.Hour, true, 0},
	{"blog", 680, 12 * time.Hour, 14 * 24 * time.Hour, true, 0.1},
}

const (
	simWeek    = 7 * 24 * time.Hour
	simTick    = 10 * time.Minute // config.DefaultSchedule
	simHistory = 120 * 24 * time.Hour
	simDoc     = 20 // items in a feed's document
)

var simStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday

// simFeed is one simulated feed: its items' publish times, oldest first.
type simFeed struct {
	name, class string
	times       []time.Time
}

// newSimFeeds generates the mix's feeds, from simHistory before the week
// to two days after it, with a fixed seed.
func newSimFeeds() []simFeed {
	r := rand.New(rand.NewPCG(2026, 11))
	var feeds []simFeed
	for _, c := range simMix {
		for i := range c.n {
			gap := time.Duration(float64(c.lo) * math.Pow(float64(c.hi)/float64(c.lo), r.Float64()))
			if r.Float64() < c.dormant {
				gap = 180 * 24 * time.Hour
			}
			f := simFeed{name: fmt.Sprintf("%s-%03d", c.name, i), class: c.name}
			f.times = arrivals(r, gap, c.diurnal, simStart.Add(-simHistory), simStart.Add(simWeek+48*time.Hour))
			feeds = append(feeds, f)
		}
	}
	return feeds
}

// arrivals draws a Poisson process with mean gap from start to end; a
// diurnal one runs at 1.6 times the rate by day and 0.2 times by night
// (thinning).
func arrivals(r *rand.Rand, gap time.Duration, diurnal bool, start, end time.Time) []time.Time {
	peak := 1.0
	if diurnal {
		peak = 1.6
	}
	var out []time.Time
	for t := start; ; {
		t = t.Add(time.Duration(r.ExpFloat64() * float64(gap) / peak))
		if !t.Before(end) {
			return out
		}
		if h := t.Hour(); !diurnal || (h >= 7 && h < 22) || r.Float64() < 0.2/peak {
			out = append(out, t)
		}
	}
}

// simResult is what one policy cost and how late it saw the items.
type simResult struct {
	requests map[string]int             // polls in the week, by class ("" all)
	delays   map[string][]time.Duration // per item published in the week
}

// simPoller is one feed's poll state during a simulation.
type simPoller struct {
	f    *simFeed
	seen int // items seen
	st   news.FeedState
}

// poll polls p at now, recording the request and the new items' delays,
// and returns what it observed, as the pipeline gives it to Learn.
func (p *simPoller) poll(now time.Time, res *simResult) Observation {
	n := p.seen
	for n < len(p.f.times) && !p.f.times[n].After(now) {
		n++
	}
	if now.Before(simStart.Add(simWeek)) {
		res.requests[""]++
		res.requests[p.f.class]++
	}
	for _, t := range p.f.times[p.seen:n] {
		if !t.Before(simStart) && t.Before(simStart.Add(simWeek)) {
			res.delays[""] = append(res.delays[""], now.Sub(t))
			res.delays[p.f.class] = append(res.delays[p.f.class], now.Sub(t))
		}
	}
	obs := Observation{Now: now, New: n - p.seen}
	if n > p.seen { // a 200: the document's dates
		obs.Dates = p.f.times[max(0, n-simDoc):n]
	}
	p.seen = n
	return obs
}

func newResult() *simResult {
	return &simResult{requests: map[string]int{}, delays: map[string][]time.Duration{}}
}

// simFixed polls every feed at every tick.
func simFixed(feeds []simFeed) *simResult {
	res := newResult()
	ps := pollers(feeds)
	for t := simStart; t.Before(simStart.Add(simWeek + 48*time.Hour)); t = t.Add(simTick) {
		for i := range ps {
			ps[i].poll(t, res)
		}
	}
	return res
}

// simDaemon polls as serve does with learn setting each feed's next
// poll: every feed at start, then the feeds due at each tick and at each
// wake (the first feed's time, at least a minute after the last poll).
func simDaemon(feeds []simFeed, learn func(p *simPoller, obs Observation)) *simResult {
	res := newResult()
	ps := pollers(feeds)
	end := simStart.Add(simWeek + 48*time.Hour)
	for t := simStart; t.Before(end); {
		first := end
		for i := range ps {
			if !ps[i].st.NextPoll.After(t) {
				learn(&ps[i], ps[i].poll(t, res))
			}
			first = earlier(first, ps[i].st.NextPoll)
		}
		tick := t.Truncate(simTick).Add(simTick)
		t = earlier(tick, later(first, t.Add(time.Minute)))
	}
	return res
}

func pollers(feeds []simFeed) []simPoller {
	ps := make([]simPoller, len(feeds))
	for i := range feeds {
		ps[i] = simPoller{f: &feeds[i], st: news.FeedState{Name: feeds[i].name}}
	}
	return ps
}

// adaptive is Learn, as the pipeline calls it, with the default bounds.
func adaptive(p *simPoller, obs Observation) { p.st = Learn(p.st, obs, Pace{}) }

// entryFrequency returns Miniflux's entry-frequency scheduler as we read
// its documentation: every week / (the feed's items published in the last
// week × factor; Miniflux's default factor is 1), within the same bounds
// (the maximum when there were none); with the same jitter.
func entryFrequency(factor int) func(p *simPoller, obs Observation) {
	return func(p *simPoller, obs Observation) {
		seen, since := p.f.times[:p.seen], obs.Now.Add(-simWeek)
		weekly := len(seen) - sort.Search(len(seen), func(i int) bool { return seen[i].After(since) })
		pace := Pace{}.withDefaults()
		d := pace.Max
		if weekly > 0 {
			d = pace.clamp(simWeek / time.Duration(weekly*factor))
		}
		p.st.Interval = d
		p.st.NextPoll = obs.Now.Add(pace.jitter(d, p.st.Name, obs.Now))
	}
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// simPolicies are the policies simTable compares, in its order.
var simPolicies = []string{"fixed every 10m", "adaptive", "entry frequency", "entry frequency x4"}

// simTable runs the policies on the mix and formats their figures, by
// class: requests in the week, and the mean, median, 95th and 99th
// percentile of the delay from an item's publication to the poll that
// saw it.
func simTable() (table string, res map[string]*simResult) {
	feeds := newSimFeeds()
	res = map[string]*simResult{
		simPolicies[0]: simFixed(feeds),
		simPolicies[1]: simDaemon(feeds, adaptive),
		simPolicies[2]: simDaemon(feeds, entryFrequency(1)),
		simPolicies[3]: simDaemon(feeds, entryFrequency(4)),
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %-7s %7s %9s %7s %7s %7s %7s\n", "policy", "feeds", "items", "requests", "mean", "p50", "p95", "p99")
	for _, pol := range simPolicies {
		r := res[pol]
		for _, class := range []string{"wire", "outlet", "blog", ""} {
			name := class
			if name == "" {
				name = "all"
			}
			ds := r.delays[class]
			fmt.Fprintf(&b, "%-20s %-7s %7d %9d %7s %7s %7s %7s\n", pol, name, len(ds), r.requests[class],
				short(mean(ds)), short(percentile(ds, 0.5)), short(percentile(ds, 0.95)), short(percentile(ds, 0.99)))
		}
	}
	return b.String(), res
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// short formats d to the second under ten minutes, else to the minute.
func short(d time.Duration) string {
	if d < 10*time.Minute {
		return d.Round(time.Second).String()
	}
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}

// TestAdaptiveMix: on the simulated mix, adaptive polling makes far fewer
// requests than fixed polling, sees a wire's items sooner, and sees every
// item of the week; for about as many requests as the entry-frequency
// estimator scaled up (x4), its mean delay is lower (the square-root rule
// minimises the mean).
func TestAdaptiveMix(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated week of 1,000 feeds")
	}
	table, res := simTable()
	t.Log("\n" + table)
	fixed, adapt, x4 := res[simPolicies[0]], res[simPolicies[1]], res[simPolicies[3]]
	if adapt.requests[""] > fixed.requests[""]/3 {
		t.Errorf("adaptive polling made %d requests, fixed %d: want at most a third", adapt.requests[""], fixed.requests[""])
	}
	if len(adapt.delays[""]) != len(fixed.delays[""]) {
		t.Errorf("adaptive polling saw %d of the week's %d items", len(adapt.delays[""]), len(fixed.delays[""]))
	}
	if a, f := percentile(adapt.delays["wire"], 0.5), percentile(fixed.delays["wire"], 0.5); a >= f {
		t.Errorf("wires: median delay %v adaptive, %v fixed; want sooner", a, f)
	}
	if adapt.requests[""] > x4.requests[""] || mean(adapt.delays[""]) >= mean(x4.delays[""]) {
		t.Errorf("adaptive: %d requests, mean delay %v; entry frequency x4: %d, %v; want fewer requests and a lower mean",
			adapt.requests[""], mean(adapt.delays[""]), x4.requests[""], mean(x4.delays[""]))
	}
}

// BenchmarkAdaptivePolling reports the simulation's figures (the time per
// op is the simulation's own cost): requests in the week and the median
// and 95th percentile delay over all items, for fixed polling every 10
// minutes and for adaptive polling. -v also prints the table of every
// policy by class.
func BenchmarkAdaptivePolling(b *testing.B) {
	var table string
	var res map[string]*simResult
	for b.Loop() {
		table, res = simTable()
	}
	b.Log("\n" + table)
	fixed, adapt := res[simPolicies[0]], res[simPolicies[1]]
	b.ReportMetric(float64(fixed.requests[""]), "fixed-requests")
	b.ReportMetric(float64(adapt.requests[""]), "adaptive-requests")
	b.ReportMetric(100*(1-float64(adapt.requests[""])/float64(fixed.requests[""])), "%-saved")
	for name, r := range map[string]*simResult{"fixed": fixed, "adaptive": adapt} {
		b.ReportMetric(percentile(r.delays[""], 0.5).Minutes(), name+"-p50-min")
		b.ReportMetric(percentile(r.delays[""], 0.95).Minutes(), name+"-p95-min")
	}
}
