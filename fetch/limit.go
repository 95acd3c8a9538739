package fetch

import (
	"context"
	"sync"
	"time"
)

// clock is the time source of the per-host pacing; tests use a fake one.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// hostLimiter allows at most perHost requests in flight to one host and
// spaces their starts at least delay apart. It is safe for concurrent use.
type hostLimiter struct {
	perHost int
	delay   time.Duration
	clock   func() clock

	mu    sync.Mutex
	hosts map[string]*hostSlot
	// changed, when set (by tests), is called after a fetch queues for,
	// takes or leaves a host's slot, so a test waits for a state by
	// events rather than by polling.
	changed func()
}

// hostSlot is the state of one host: a semaphore, the earliest start of the
// next request, and how many fetches hold or wait for the semaphore.
type hostSlot struct {
	sem  chan struct{}
	next time.Time
	refs int
}

func newHostLimiter(perHost int, delay time.Duration, clk func() clock) *hostLimiter {
	return &hostLimiter{perHost: perHost, delay: delay, clock: clk, hosts: map[string]*hostSlot{}}
}

// acquire waits for a slot of host and for its spacing, then returns the
// function that releases the slot. It fails only when ctx ends first.
func (l *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	s := l.slot(host)
	select {
	case s.sem <- struct{}{}:
		l.notify()
	case <-ctx.Done():
		l.unref(s)
		return nil, ctx.Err()
	}
	release := func() {
		<-s.sem
		l.unref(s)
	}
	clk := l.clock()
	l.mu.Lock()
	now := clk.Now()
	start := s.next
	if start.Before(now) {
		start = now
	}
	s.next = start.Add(l.delay)
	l.mu.Unlock()
	if wait := start.Sub(now); wait > 0 {
		select {
		case <-clk.After(wait):
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

func (l *hostLimiter) slot(host string) *hostSlot {
	l.mu.Lock()
	s := l.hosts[host]
	if s == nil {
		l.sweep()
		s = &hostSlot{sem: make(chan struct{}, l.perHost)}
		l.hosts[host] = s
	}
	s.refs++
	l.mu.Unlock()
	l.notify()
	return s
}

func (l *hostLimiter) unref(s *hostSlot) {
	l.mu.Lock()
	s.refs--
	l.mu.Unlock()
	l.notify()
}

// notify calls changed, when set.
func (l *hostLimiter) notify() {
	if l.changed != nil {
		l.changed()
	}
}

// sweep forgets idle hosts whose spacing has passed, so the map does not
// grow with every host ever polled. l.mu must be held.
func (l *hostLimiter) sweep() {
	if len(l.hosts) < 64 {
		return
	}
	now := l.clock().Now()
	for h, s := range l.hosts {
		if s.refs == 0 && !s.next.After(now) {
			delete(l.hosts, h)
		}
	}
}

// waiting reports how many fetches wait for a slot of host (for tests).
func (l *hostLimiter) waiting(host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.hosts[host]
	if s == nil {
		return 0
	}
	return s.refs - len(s.sem)
}

// acquireGlobal takes one of the client's global slots and returns the
// function that gives it back.
func (c *Client) acquireGlobal(ctx context.Context) (func(), error) {
	select {
	case c.global <- struct{}{}:
		return func() { <-c.global }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
