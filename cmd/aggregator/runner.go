package main

import (
	"context"
	"slices"
	"sync"
	"time"
)

// runner runs the daemon's polls one at a time on one goroutine: the one
// place that decides that a poll is running. Whoever wants a poll (the
// start, a cron tick, a feed's own schedule, a reload) records a request;
// the requests made while a poll runs are merged into the next one. A
// feed asked for twice is polled once.
type runner struct {
	do func(ctx context.Context, feeds []string, publishOnly bool)

	mu      sync.Mutex
	all     bool            // every feed is asked for
	feeds   map[string]bool // the feeds asked for
	publish bool            // a publish is asked for
	closed  bool
	wake    chan struct{} // holds a token while a request waits

	ctx    context.Context // the polls run in it; cancelled at the end of the grace period
	cancel context.CancelFunc
	done   chan struct{}
}

// newRunner returns a runner that runs do for each merged request: the
// feeds to poll (nil: every feed), or publishOnly when only a publish was
// asked for.
func newRunner(do func(ctx context.Context, feeds []string, publishOnly bool)) *runner {
	r := &runner{do: do, feeds: map[string]bool{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// start starts the runner's goroutine.
func (r *runner) start() { go r.loop() }

// request asks for a poll of feeds (nil: every feed). It never waits.
func (r *runner) request(feeds []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if feeds == nil {
		r.all = true
	}
	for _, f := range feeds {
		r.feeds[f] = true
	}
	r.signal()
}

// republish asks for the output to be rendered again. It never waits.
func (r *runner) republish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.publish = true
		r.signal()
	}
}

// signal leaves a token for the loop; callers hold mu.
func (r *runner) signal() {
	select {
	case r.wake <- struct{}{}:
	default: // a token waits already: the loop takes this request with it
	}
}

func (r *runner) loop() {
	defer close(r.done)
	for range r.wake {
		feeds, publishOnly, ok := r.take()
		if ok {
			r.do(r.ctx, feeds, publishOnly)
		}
	}
}

// take returns the merged requests and clears them.
func (r *runner) take() (feeds []string, publishOnly, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, false, false
	}
	switch {
	case r.all:
		feeds = nil
	case len(r.feeds) > 0:
		feeds = make([]string, 0, len(r.feeds))
		for f := range r.feeds {
			feeds = append(feeds, f)
		}
		slices.Sort(feeds)
	case r.publish:
		publishOnly = true
	default:
		return nil, false, false
	}
	r.all, r.publish = false, false
	clear(r.feeds)
	return feeds, publishOnly, true
}

// stop refuses new requests, drops the waiting ones and waits for the poll
// that runs; when it runs past grace it is cancelled and waited for. It
// reports whether the poll (if any) ended within grace. The runner must
// have been started.
func (r *runner) stop(grace time.Duration) bool {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.wake)
	}
	r.mu.Unlock()
	defer r.cancel()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-r.done:
		return true
	case <-t.C:
		r.cancel()
		<-r.done
		return false
	}
}
