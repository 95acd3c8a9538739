package pipeline

import (
	"context"
	"errors"
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
	New      int // items stored for the first time
	Updated  int // known items whose text changed
	Merged   int // new items placed in an existing story
	Err      error
	Duration time.Duration
	HTTP     int // last HTTP status, 0 for local files and network errors
	// NextPoll is when the feed is due again.
	NextPoll time.Time
}

// Report is what one poll did.
type Report struct {
	Started  time.Time
	Duration time.Duration
	Feeds    []FeedReport
	// StoreFailed is set when the store refused some of what was fetched
	// (those feeds are failed, and fetched again at the next poll).
	StoreFailed bool
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
	return slices.ContainsFunc(r.Feeds, func(f FeedReport) bool { return f.New > 0 || f.Updated > 0 })
}

// PollOptions selects what one poll fetches.
type PollOptions struct {
	// Force polls feeds that are not due yet (their server asked us to
	// wait, or they failed recently). Gone feeds are never polled.
	Force bool
	// Feeds limits the poll to these feed names; nil polls every feed.
	Feeds []string
	// Progress, when set, is called once for every feed the poll fetches,
	// as soon as its fetch and the analysis of its items are done, with
	// its report (New and Updated count what is about to be stored; the
	// store may still refuse it) and how many feeds the poll fetches in
	// all. It is called from the poll's goroutines, concurrently: it must
	// be safe for concurrent use, and quick.
	Progress func(feed FeedReport, total int)
}

// DefaultChunkFeeds and DefaultChunkItems bound a group of feeds the
// writer stores together (Settings.ChunkFeeds, ChunkItems): it is stored
// once it holds either. DefaultInFlight bounds the feeds between the start
// of their fetch and the writer (Settings.InFlight). A poll holds at most
// two groups and the feeds in flight: its memory does not grow with the
// number of feeds, nor with the items of a feed beyond one document.
const (
	DefaultChunkFeeds = 50
	DefaultChunkItems = 1000
	DefaultInFlight   = 16
)

// Poll polls every due feed of s once, stores what arrived, and places the
// inbox in stories (see the package doc). A failing feed is reported,
// never returned as an error: the error is for the store or the context
// failing. What was fetched is stored and placed even when ctx ends
// meanwhile (a shutdown's grace period): dropping it would only mean
// fetching it again.
func (p *Pipeline) Poll(ctx context.Context, s *Settings, opts PollOptions) (*Report, error) {
	now := p.now().UTC()
	rep := &Report{Started: now}
	defer func() { rep.Duration = p.now().Sub(now) }()
	if err := p.ready(ctx, s, now); err != nil {
		return rep, fmt.Errorf("poll: %w", err)
	}
	states, err := p.store.FeedStates(ctx)
	if err != nil {
		return rep, fmt.Errorf("poll: %w", err)
	}
	rep.Feeds = make([]FeedReport, len(s.Feeds))
	due := make([]int, 0, len(s.Feeds))
	for i, f := range s.Feeds {
		st := StateFor(states, f)
		rep.Feeds[i] = FeedReport{Name: f.Name, Status: StatusSkipped, NextPoll: st.NextPoll}
		if st.Gone || (opts.Feeds != nil && !slices.Contains(opts.Feeds, f.Name)) || (!opts.Force && !fetch.Due(st, now)) {
			continue
		}
		due = append(due, i)
	}
	progress := func(FeedReport, int) {}
	if opts.Progress != nil {
		progress = opts.Progress
	}
	if err := p.fetchStage(ctx, s, states, due, now, rep, func(fr FeedReport) { progress(fr, len(due)) }); err != nil {
		return rep, err
	}
	if err := p.Place(context.WithoutCancel(ctx), s, rep); err != nil {
		return rep, err
	}
	p.purge(ctx, s, now)
	return rep, ctx.Err()
}

// StateFor returns the stored state of f (from states, by name), or a
// fresh one for a feed never polled. A feed whose configured URL changed
// starts afresh, unless the stored URL is where the configured one
// permanently redirects. A poll job (which reads one feed's state) calls
// it as Poll does.
func StateFor(states map[string]news.FeedState, f news.Feed) news.FeedState {
	st, ok := states[f.Name]
	if !ok || (st.ConfigURL != "" && st.ConfigURL != f.URL) {
		return news.FeedState{Name: f.Name, URL: f.URL, ConfigURL: f.URL}
	}
	if st.ConfigURL == "" {
		st.ConfigURL = f.URL
	}
	return st
}

// fetchStage fetches the due feeds, at most s.InFlight of them between
// the start of their fetch and the writer, and has the writer store them
// in groups (of s.ChunkFeeds feeds or s.ChunkItems items) while the next
// group is gathered. Each feed is marked attempted (saved) before it is
// fetched, so that a crash during the fetch cannot make it be polled again
// at once. The feeds are stored in the order their fetches end: the place
// stage, not the order of storing, decides the stories.
func (p *Pipeline) fetchStage(ctx context.Context, s *Settings, states map[string]news.FeedState, due []int, now time.Time, rep *Report, progress func(FeedReport)) error {
	maxFeeds, maxItems, inFlight := orDefault(s.ChunkFeeds, DefaultChunkFeeds), orDefault(s.ChunkItems, DefaultChunkItems), orDefault(s.InFlight, DefaultInFlight)
	w := p.startWriter(ctx, states, rep)
	defer w.stop()
	results := make(chan *feedBatch)
	slots := make(chan struct{}, inFlight)
	stop := make(chan struct{}) // closed when the store fails: start no more fetches
	var launchErr error         // read once results is closed
	// Analysis is CPU work: more of it at once than there are cores would
	// only hold more documents in memory.
	cpus := make(chan struct{}, runtime.GOMAXPROCS(0))
	go func() {
		var wg sync.WaitGroup
		defer func() { wg.Wait(); close(results) }()
		for _, i := range due {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			fb, err := p.begin(ctx, s, states, i, now)
			if err != nil {
				launchErr = err
				return
			}
			wg.Go(func() {
				p.fetchFeed(ctx, s, fb, rep, progress, cpus)
				// The analysis slot is held until the batch is taken:
				// analysed feeds do not pile up while the writer works.
				slot := fb.slot
				fb.slot = nil
				results <- fb // fb is the collector's from here
				if slot != nil {
					<-slot
				}
			})
		}
	}()
	var errs []error
	var group []feedBatch
	items := 0
	for fb := range results {
		<-slots
		if fb.err != nil {
			if errs = append(errs, fb.err); len(errs) == 1 {
				close(stop)
			}
			continue
		}
		group, items = append(group, *fb), items+len(fb.batch.Items)
		if len(group) >= maxFeeds || items >= maxItems {
			w.in <- group // the writer has taken the previous group
			group, items = nil, 0
		}
	}
	if len(group) > 0 {
		w.in <- group
	}
	if launchErr != nil {
		errs = append(errs, launchErr)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	return nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// begin marks feed i attempted and saves its state, as the start of its
// fetch; the error is the store's.
func (p *Pipeline) begin(ctx context.Context, s *Settings, states map[string]news.FeedState, i int, now time.Time) (*feedBatch, error) {
	st := StateFor(states, s.Feeds[i])
	if err := p.contain(st.Name, func() { st = s.Fetcher.Begin(st, now) }); err != nil {
		// marked by hand, as Begin would for a first failure
		st.LastAttempt, st.NextPoll = now, later(st.NextPoll, now.Add(time.Minute))
	}
	if err := p.store.SaveFeedState(ctx, st); err != nil {
		return nil, fmt.Errorf("save state of %s: %w", st.Name, err)
	}
	return &feedBatch{idx: i, pace: paceOf(s.Feeds[i]), batch: news.Batch{State: st, Now: now}}, nil
}

// fetchFeed fetches feed fb and analyses its items, a panic failing the
// feed alone; fb.err is set when the store failed.
func (p *Pipeline) fetchFeed(ctx context.Context, s *Settings, fb *feedBatch, rep *Report, progress func(FeedReport), cpus chan struct{}) {
	fr := &rep.Feeds[fb.idx]
	if err := p.contain(fr.Name, func() { fb.err = p.fetchOne(ctx, s, fb, fr, cpus) }); err != nil {
		fb.panicked(fr, err)
	}
	done := *fr
	done.New, done.Updated = fb.fresh, fb.changed
	progress(done)
}

// fetchOne fetches one feed into fb and analyses its items, taking a slot
// of cpus for the analysis (fb.release gives it back); the error is the
// store's.
func (p *Pipeline) fetchOne(ctx context.Context, s *Settings, fb *feedBatch, fr *FeedReport, cpus chan struct{}) error {
	start := time.Now()
	res := s.Fetcher.Fetch(ctx, fb.batch.State, fb.batch.Now)
	fb.batch.State = res.State
	fr.Duration, fr.HTTP, fr.NextPoll = time.Since(start), res.State.LastStatus, res.State.NextPoll
	switch {
	case res.Err != nil:
		fr.Status, fr.Err = StatusFailed, res.Err
		return nil
	case res.NotModified:
		fr.Status = StatusNotModified
		s.learn(fb, fr, nil)
		return nil
	}
	fr.Status, fr.Items = StatusOK, len(res.Items)
	redact := func(u string) string { return news.RedactURL(u, s.SecretParams...) }
	switch {
	case res.Discovered:
		p.log.Warn("the feed URL is an HTML page: polling the feed it links; update the config", "feed", fr.Name, "page", redact(res.Rewritten), "feed_url", redact(res.State.URL))
	case res.Rewritten != "":
		p.log.Warn("feed URL rewritten after repeated permanent redirects", "feed", fr.Name, "from", redact(res.Rewritten), "to", redact(res.State.URL))
	}
	cpus <- struct{}{}
	fb.slot = cpus // released by the caller, once it has handed fb on
	err := p.analyse(context.WithoutCancel(ctx), fb, res.Items)
	s.learn(fb, fr, res.Dates)
	return err
}

// learn sets the interval and the next poll of a feed polled with
// success from what the poll found (fetch.Learn): its new items, counted
// by analyse, and its document's dates (nil when not modified).
func (s *Settings) learn(fb *feedBatch, fr *FeedReport, dates []time.Time) {
	st := &fb.batch.State
	obs := fetch.Observation{Now: fb.batch.Now, New: fb.fresh, Dates: dates}
	*st = fetch.Learn(*st, obs, fb.pace)
	fr.NextPoll = st.NextPoll
}

// paceOf is the bounds of f's interval; a feed with a schedule of its own
// is polled on it (fetch.Pace.Fixed).
func paceOf(f news.Feed) fetch.Pace {
	return fetch.Pace{Min: f.MinInterval, Max: f.MaxInterval, Fixed: f.Schedule != ""}
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// FetchFeed fetches one feed and analyses what it delivered, as a poll's
// fetch stage does for each feed, without storing it: the batch holds the
// feed's new state, its new and changed items (each queued for placing)
// and its learned furniture. The caller stores it (in a transaction of
// its own: a poll job) and then hands it to Learned. A failed fetch is in
// the report, with its state in the batch; the error is the store's.
// st is the feed's state, already marked attempted if the caller wants
// that. Safe to call concurrently, for different feeds.
func (p *Pipeline) FetchFeed(ctx context.Context, s *Settings, st news.FeedState, now time.Time) (news.Batch, FeedReport, error) {
	// Only the furniture: the dedupe index is the placer's.
	if err := p.readyFurniture(ctx); err != nil {
		return news.Batch{}, FeedReport{}, err
	}
	fb := feedBatch{batch: news.Batch{State: st, Now: now}}
	if i := slices.IndexFunc(s.Feeds, func(f news.Feed) bool { return f.Name == st.Name }); i >= 0 {
		fb.pace = paceOf(s.Feeds[i])
	}
	fr := FeedReport{Name: st.Name}
	cpus := make(chan struct{}, 1)
	var err error
	perr := p.contain(st.Name, func() { err = p.fetchOne(ctx, s, &fb, &fr, cpus) })
	fb.release()
	if perr != nil {
		fb.panicked(&fr, perr)
	}
	fr.New, fr.Updated = fb.fresh, fb.changed
	return fb.batch, fr, err
}

// Learned takes in the furniture model of a batch FetchFeed made, once it
// is stored (or the model a poll job read from the store). Before the
// pipeline has loaded the stored models (its first FetchFeed, Poll or
// Place) it does nothing: the load reads them.
func (p *Pipeline) Learned(b news.Batch) {
	if b.Furniture == nil {
		return
	}
	f := new(dedupe.Furniture)
	if f.UnmarshalBinary(b.Furniture) == nil {
		p.setFurniture(b.State.Name, f)
	}
}

// contain runs fn for feed and returns a panic in it as an error, logged
// with its stack. Fetchers and the analysis of a feed's text run in
// goroutines of the poll, where a panic would end the process: one feed's
// failure must not stop the others.
func (p *Pipeline) contain(feed string, fn func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("panic while polling a feed", "feed", feed, "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error: %v", v)
		}
	}()
	fn()
	return nil
}

// writer stores the chunks' batches in order on a goroutine of its own,
// while the next chunk is fetched. A chunk's feeds share transactions
// (Store.Ingest), each feed whole or not at all. A feed the store refuses
// is failed in the report and keeps the state it had before the poll, so
// that it is fetched again at the next poll; the others' counts and
// furniture models are taken in once they are stored.
type writer struct {
	in   chan []feedBatch
	done chan struct{}
}

// startWriter starts the writer of one poll; close it with stop. What was
// fetched is stored even when the poll is cancelled meanwhile.
func (p *Pipeline) startWriter(ctx context.Context, states map[string]news.FeedState, rep *Report) *writer {
	ctx = context.WithoutCancel(ctx)
	w := &writer{in: make(chan []feedBatch), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for fbs := range w.in {
			bs := make([]news.Batch, len(fbs))
			for i := range fbs {
				bs[i] = fbs[i].batch
			}
			for i, err := range p.store.Ingest(ctx, bs) {
				p.stored(ctx, &fbs[i], err, states, rep)
			}
		}
	}()
	return w
}

// stored records the outcome of storing one feed's batch.
func (p *Pipeline) stored(ctx context.Context, fb *feedBatch, err error, states map[string]news.FeedState, rep *Report) {
	fr := &rep.Feeds[fb.idx]
	if err == nil {
		fr.New, fr.Updated = fb.fresh, fb.changed
		if fb.furn != nil {
			p.setFurniture(fr.Name, fb.furn)
		}
		return
	}
	rep.StoreFailed = true
	fr.Status, fr.Err = StatusFailed, fmt.Errorf("store %s: %w", fr.Name, err)
	// Not the feed's failure: it is due again as it was before the poll.
	st := fb.batch.State
	old := states[fr.Name] // the zero state for a feed never saved
	st.ETag, st.LastModified, st.BodyHash, st.NextPoll = old.ETag, old.LastModified, old.BodyHash, old.NextPoll
	st.Interval, st.LastNew = old.Interval, old.LastNew
	st.LastError = fr.Err.Error()
	fr.NextPoll = st.NextPoll
	if err := p.store.SaveFeedState(ctx, st); err != nil {
		p.log.Error("save the state of a feed the store refused", "feed", fr.Name, "err", err)
	}
}

// stop stores what was sent and ends the writer.
func (w *writer) stop() {
	close(w.in)
	<-w.done
}

// Purge evicts the items published before the window from the index and,
// with a retention set, purges old items from the store, as Poll does at
// its end: a placer that runs Place without Poll calls it now and then. It
// must not run concurrently with Place.
func (p *Pipeline) Purge(ctx context.Context, s *Settings) {
	p.purge(ctx, s, p.now().UTC())
}

// purge evicts the items published before the window from the index and,
// with a retention set, old items from the store.
func (p *Pipeline) purge(ctx context.Context, s *Settings, now time.Time) {
	if start := s.WindowStart(now); !start.IsZero() && p.index != nil {
		p.index.Evict(start)
	}
	if s.Retention <= 0 {
		return
	}
	items, stories, err := p.store.Purge(ctx, now.Add(-s.Retention))
	if err != nil {
		p.log.Warn("purge old items", "err", err)
		return
	}
	if items > 0 {
		p.log.Info("purged old items", "items", items, "stories", stories)
	}
}
