package output

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// pingTimeout bounds one publish request to the hub.
const pingTimeout = 10 * time.Second

// pinger announces changed feeds to a WebSub hub from at most one
// goroutine at a time, coalescing topics that change while it runs. The
// Server owns it: close stops the goroutine and waits for it.
type pinger struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex // guards the fields below
	pending map[string]bool
	opts    Options
	running bool
}

// publish queues topics for announcement with the hub and client of opts,
// starting the goroutine when it is not running.
func (p *pinger) publish(opts Options, topics []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending == nil {
		p.pending = map[string]bool{}
	}
	for _, t := range topics {
		p.pending[t] = true
	}
	p.opts = opts
	if !p.running {
		p.running = true
		p.wg.Add(1)
		go p.run()
	}
}

// run sends the pending pings until none are left or the pinger closes.
func (p *pinger) run() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		if len(p.pending) == 0 || p.ctx.Err() != nil {
			p.running = false
			p.mu.Unlock()
			return
		}
		topics := make([]string, 0, len(p.pending))
		for t := range p.pending {
			topics = append(topics, t)
		}
		clear(p.pending)
		opts := p.opts
		p.mu.Unlock()
		slices.Sort(topics)
		for _, t := range topics {
			err := ping(p.ctx, opts, t)
			if err != nil && p.ctx.Err() == nil && opts.OnError != nil {
				opts.OnError(err)
			}
		}
	}
}

// close stops the pinger and waits for its goroutine.
func (p *pinger) close() {
	p.cancel()
	p.wg.Wait()
}

// ping tells the hub that topic changed: a WebSub publish notification.
func ping(ctx context.Context, opts Options, topic string) error {
	if u, err := url.Parse(topic); err != nil || !u.IsAbs() {
		return fmt.Errorf("websub publish %s: feed URL is not absolute: set Options.Link", topic)
	}
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, opts.WebSubHub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("websub publish %s: %w", topic, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := opts.HubClient
	if client == nil {
		client = defaultHubClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("websub publish %s: %w", topic, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("websub publish %s: hub answered %s", topic, resp.Status)
	}
	return nil
}
