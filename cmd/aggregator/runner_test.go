package main

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recorder is a runner's poll function that records each poll and holds
// it until the test releases it.
type recorder struct {
	mu       sync.Mutex
	polls    [][]string // nil entry: every feed
	publish  int        // publish-only runs
	running  int
	overlaps int
	release  chan struct{}
}

func newRecorder() *recorder { return &recorder{release: make(chan struct{})} }

func (r *recorder) do(ctx context.Context, feeds []string, publishOnly bool) {
	r.mu.Lock()
	r.running++
	if r.running > 1 {
		r.overlaps++
	}
	if publishOnly {
		r.publish++
	} else {
		r.polls = append(r.polls, feeds)
	}
	r.mu.Unlock()
	select {
	case <-r.release:
	case <-ctx.Done():
	}
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
}

// seen returns the polls run so far and the publish-only runs, once every
// goroutine of the bubble is blocked.
func (r *recorder) seen() ([][]string, int) {
	synctest.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.polls), r.publish
}

// TestRunnerMergesTicks: the ticks of an @every 1s schedule that come
// while a poll is held are merged into one next poll, which starts only
// after the held one ends; feeds asked for by name merge into one sorted
// set, and a request for every feed wins over names.
func TestRunnerMergesTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		r := newRunner(rec.do)
		r.start()
		s := newScheduler(slog.New(slog.DiscardHandler), r.request)
		s.set(map[string][]string{"@every 1s": nil})
		s.start()
		defer func() { <-s.stop().Done() }()

		time.Sleep(1500 * time.Millisecond) // the first tick starts a poll, held
		if polls, _ := rec.seen(); len(polls) != 1 || polls[0] != nil {
			t.Fatalf("after the first tick: polls %v, want one of every feed", polls)
		}
		time.Sleep(5 * time.Second) // five ticks while it is held
		if polls, _ := rec.seen(); len(polls) != 1 {
			t.Fatalf("ticks during a held poll started %d polls, want none", len(polls)-1)
		}
		rec.release <- struct{}{} // the next poll, of the merged ticks, starts at once
		if polls, _ := rec.seen(); len(polls) != 2 {
			t.Fatalf("after the held poll ended: %d polls, want 2 (the ticks merged into one)", len(polls))
		}
		s.set(map[string][]string{"@every 1h": nil}) // no more ticks for the rest of the test
		r.request([]string{"b"})
		r.request([]string{"a", "b"})
		r.republish()
		rec.release <- struct{}{}
		polls, publish := rec.seen()
		if len(polls) != 3 || !slices.Equal(polls[2], []string{"a", "b"}) || publish != 0 {
			t.Fatalf("requests for b, then a and b, and a publish: polls %v, publish-only %d; want a third poll of [a b], the publish in it", polls, publish)
		}
		r.request([]string{"c"})
		r.request(nil)
		rec.release <- struct{}{}
		if polls, _ := rec.seen(); len(polls) != 4 || polls[3] != nil {
			t.Fatalf("a request for c then for every feed: polls %v, want a fourth of every feed", polls)
		}
		r.republish()
		rec.release <- struct{}{}
		if polls, publish := rec.seen(); len(polls) != 4 || publish != 1 {
			t.Fatalf("a republish alone: polls %d, publish-only runs %d; want 4 and 1", len(polls), publish)
		}
		rec.release <- struct{}{}
		if !r.stop(time.Second) {
			t.Error("stop with no poll running reported a poll past its grace")
		}
		if rec.overlaps != 0 {
			t.Errorf("%d polls ran while another was running", rec.overlaps)
		}
	})
}

// TestRunnerStopCancelsAfterGrace: stop waits for the running poll for
// the grace period, then cancels it; requests after stop are dropped.
func TestRunnerStopCancelsAfterGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		r := newRunner(rec.do)
		r.start()
		r.request(nil)
		if polls, _ := rec.seen(); len(polls) != 1 {
			t.Fatalf("polls %d, want 1", len(polls))
		}
		r.request([]string{"waiting"})
		start := time.Now()
		if r.stop(10 * time.Second) {
			t.Error("stop reported the held poll as ended within its grace")
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("stop returned after %v, want the grace period, 10s", d)
		}
		r.request([]string{"late"})
		if polls, _ := rec.seen(); len(polls) != 1 {
			t.Errorf("requests waiting at stop or made after it ran: polls %v", polls)
		}
	})
}
