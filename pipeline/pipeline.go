// Package pipeline is the one "poll once" unit that both the daemon (on
// every cron tick) and the one-shot fetch run: it fans out fetches over the
// configured feeds in chunks, analyses each feed's items beside the
// fetches, then one goroutine places the chunk's new items in stories (the
// dedupe index's single writer) and another stores them, each feed in a
// savepoint of its own: a feed is stored whole or not at all.
package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// Store is the persistence the pipeline needs. *store.DB implements it; a
// PostgreSQL implementation can follow for operators who run several
// instances.
type Store interface {
	FeedStates(ctx context.Context) (map[string]news.FeedState, error)
	SaveFeedState(ctx context.Context, st news.FeedState) error
	ApplyAll(ctx context.Context, bs []store.Batch) []error
	Known(ctx context.Context, ids []string) (map[string]store.Known, error)
	StoriesByLink(ctx context.Context, links []string) (map[string]string, error)
	Window(ctx context.Context, since time.Time, fn func(store.WindowItem) error) error
	Stories(ctx context.Context, q store.Query) ([]news.Story, error)
	Purge(ctx context.Context, before time.Time) (items, stories int, err error)
}

// Fetcher polls one feed; *fetch.Client implements it.
type Fetcher interface {
	Begin(st news.FeedState, now time.Time) news.FeedState
	Fetch(ctx context.Context, st news.FeedState, now time.Time) fetch.Result
}

// Feed is one configured feed.
type Feed struct {
	Name string
	URL  string
	Tags []string
}

// Config is what the pipeline needs of the configuration.
type Config struct {
	Feeds     []Feed
	Window    time.Duration // how far back new items are compared
	Retention time.Duration // 0: keep items for ever
	Priority  []string      // feeds whose copy represents a story first
	// ChunkFeeds is how many feeds a poll fetches before it dedupes and
	// stores their items; it bounds the memory of a poll. 0 means
	// DefaultChunkFeeds.
	ChunkFeeds int
}

// Pipeline polls feeds and keeps the store and the dedupe window up to
// date. Its methods are safe for concurrent use; polls are serialised.
type Pipeline struct {
	store Store
	log   *slog.Logger
	now   func() time.Time

	mu    sync.Mutex // serialises polls and guards the fields below
	run   Config     // the settings of the running poll: a copy of cfg
	runF  Fetcher    // the fetcher of the running poll
	index *dedupe.Index

	setMu   sync.Mutex // guards cfg and fetcher, which polls copy at their start
	cfg     Config
	fetcher Fetcher
}

// New returns a pipeline over st and f, with its dedupe window rebuilt from
// the store.
func New(ctx context.Context, st Store, f Fetcher, cfg Config, log *slog.Logger) (*Pipeline, error) {
	p := &Pipeline{store: st, fetcher: f, log: log, now: time.Now, cfg: cfg, run: cfg, runF: f}
	if err := p.rebuild(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// SetConfig replaces the configuration; the next poll uses it (a running
// poll finishes with the old one). A changed dedupe window takes effect at
// the next restart. It does not wait for a running poll.
func (p *Pipeline) SetConfig(cfg Config) {
	p.setMu.Lock()
	defer p.setMu.Unlock()
	p.cfg = cfg
}

// SetFetcher replaces the fetcher from the next poll on, e.g. with a client
// built from reloaded options. It does not wait for a running poll.
func (p *Pipeline) SetFetcher(f Fetcher) {
	p.setMu.Lock()
	defer p.setMu.Unlock()
	p.fetcher = f
}

// Fetcher returns the fetcher the next poll will use.
func (p *Pipeline) Fetcher() Fetcher {
	p.setMu.Lock()
	defer p.setMu.Unlock()
	return p.fetcher
}

// settle copies the current settings for a poll; callers hold mu.
func (p *Pipeline) settle() {
	p.setMu.Lock()
	defer p.setMu.Unlock()
	p.run, p.runF = p.cfg, p.fetcher
}

// rebuild restores the dedupe window from the store. Callers hold mu or
// own p exclusively.
//
// An item whose record cannot be restored (a record of another version, or
// the empty one stored when dedupe failed on the item) stays in the store
// and its story but not in the window: later copies of it found a story
// of their own. Such items are counted in a warning; they never stop the
// rebuild. The feeds' furniture models carry over from the index rebuilt.
func (p *Pipeline) rebuild(ctx context.Context) error {
	ix := dedupe.NewIndex(dedupe.Options{Window: p.run.Window})
	if p.index != nil {
		ix.ShareModels(p.index)
	}
	var since time.Time
	if p.run.Window > 0 {
		since = p.now().Add(-p.run.Window)
	}
	var bad int
	var first error
	err := p.store.Window(ctx, since, func(w store.WindowItem) error {
		if err := ix.Restore(w.ID, w.Feed, w.StoryID, w.Published, w.Record); err != nil {
			bad++
			first = cmp.Or(first, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild dedupe window: %w", err)
	}
	if bad > 0 {
		p.log.Warn("dedupe window rebuilt without items whose records are unreadable", "items", bad, "first", first)
	}
	p.index = ix
	return nil
}

// Stories returns stories newest first with each story's representative
// first among its members.
func (p *Pipeline) Stories(ctx context.Context, q store.Query) ([]news.Story, error) {
	stories, err := p.store.Stories(ctx, q)
	if err != nil {
		return nil, err
	}
	p.setMu.Lock()
	priority := p.cfg.Priority
	p.setMu.Unlock()
	for i := range stories {
		s := &stories[i]
		r := dedupe.Representative(s.Members, priority)
		if r > 0 {
			s.Members[0], s.Members[r] = s.Members[r], s.Members[0]
			rest := s.Members[1:]
			sortMembers(rest)
		}
		s.Published = s.Members[0].Published
	}
	return stories, nil
}

// Explain compares two items as the dedupe index would.
func (p *Pipeline) Explain(a, b news.Item) dedupe.Explanation {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.index.Explain(docOf(a), docOf(b))
}

func docOf(it news.Item) dedupe.Doc {
	return dedupe.Doc{
		ID:        news.ItemID(it.Feed, it.Key()),
		Feed:      it.Feed,
		Title:     it.Title,
		HTML:      it.Body(),
		Published: it.Published,
	}
}
