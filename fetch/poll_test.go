package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func TestFetch200SendsHeadersAndParses(t *testing.T) {
	var got http.Header
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(rssFeed(3, "")))
	})
	c := newTestClient(Options{UserAgent: "test-agent/2.0 (+https://ops.example/contact)"})
	res := c.Fetch(context.Background(), news.FeedState{Name: "courier", URL: srv.URL + "/feed"}, testNow)
	if res.Err != nil {
		t.Fatalf("Fetch: %v", res.Err)
	}
	if len(res.Items) != 3 || res.NotModified {
		t.Fatalf("got %d items, NotModified %v; want 3 items", len(res.Items), res.NotModified)
	}
	if it := res.Items[0]; it.Feed != "courier" || it.GUID != "courier-0" || it.CanonicalLink != "https://courier.example/news/0" {
		t.Errorf("first item = %+v", it)
	}
	for h, want := range map[string]string{
		"User-Agent": "test-agent/2.0 (+https://ops.example/contact)", "Accept": acceptHeader,
		"Accept-Encoding": "gzip, br", "If-None-Match": "", "If-Modified-Since": "",
	} {
		if got.Get(h) != want {
			t.Errorf("request %s = %q, want %q", h, got.Get(h), want)
		}
	}
	st := res.State
	if st.ETag != `"v1"` || st.BodyHash == "" || st.LastStatus != 200 || !st.LastSuccess.Equal(testNow) ||
		!st.LastAttempt.Equal(testNow) || st.Failures != 0 || !st.NextPoll.Equal(testNow) {
		t.Errorf("state = %+v", st)
	}
}

func TestFetchDefaultUserAgent(t *testing.T) {
	var ua string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ua = r.UserAgent()
		w.Write([]byte(rssFeed(1, "")))
	})
	res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if ua != DefaultUserAgent || !strings.HasPrefix(ua, "github.com/wirestory/aggregator/") {
		t.Errorf("User-Agent = %q", ua)
	}
}

// validatorServer answers 304 when the request carries the validator
// named by header, else 200 with that validator.
func validatorServer(t *testing.T, header, value string) (*httptest.Server, *[]http.Header) {
	var mu sync.Mutex
	var seen []http.Header
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		req := map[string]string{"ETag": "If-None-Match", "Last-Modified": "If-Modified-Since"}[header]
		if r.Header.Get(req) == value {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set(header, value)
		w.Write([]byte(rssFeed(2, "")))
	})
	return srv, &seen
}

func TestFetch304(t *testing.T) {
	for _, tc := range []struct{ header, request, value string }{
		{"ETag", "If-None-Match", `W/"rev-7"`},
		{"Last-Modified", "If-Modified-Since", "Tue, 11 Mar 2031 08:00:00 GMT"},
	} {
		t.Run(tc.header, func(t *testing.T) {
			srv, seen := validatorServer(t, tc.header, tc.value)
			c := newTestClient(Options{})
			first := c.Fetch(context.Background(), news.FeedState{Name: "f", URL: srv.URL}, testNow)
			if first.Err != nil || len(first.Items) != 2 {
				t.Fatalf("first fetch: err %v, %d items", first.Err, len(first.Items))
			}
			second := c.Fetch(context.Background(), first.State, testNow.Add(time.Hour))
			if second.Err != nil {
				t.Fatalf("second fetch: %v", second.Err)
			}
			if !second.NotModified || second.Items != nil || second.State.LastStatus != 304 {
				t.Errorf("second: NotModified %v, items %v, status %d", second.NotModified, second.Items, second.State.LastStatus)
			}
			if got := (*seen)[1].Get(tc.request); got != tc.value {
				t.Errorf("second request %s = %q, want %q", tc.request, got, tc.value)
			}
			if !second.State.LastSuccess.Equal(testNow.Add(time.Hour)) {
				t.Errorf("LastSuccess = %v", second.State.LastSuccess)
			}
		})
	}
}

func TestFetchIgnoredValidatorsSameBody(t *testing.T) {
	body := rssFeed(4, "")
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
	c := newTestClient(Options{})
	first := c.Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if first.Err != nil || len(first.Items) != 4 {
		t.Fatalf("first: %v, %d items", first.Err, len(first.Items))
	}
	second := c.Fetch(context.Background(), first.State, testNow)
	if second.Err != nil || !second.NotModified || second.Items != nil {
		t.Fatalf("second: err %v, NotModified %v, items %d", second.Err, second.NotModified, len(second.Items))
	}
	body = rssFeed(5, "")
	third := c.Fetch(context.Background(), second.State, testNow)
	if third.Err != nil || third.NotModified || len(third.Items) != 5 {
		t.Fatalf("third: err %v, NotModified %v, items %d", third.Err, third.NotModified, len(third.Items))
	}
}

func TestFetchRetryAfter(t *testing.T) {
	date := testNow.Add(2 * time.Hour).Format(http.TimeFormat)
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		want       time.Time
	}{
		{"429 seconds", 429, "3600", testNow.Add(time.Hour)},
		{"429 date", 429, date, testNow.Add(2 * time.Hour)},
		{"503 seconds", 503, "120", testNow.Add(2 * time.Minute)},
		{"503 absurd", 503, "99999999", testNow.Add(maxHint)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tc.retryAfter)
				w.WriteHeader(tc.status)
			})
			res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{Name: "busy", URL: srv.URL}, testNow)
			if res.Err == nil || !strings.Contains(res.Err.Error(), "fetch busy:") {
				t.Fatalf("Err = %v, want an error naming the feed", res.Err)
			}
			if st := res.State; !st.NextPoll.Equal(tc.want) || st.LastStatus != tc.status || st.Failures != 1 {
				t.Errorf("NextPoll %v (want %v), status %d, failures %d", st.NextPoll, tc.want, st.LastStatus, st.Failures)
			}
		})
	}
}

func TestFetch503WithoutRetryAfterBacksOff(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "status 503") {
		t.Fatalf("Err = %v", res.Err)
	}
	if d := res.State.NextPoll.Sub(testNow); d < 45*time.Second || d > time.Minute {
		t.Errorf("NextPoll after %v, want 45s..1m", d)
	}
}

func TestBackoffGrowsAndResets(t *testing.T) {
	fail := true
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "upstream broke", 500)
			return
		}
		w.Write([]byte(rssFeed(1, "")))
	})
	c := newTestClient(Options{MaxBackoff: 5 * time.Minute})
	st := news.FeedState{Name: "flaky", URL: srv.URL}
	var prev time.Duration
	for i, hi := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		res := c.Fetch(context.Background(), st, testNow)
		st = res.State
		d := st.NextPoll.Sub(testNow)
		if res.Err == nil || st.Failures != i+1 || d < hi*3/4 || d > hi {
			t.Fatalf("failure %d: err %v, failures %d, delay %v, want %v..%v", i+1, res.Err, st.Failures, d, hi*3/4, hi)
		}
		if i < 3 && d <= prev {
			t.Errorf("failure %d: delay %v did not grow from %v", i+1, d, prev)
		}
		prev = d
		if st.LastError == "" || st.LastStatus != 500 {
			t.Errorf("failure %d: LastError %q, LastStatus %d", i+1, st.LastError, st.LastStatus)
		}
	}
	fail = false
	res := c.Fetch(context.Background(), st, testNow)
	if res.Err != nil || res.State.Failures != 0 || res.State.LastError != "" || !res.State.NextPoll.Equal(testNow) {
		t.Fatalf("after recovery: err %v, state %+v", res.Err, res.State)
	}
}

func TestBeginAndDue(t *testing.T) {
	c := newTestClient(Options{})
	st := c.Begin(news.FeedState{Name: "f", Failures: 2}, testNow)
	if !st.LastAttempt.Equal(testNow) {
		t.Errorf("LastAttempt = %v", st.LastAttempt)
	}
	if d := st.NextPoll.Sub(testNow); d < 3*time.Minute || d > 4*time.Minute {
		t.Errorf("provisional NextPoll after %v, want 3m..4m", d)
	}
	if Due(st, testNow) || !Due(st, testNow.Add(4*time.Minute)) {
		t.Error("Due wrong around the provisional NextPoll")
	}
	if !Due(news.FeedState{}, testNow) {
		t.Error("a never polled feed is not due")
	}
	if Due(news.FeedState{Gone: true}, testNow) {
		t.Error("a gone feed is due")
	}
	later := testNow.Add(10 * time.Hour)
	if st := c.Begin(news.FeedState{NextPoll: later}, testNow); !st.NextPoll.Equal(later) {
		t.Errorf("Begin moved a later NextPoll to %v", st.NextPoll)
	}
}

func TestFetchGone(t *testing.T) {
	hits := 0
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.WriteHeader(http.StatusGone)
	})
	c := newTestClient(Options{})
	res := c.Fetch(context.Background(), news.FeedState{Name: "closed", URL: srv.URL}, testNow)
	if !errors.Is(res.Err, ErrGone) || !strings.Contains(res.Err.Error(), "410") {
		t.Fatalf("Err = %v, want ErrGone", res.Err)
	}
	if !res.State.Gone || res.State.LastStatus != 410 || Due(res.State, testNow.Add(1000*time.Hour)) {
		t.Fatalf("state = %+v", res.State)
	}
	again := c.Fetch(context.Background(), res.State, testNow)
	if !errors.Is(again.Err, ErrGone) || hits != 1 {
		t.Errorf("second fetch of a gone feed: err %v, server hits %d", again.Err, hits)
	}
}

func TestFetchCacheControlAndTTL(t *testing.T) {
	for _, tc := range []struct {
		name, cache, extra string
		want               time.Duration
	}{
		{"max-age", "public, max-age=600", "", 10 * time.Minute},
		{"ttl", "", "<ttl>30</ttl>", 30 * time.Minute},
		{"both", "max-age=7200", "<ttl>30</ttl>", 2 * time.Hour},
		{"none", "no-cache", "", 0},
		{"sy", "", syndication("daily", "4"), 6 * time.Hour},
		{"sy and ttl", "", syndication("hourly", "") + "<ttl>90</ttl>", 90 * time.Minute},
		{"sy capped", "", syndication("weekly", ""), maxHint},
		{"sy frequency only", "", syndication("", "2"), 30 * time.Minute},
		{"sy unknown period", "", syndication("fortnightly", "1"), 0},
		{"sy bad frequency", "", syndication("daily", "0"), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.cache != "" {
					w.Header().Set("Cache-Control", tc.cache)
				}
				w.Write([]byte(rssFeed(1, tc.extra)))
			})
			res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			if got := res.State.NextPoll.Sub(testNow); got != tc.want {
				t.Errorf("NextPoll after %v, want %v", got, tc.want)
			}
		})
	}
}

// syndication returns the RSS 1.0 syndication module's elements (each
// omitted when empty), for the channel.
func syndication(period, frequency string) string {
	const ns = ` xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"`
	var b strings.Builder
	if period != "" {
		b.WriteString("<sy:updatePeriod" + ns + ">" + period + "</sy:updatePeriod>")
	}
	if frequency != "" {
		b.WriteString("<sy:updateFrequency" + ns + "> " + frequency + " </sy:updateFrequency>")
	}
	return b.String()
}

func TestFetchCallerCancelIsNoFailure(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rssFeed(1, ""))) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := news.FeedState{URL: srv.URL, Failures: 2, NextPoll: testNow}
	res := newTestClient(Options{}).Fetch(ctx, st, testNow)
	if !errors.Is(res.Err, context.Canceled) || res.State.Failures != 2 || !res.State.NextPoll.Equal(testNow) {
		t.Errorf("err %v, state %+v", res.Err, res.State)
	}
}
