package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// Status is the outcome of one feed's poll.
type Status string

// Statuses of a feed's poll.
const (
	StatusOK          Status = "ok"
	StatusNotModified Status = "not-modified"
	StatusFailed      Status = "failed"
	StatusSkipped     Status = "skipped" // not due yet, or gone
)

// FeedReport is what one poll did with one feed.
type FeedReport struct {
	Name     string
	Status   Status
	Items    int // items in the fetched document
	New      int // items seen for the first time
	Updated  int // known items whose text changed
	Merged   int // new items that joined an existing story
	Err      error
	Duration time.Duration
	HTTP     int // last HTTP status, 0 for local files and network errors
}

// Report is what one poll did.
type Report struct {
	Started  time.Time
	Duration time.Duration
	Feeds    []FeedReport
}

// Count returns how many feeds ended with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, f := range r.Feeds {
		if f.Status == s {
			n++
		}
	}
	return n
}

// Changed reports whether the poll stored anything new or updated.
func (r *Report) Changed() bool {
	for _, f := range r.Feeds {
		if f.New > 0 || f.Updated > 0 {
			return true
		}
	}
	return false
}

// PollOptions selects what one poll fetches.
type PollOptions struct {
	// Force polls feeds that are not due yet (their server asked us to
	// wait, or they failed recently). Gone feeds are never polled.
	Force bool
	// Feeds limits the poll to these feed names; nil polls every feed.
	Feeds []string
}

// Poll polls every due feed once, then dedupes and stores what arrived. A
// failing feed is reported, never returned as an error: the error is for
// the store or the context failing. Feeds go in chunks of Config.ChunkFeeds
// (fetched and analysed concurrently, then deduped and stored; a chunk is
// stored while the next is fetched), so that a poll of thousands of feeds
// never holds all their items at once; within a chunk, the earliest copy of
// a story founds it.
func (p *Pipeline) Poll(ctx context.Context, opts PollOptions) (*Report, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settle()
	now := p.now().UTC()
	rep := &Report{Started: now}
	defer func() { rep.Duration = p.now().Sub(now) }()

	states, err := p.store.FeedStates(ctx)
	if err != nil {
		return rep, fmt.Errorf("poll: %w", err)
	}
	due := make([]int, 0, len(p.run.Feeds))
	rep.Feeds = make([]FeedReport, len(p.run.Feeds))
	begun := make([]news.FeedState, len(p.run.Feeds))
	for i, f := range p.run.Feeds {
		rep.Feeds[i] = FeedReport{Name: f.Name, Status: StatusSkipped}
		st := stateFor(states, f)
		if st.Gone || (opts.Feeds != nil && !slices.Contains(opts.Feeds, f.Name)) || (!opts.Force && !fetch.Due(st, now)) {
			continue
		}
		begun[i] = p.begin(st, now)
		if err := p.store.SaveFeedState(ctx, begun[i]); err != nil {
			return rep, fmt.Errorf("poll: save state of %s: %w", f.Name, err)
		}
		due = append(due, i)
	}
	// While the writer stores one chunk, the next one is fetched, analysed
	// and placed: at most two chunks' items are held at once.
	chunks := slices.Collect(slices.Chunk(due, p.chunkSize()))
	fetchChunk := func(chunk []int) <-chan []fetched {
		ch := make(chan []fetched, 1)
		ix := p.index // read here: ingest may replace it meanwhile
		go func() { ch <- p.fetchAll(ctx, ix, begun, chunk, now, rep) }()
		return ch
	}
	var next <-chan []fetched
	if len(chunks) > 0 {
		next = fetchChunk(chunks[0])
	}
	w := p.startWriter(ctx, rep)
	for k, chunk := range chunks {
		got := <-next
		next = nil
		batches, rebuild, err := p.ingest(context.WithoutCancel(ctx), got, chunk, rep, now)
		if err == nil {
			w.in <- writeJob{batches: batches}
			if k+1 < len(chunks) {
				next = fetchChunk(chunks[k+1])
			}
			err = p.settleWrites(ctx, w, rebuild)
		}
		if err != nil {
			w.stop()
			if next != nil {
				<-next // no fetch outlives the poll
			}
			return rep, err
		}
	}
	w.stop()
	if err := p.settleWrites(ctx, w, false); err != nil {
		return rep, err
	}
	p.purge(ctx, now)
	return rep, ctx.Err()
}

// settleWrites rebuilds the dedupe window from the store once everything
// sent to w is written, when a write failed or force is set (dedupe
// panicked); else it returns at once. A stopped writer counts as synced.
func (p *Pipeline) settleWrites(ctx context.Context, w *writer, force bool) error {
	if !force && !w.failed.Load() {
		return nil
	}
	select {
	case <-w.done:
	default:
		w.sync()
	}
	failed := w.failed.Swap(false)
	if err := p.rebuild(context.WithoutCancel(ctx)); err != nil {
		if failed {
			return err // the store fails: the poll cannot go on
		}
		p.log.Error("rebuild dedupe window", "err", err)
	}
	return nil
}

// DefaultChunkFeeds is how many feeds a poll fetches before it dedupes and
// stores what they delivered (Config.ChunkFeeds). Two chunks' items are
// held at once: in the first poll of 1,000 feeds of 50 items
// (cmd/aggregator-bench --chunk), chunks of 50 feeds peaked at 256 MB, of
// 100 at 336-355 MB and of 200 at 494 MB, in the same wall time (10.4-12.0
// s of poll, within the machine's spread; docs/performance.md).
const DefaultChunkFeeds = 50

func (p *Pipeline) chunkSize() int {
	if p.run.ChunkFeeds > 0 {
		return p.run.ChunkFeeds
	}
	return DefaultChunkFeeds
}

// stateFor returns the stored state of f, or a fresh one for a feed never
// polled. A feed whose configured URL changed starts afresh, unless the
// stored URL is where the configured one permanently redirects.
func stateFor(states map[string]news.FeedState, f Feed) news.FeedState {
	st, ok := states[f.Name]
	if !ok || (st.ConfigURL != "" && st.ConfigURL != f.URL) {
		return news.FeedState{Name: f.Name, URL: f.URL, ConfigURL: f.URL}
	}
	if st.ConfigURL == "" {
		st.ConfigURL = f.URL
	}
	return st
}

// begin marks st as attempted before it is fetched; should the fetcher
// panic, the state is marked by hand so the poll goes on.
func (p *Pipeline) begin(st news.FeedState, now time.Time) (out news.FeedState) {
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("panic while starting a fetch", "feed", st.Name, "panic", v)
			out = st
			out.LastAttempt, out.NextPoll = now, now.Add(time.Minute)
		}
	}()
	return p.runF.Begin(st, now)
}

// fetched is one feed's fetch, with its items analysed.
type fetched struct {
	res   fetch.Result
	items []*pending // the items of a body fetched, classified and analysed
	err   error      // looking the items up in the store failed
}

// fetchAll fetches the due feeds concurrently (the fetcher applies the
// global and per-host limits) and analyses each feed's items as it
// arrives (analyse), beside the other fetches. It returns the results in
// the order of due, with each feed's fetch time in rep.
func (p *Pipeline) fetchAll(ctx context.Context, ix *dedupe.Index, begun []news.FeedState, due []int, now time.Time, rep *Report) []fetched {
	results := make([]fetched, len(due))
	// Analysis is CPU work: more of it at once than there are cores would
	// only hold more documents in memory.
	cpus := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for j, i := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			f := &results[j]
			f.res = p.fetchOne(ctx, begun[i], now)
			rep.Feeds[i].Duration = time.Since(start)
			if f.res.Err == nil && !f.res.NotModified {
				cpus <- struct{}{}
				defer func() { <-cpus }()
				f.items, f.err = p.classify(context.WithoutCancel(ctx), i, f.res.Items)
				if f.err == nil {
					p.analyse(ix, p.run.Feeds[i].Name, f.items)
				}
			}
		}()
	}
	wg.Wait()
	return results
}

// fetchOne fetches one feed; a panic while handling it becomes that
// feed's error instead of ending the process.
func (p *Pipeline) fetchOne(ctx context.Context, st news.FeedState, now time.Time) (res fetch.Result) {
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("panic while fetching", "feed", st.Name, "panic", v, "stack", string(debug.Stack()))
			res = fetch.Result{State: st, Err: fmt.Errorf("fetch %s: internal error: %v", st.Name, v)}
			res.State.LastError = res.Err.Error()
			res.State.Failures++
		}
	}()
	return p.runF.Fetch(ctx, st, now)
}

// sortMembers orders members by publish time, then id.
func sortMembers(ms []news.StoredItem) {
	slices.SortStableFunc(ms, func(a, b news.StoredItem) int {
		if c := a.Published.Compare(b.Published); c != 0 {
			return c
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}
