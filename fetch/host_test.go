package fetch

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestHostSpacing fetches three feeds of one host at once and one of another
// host: the fake clock, read by the servers on arrival, shows the requests
// to the first host HostDelay apart and the other host's not delayed.
func TestHostSpacing(t *testing.T) {
	fc := &fakeClock{now: testNow}
	var mu sync.Mutex
	var arrivals []time.Time
	srvA := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, fc.Now())
		mu.Unlock()
		w.Write([]byte(rssFeed(1, "")))
	})
	c := NewClient(Options{HostDelay: 5 * time.Second})
	c.clock = fc
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			st := news.FeedState{URL: srvA.URL + "/feed" + string(rune('a'+i))}
			if res := c.Fetch(context.Background(), st, testNow); res.Err != nil {
				t.Error(res.Err)
			}
		})
	}
	wg.Wait()
	if len(arrivals) != 3 {
		t.Fatalf("%d arrivals, want 3", len(arrivals))
	}
	for i := 1; i < 3; i++ {
		if gap := arrivals[i].Sub(arrivals[i-1]); gap < 5*time.Second {
			t.Errorf("requests %d and %d only %v apart", i-1, i, gap)
		}
	}
	before := fc.Now()
	var otherAt time.Time
	srvB := serve(t, func(w http.ResponseWriter, r *http.Request) {
		otherAt = fc.Now()
		w.Write([]byte(rssFeed(1, "")))
	})
	if res := c.Fetch(context.Background(), news.FeedState{URL: srvB.URL}, testNow); res.Err != nil {
		t.Fatal(res.Err)
	}
	if !otherAt.Equal(before) {
		t.Errorf("another host's request waited %v", otherAt.Sub(before))
	}
}

// blockingServer holds every request until release is closed, counting
// those in flight.
type blockingServer struct {
	arrived  chan struct{}
	release  chan struct{}
	inflight atomic.Int32
	peak     atomic.Int32
}

func newBlockingServer(t *testing.T) (*blockingServer, string) {
	b := &blockingServer{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := b.inflight.Add(1)
		defer b.inflight.Add(-1)
		for p := b.peak.Load(); n > p && !b.peak.CompareAndSwap(p, n); p = b.peak.Load() {
		}
		b.arrived <- struct{}{}
		select {
		case <-b.release:
		case <-r.Context().Done():
			return
		}
		w.Write([]byte(rssFeed(1, "")))
	})
	return b, srv.URL
}

func TestPerHostConcurrency(t *testing.T) {
	b, base := newBlockingServer(t)
	c := newTestClient(Options{})
	changed := watchHosts(c)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			st := news.FeedState{URL: base + "/feed" + string(rune('a'+i))}
			if res := c.Fetch(context.Background(), st, testNow); res.Err != nil {
				t.Error(res.Err)
			}
		})
	}
	<-b.arrived
	host := hostOf(t, base)
	waitFor(t, "two fetches queued for the host", changed, func() bool { return c.hosts.waiting(host) == 2 })
	select {
	case <-b.arrived:
		t.Fatal("a second request reached the host while the first was in flight")
	default:
	}
	close(b.release)
	wg.Wait()
	if p := b.peak.Load(); p != 1 {
		t.Errorf("peak in flight to one host = %d, want 1", p)
	}
}

// TestSlowHostDoesNotDelayOthers holds a request to host A while a second
// feed of A queues for A's slot; with two global slots, a feed of host B
// must complete meanwhile.
func TestSlowHostDoesNotDelayOthers(t *testing.T) {
	slow, slowURL := newBlockingServer(t)
	fast := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rssFeed(2, ""))) })
	c := newTestClient(Options{Concurrency: 2})
	changed := watchHosts(c)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			c.Fetch(context.Background(), news.FeedState{URL: slowURL + "/slow" + string(rune('a'+i))}, testNow)
		})
	}
	<-slow.arrived
	waitFor(t, "the second slow feed queued", changed, func() bool { return c.hosts.waiting(hostOf(t, slowURL)) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := c.Fetch(ctx, news.FeedState{URL: fast.URL}, testNow)
	if res.Err != nil || len(res.Items) != 2 {
		t.Fatalf("fast feed: err %v, %d items", res.Err, len(res.Items))
	}
	if n := slow.inflight.Load(); n != 1 {
		t.Errorf("slow host has %d in flight, want 1 (still held)", n)
	}
	close(slow.release)
	wg.Wait()
}
