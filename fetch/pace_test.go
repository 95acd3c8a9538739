package fetch

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// fakeFeed publishes items at known times; it answers the polls of a
// simulated poller as Fetch and the pipeline would: the newest items' dates
// (up to a document's worth), or nothing when the feed is not modified.
type fakeFeed struct {
	name  string
	times []time.Time // publish times, oldest first
	seen  int         // items published before the last poll
	dated bool        // the document gives dates
	keep  int         // items in the document
}

// regular returns a feed publishing every gap from start to end.
func regular(name string, gap time.Duration, start, end time.Time) *fakeFeed {
	f := &fakeFeed{name: name, dated: true, keep: 20}
	for t := start; t.Before(end); t = t.Add(gap) {
		f.times = append(f.times, t)
	}
	return f
}

// poisson returns a feed publishing at random with a mean gap, seeded.
func poisson(name string, gap time.Duration, start, end time.Time, seed uint64) *fakeFeed {
	r := rand.New(rand.NewPCG(seed, 7))
	f := &fakeFeed{name: name, dated: true, keep: 20}
	for t := start; ; {
		t = t.Add(time.Duration(r.ExpFloat64() * float64(gap)))
		if !t.Before(end) {
			return f
		}
		f.times = append(f.times, t)
	}
}

// observe is one poll of f at now.
func (f *fakeFeed) observe(now time.Time) Observation {
	n := 0
	for n < len(f.times) && !f.times[n].After(now) {
		n++
	}
	obs := Observation{Now: now, New: n - f.seen}
	if n > f.seen && f.dated {
		obs.Dates = append(obs.Dates, f.times[max(0, n-f.keep):n]...)
	}
	f.seen = n
	return obs
}

// simulate polls f from start to end as the daemon does, each time its
// NextPoll comes, and returns the last state and the number of polls.
func simulate(f *fakeFeed, p Pace, start, end time.Time) (news.FeedState, int) {
	st := news.FeedState{Name: f.name}
	polls := 0
	for now := start; now.Before(end); now = st.NextPoll {
		st.NextPoll = now // the server gave no hint
		st = Learn(st, f.observe(now), p)
		polls++
	}
	return st, polls
}

// TestLearnKnownRates: feeds that publish at a known steady rate are
// polled every √(gap·Min) within the bounds, after a day of simulated
// polls on a fake clock.
func TestLearnKnownRates(t *testing.T) {
	start := testNow.Add(-30 * 24 * time.Hour)
	for _, tc := range []struct {
		name string
		gap  time.Duration
		want time.Duration
	}{
		{"wire every 2 minutes", 2 * time.Minute, news.DefaultMinInterval},
		{"wire every 5 minutes", 5 * time.Minute, news.DefaultMinInterval},
		{"outlet hourly", time.Hour, 17*time.Minute + 19*time.Second},
		{"blog daily", 24 * time.Hour, 84*time.Minute + 51*time.Second},
		{"blog weekly", 7 * 24 * time.Hour, 224*time.Minute + 30*time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := regular(tc.name, tc.gap, start, testNow.Add(30*24*time.Hour))
			st, _ := simulate(f, Pace{}, testNow, testNow.Add(24*time.Hour))
			// The document's newest item is up to one interval old at a poll.
			if lo, hi := tc.want*95/100, tc.want*110/100; st.Interval < lo || st.Interval > hi {
				t.Errorf("learned %v, want %v (%v to %v)", st.Interval, tc.want, lo, hi)
			}
		})
	}
}

// TestLearnRandomRates: feeds publishing at random (Poisson) with mean
// gaps from minutes to a week are polled in the order of their rates, a
// wire far more often than fixed polling every 10 minutes would, a
// weekly blog far less; each feed's average interval over a simulated
// week is within a third of √(gap·Min).
func TestLearnRandomRates(t *testing.T) {
	start, end := testNow.Add(-60*24*time.Hour), testNow.Add(7*24*time.Hour)
	prev := 0
	for i, gap := range []time.Duration{3 * time.Minute, 20 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		f := poisson(fmt.Sprint("feed-", i), gap, start, end, uint64(i))
		_, polls := simulate(f, Pace{}, testNow, end)
		want := min(max(time.Duration(math.Sqrt(float64(gap)*float64(news.DefaultMinInterval))), news.DefaultMinInterval), news.DefaultMaxInterval)
		mean := end.Sub(testNow) / time.Duration(polls)
		if mean < want*2/3 || mean > want*4/3 {
			t.Errorf("gap %v: polled every %v on average, want about %v", gap, mean, want)
		}
		if i > 0 && polls >= prev {
			t.Errorf("gap %v: %d polls, not fewer than the faster feed's %d", gap, polls, prev)
		}
		prev = polls
	}
}

// TestLearnQuietFeed: a feed that stops publishing is polled less and
// less on its silence alone (304s: no document), as √(silence·Min), up to
// the maximum; when it publishes again the interval falls back at once.
func TestLearnQuietFeed(t *testing.T) {
	for _, p := range []Pace{{}, {Max: 4 * time.Hour}} {
		f := regular("quiet", time.Hour, testNow.Add(-48*time.Hour), testNow)
		f.times = append(f.times, testNow.Add(40*24*time.Hour)) // back after 40 days
		st, _ := simulate(f, p, testNow, testNow.Add(time.Hour))
		hourly := st.Interval
		var intervals []time.Duration
		var now, last time.Time
		for now = st.NextPoll; now.Before(testNow.Add(30 * 24 * time.Hour)); now = st.NextPoll {
			last = now
			obs := f.observe(now)
			obs.Dates = nil // 304: no document
			st.NextPoll = now
			st = Learn(st, obs, p)
			if n := len(intervals); n > 0 && st.Interval < intervals[n-1] {
				t.Fatalf("max %v: the interval of a silent feed fell: %v after %v", p.Max, st.Interval, intervals[n-1])
			}
			intervals = append(intervals, st.Interval)
		}
		want := p.withDefaults().interval(last.Sub(st.LastNew))
		if st.Interval != want || intervals[0] > 2*hourly {
			t.Errorf("max %v: silent for 30 days: intervals %v … %v, want from about %v up to %v", p.Max, intervals[0], st.Interval, hourly, want)
		}
		if p.Max != 0 && st.Interval != p.Max {
			t.Errorf("silent for 30 days: interval %v, want the maximum %v", st.Interval, p.Max)
		}
		now = testNow.Add(40*24*time.Hour + time.Minute)
		st = Learn(st, f.observe(now), p) // the new item and the old ones
		if st.Interval >= intervals[len(intervals)-1]*3/4 {
			t.Errorf("max %v: after a new item the interval stays %v", p.Max, st.Interval)
		}
	}
}

// TestLearnUndated: a feed without dates is learned from the new items
// the polls find: faster when they find many, slower when none.
func TestLearnUndated(t *testing.T) {
	p := Pace{}
	st := Learn(news.FeedState{Name: "u"}, Observation{Now: testNow, New: 20}, p)
	if st.Interval != news.DefaultMinInterval || !st.LastNew.Equal(testNow) {
		t.Fatalf("first poll: interval %v, last new %v; want the minimum and now", st.Interval, st.LastNew)
	}
	st.Interval = 2 * time.Hour
	fast := Learn(st, Observation{Now: testNow.Add(30 * time.Minute), New: 6}, p) // one every 5 minutes
	if fast.Interval >= st.Interval || fast.Interval < news.DefaultMinInterval {
		t.Errorf("six new items in half an hour: interval %v, want below %v", fast.Interval, st.Interval)
	}
	slow := Learn(st, Observation{Now: testNow.Add(48 * time.Hour)}, p) // nothing for two days
	if want := p.withDefaults().interval(48 * time.Hour); slow.Interval != want || !slow.LastNew.Equal(testNow) {
		t.Errorf("nothing new for two days: interval %v, last new %v; want %v and unchanged", slow.Interval, slow.LastNew, want)
	}
	same := []time.Time{testNow, testNow, testNow} // every item stamped alike: no rate
	if got := Learn(st, Observation{Now: testNow.Add(time.Minute), Dates: same}, p); got.Interval != st.Interval {
		t.Errorf("one date for every item: interval %v, want %v kept", got.Interval, st.Interval)
	}
}

// TestLearnHintsBoundsJitter: the server's hints win over a shorter
// learned time; the bounds hold; the jitter spreads feeds by up to ±10 %
// and is the same for the same feed and time; a fixed feed keeps the
// server's time.
func TestLearnHintsBoundsJitter(t *testing.T) {
	dates := []time.Time{testNow.Add(-2 * time.Hour), testNow.Add(-time.Hour), testNow}
	hinted := Learn(news.FeedState{Name: "h", NextPoll: testNow.Add(3 * time.Hour)}, Observation{Now: testNow, New: 1, Dates: dates}, Pace{})
	if !hinted.NextPoll.Equal(testNow.Add(3 * time.Hour)) {
		t.Errorf("max-age of 3h: next poll %v after now", hinted.NextPoll.Sub(testNow))
	}
	for _, tc := range []struct {
		p    Pace
		want time.Duration
	}{
		{Pace{Min: time.Minute, Max: 5 * time.Minute}, 5 * time.Minute}, // √(1h·1m) = 7.7m
		{Pace{Min: time.Minute}, 7*time.Minute + 44*time.Second + 758001544},
		{Pace{Min: 2 * time.Hour, Max: time.Hour}, 2 * time.Hour}, // max below min counts as min
	} {
		st := Learn(news.FeedState{Name: "b"}, Observation{Now: testNow, New: 1, Dates: dates}, tc.p)
		if d := st.NextPoll.Sub(testNow); st.Interval != tc.want || d < tc.p.withDefaults().Min || d > tc.p.withDefaults().Max {
			t.Errorf("hourly feed, %+v: interval %v, next poll in %v; want %v", tc.p, st.Interval, d, tc.want)
		}
	}
	seen := map[time.Duration]bool{}
	for i := range 200 {
		st := news.FeedState{Name: fmt.Sprint("feed-", i), Interval: time.Hour, LastNew: testNow}
		st = Learn(st, Observation{Now: testNow}, Pace{})
		d := st.NextPoll.Sub(testNow)
		if d < 54*time.Minute || d > 66*time.Minute {
			t.Fatalf("%s: next poll in %v, want an hour ±10 %%", st.Name, d)
		}
		if again := Learn(news.FeedState{Name: st.Name, Interval: time.Hour, LastNew: testNow}, Observation{Now: testNow}, Pace{}); !again.NextPoll.Equal(st.NextPoll) {
			t.Fatalf("%s: the jitter differs for the same feed and time", st.Name)
		}
		seen[d.Truncate(time.Minute)] = true
	}
	if len(seen) < 10 {
		t.Errorf("200 feeds polled together spread over %d minutes, want 10 or more", len(seen))
	}
	fixed := Learn(news.FeedState{Name: "f", NextPoll: testNow}, Observation{Now: testNow, New: 1, Dates: dates}, Pace{Fixed: true})
	if !fixed.NextPoll.Equal(testNow) || fixed.Interval == 0 {
		t.Errorf("fixed feed: next poll %v, interval %v; want now and a learned interval", fixed.NextPoll, fixed.Interval)
	}
}

// TestFetchDates: Result.Dates holds the dates the document gave, not the
// poll time that stands in for a missing one.
func TestFetchDates(t *testing.T) {
	doc := `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"` +
		` xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">` +
		`<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link>` +
		`<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel>` +
		`<item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link><dc:date>2031-03-14T08:00:00Z</dc:date></item>` +
		`<item rdf:about="https://r.example/2"><title>Two</title><link>https://r.example/2</link></item>` +
		`<item rdf:about="https://r.example/3"><title>Three</title><link>https://r.example/3</link><dc:date>2031-03-14T09:00:00Z</dc:date></item>` +
		`</rdf:RDF>`
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(doc)) })
	res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{Name: "r", URL: srv.URL}, testNow)
	if res.Err != nil || len(res.Items) != 3 {
		t.Fatalf("err %v, %d items", res.Err, len(res.Items))
	}
	var got []string
	for _, d := range res.Dates {
		got = append(got, d.Format("15:04"))
	}
	if strings.Join(got, " ") != "08:00 09:00" {
		t.Errorf("dates %v, want 08:00 and 09:00 (the undated item left out)", got)
	}
	if d := res.State.NextPoll.Sub(testNow); d != 30*time.Minute {
		t.Errorf("RSS 1.0 sy:updatePeriod hourly, frequency 2: next poll in %v, want 30m", d)
	}
}
