// Package pipeline is the one "poll once" unit that both the daemon (on
// every tick) and the one-shot fetch run, and the one publish step they
// share.
//
// A poll has two stages. The fetch stage fans out fetches over the due
// feeds in chunks; beside each fetch, the feed's items are analysed (its
// furniture learned, each new or changed item prepared for dedupe and
// cleaned), and one writer stores each chunk: every feed's state, items,
// furniture model and its items queued in the store's inbox, in a
// savepoint of its own, whole or not at all. A new item is stored in a
// story of its own, so nothing fetched is ever missing from the output. The
// place stage then takes the inbox in one order (publish time, then item
// id) and puts each item in its story with the dedupe index, the single
// writer of the window. So the stories a poll makes do not depend on how
// its feeds were cut into chunks or on the timing of the fetches.
//
// The pipeline owns the store and the index; the settings of a poll are an
// immutable value its caller passes in. It imports no store: a Store is
// whatever implements the interface below (SQLite, PostgreSQL).
package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// Store is the persistence the pipeline needs.
type Store interface {
	FeedStates(ctx context.Context) (map[string]news.FeedState, error)
	SaveFeedState(ctx context.Context, st news.FeedState) error
	Known(ctx context.Context, ids []string) (map[string]news.Known, error)
	// Furniture returns every feed's stored furniture model.
	Furniture(ctx context.Context) (map[string][]byte, error)
	// Ingest writes each batch whole or not at all; one error per batch.
	Ingest(ctx context.Context, bs []news.Batch) []error
	// Unplaced returns the first limit items of the inbox in placing order
	// that come after the key (the zero key: from the start).
	Unplaced(ctx context.Context, after news.InboxKey, limit int) ([]news.Unplaced, error)
	// Place records placements and takes the items out of the inbox.
	Place(ctx context.Context, ps []news.Placement, now time.Time) error
	StoriesByLink(ctx context.Context, links []string) (map[string]string, error)
	Window(ctx context.Context, since time.Time, fn func(news.WindowItem) error) error
	Stories(ctx context.Context, q news.StoryQuery) ([]news.Story, error)
	Purge(ctx context.Context, before time.Time) (items, stories int, err error)
	// StoryStore: the reads of the story pages and archives.
	StoryStore
}

// Fetcher polls one feed; *fetch.Client implements it.
type Fetcher interface {
	Begin(st news.FeedState, now time.Time) news.FeedState
	Fetch(ctx context.Context, st news.FeedState, now time.Time) fetch.Result
}

// Settings are what one poll runs with: a value the caller builds from the
// configuration and never changes once passed in (a reload makes a new
// one).
type Settings struct {
	Feeds []news.Feed
	// Window is how far back a new item is compared; 0 means no limit.
	Window time.Duration
	// Retention is how long items no longer carried are kept; 0 keeps
	// them for ever.
	Retention time.Duration
	// Priority lists the feeds whose copy represents a story first.
	Priority []string
	// Fetcher fetches the feeds.
	Fetcher Fetcher
	// ChunkFeeds and ChunkItems bound a group of feeds stored together:
	// it is stored once it holds ChunkFeeds feeds or ChunkItems items.
	// InFlight bounds the feeds between the start of their fetch and the
	// writer. Together they bound the memory of a poll. 0 means
	// DefaultChunkFeeds, DefaultChunkItems, DefaultInFlight.
	ChunkFeeds, ChunkItems, InFlight int
	// Dedupe tunes the decision rule.
	Dedupe dedupe.Options
	// SecretParams names the query parameters, besides the common ones,
	// whose values are never logged (news.RedactURL).
	SecretParams []string
}

// WindowStart is the start of the dedupe window at now: an item is in the
// window when it was published at or after it. The zero time means no
// limit. It is the window's one definition: the index is rebuilt from the
// store with it and evicts with it.
func (s *Settings) WindowStart(now time.Time) time.Time {
	if s.Window <= 0 {
		return time.Time{}
	}
	return now.Add(-s.Window)
}

// Pipeline polls feeds into the store and places their items in stories.
// Poll and Place must not run concurrently with each other (one caller
// runs them); Stories, Explain and Publish only read the store and may run
// at any time.
type Pipeline struct {
	store Store
	log   *slog.Logger
	now   func() time.Time

	// The index and the settings it was built with; nil until the first
	// poll, and again when the store failed under it.
	index    *dedupe.Index
	indexFor struct {
		window time.Duration
		opts   dedupe.Options
	}

	furnMu sync.Mutex // guards furn, read by the fetch goroutines
	furn   map[string]*dedupe.Furniture
}

// New returns a pipeline over st. The dedupe window is built from the
// store at the first poll.
func New(st Store, log *slog.Logger) *Pipeline {
	return &Pipeline{store: st, log: log, now: time.Now}
}

// ready builds the index for s when it has none or was built for other
// settings, and loads the furniture models once.
func (p *Pipeline) ready(ctx context.Context, s *Settings, now time.Time) error {
	if err := p.readyFurniture(ctx); err != nil {
		return err
	}
	if p.index != nil && p.indexFor.window == s.Window && p.indexFor.opts == s.Dedupe {
		return nil
	}
	ix := dedupe.NewIndex(s.Dedupe)
	var bad int
	var first error
	// The store hands the window over in its own order; the Restorer
	// puts it in the window's.
	r := ix.Restorer(0)
	err := readWindow(ctx, p.store, s.WindowStart(now), func(w *news.WindowItem) {
		if len(w.Record) == 0 {
			return // an item whose analysis failed: in a story of its own
		}
		if err := r.Add(dedupe.Doc{ID: w.ID, Feed: w.Feed, Published: w.Published}, w.Seq, w.StoryID, w.Record); err != nil {
			bad++
			first = cmp.Or(first, err)
		}
	})
	if err != nil {
		return fmt.Errorf("rebuild dedupe window: %w", err)
	}
	r.Done()
	if bad > 0 {
		p.log.Warn("dedupe window rebuilt without items whose records are corrupt", "items", bad, "first", first)
	}
	p.index = ix
	p.indexFor.window, p.indexFor.opts = s.Window, s.Dedupe
	return nil
}

// windowBatch is how many window items readWindow hands over at once.
const windowBatch = 256

// readWindow calls fn for every item of the store's window since start,
// in the order the store gives, while the store reads the next ones on a
// goroutine of its own: reading the window and restoring the index each
// took about half of a restart's time.
func readWindow(ctx context.Context, st Store, start time.Time, fn func(*news.WindowItem)) error {
	batches := make(chan []news.WindowItem, 2)
	var err error
	go func() {
		defer close(batches)
		b := make([]news.WindowItem, 0, windowBatch)
		err = st.Window(ctx, start, func(w news.WindowItem) error {
			if b = append(b, w); len(b) == windowBatch {
				batches <- b
				b = make([]news.WindowItem, 0, windowBatch)
			}
			return nil
		})
		if len(b) > 0 {
			batches <- b
		}
	}()
	for b := range batches {
		for i := range b {
			fn(&b[i])
		}
	}
	return err // the goroutine has ended: batches is closed
}

// readyFurniture loads the furniture models the first time it is called.
// It is safe for concurrent use (FetchFeed calls it from several jobs).
func (p *Pipeline) readyFurniture(ctx context.Context) error {
	p.furnMu.Lock()
	loaded := p.furn != nil
	p.furnMu.Unlock()
	if loaded {
		return nil
	}
	models, err := loadFurniture(ctx, p.store)
	if err != nil {
		return err
	}
	p.furnMu.Lock()
	defer p.furnMu.Unlock()
	if p.furn == nil {
		p.furn = models
	}
	return nil
}

// loadFurniture reads every feed's stored furniture model; a model that
// does not decode is dropped (the feed learns again).
func loadFurniture(ctx context.Context, st Store) (map[string]*dedupe.Furniture, error) {
	raw, err := st.Furniture(ctx)
	if err != nil {
		return nil, fmt.Errorf("load furniture models: %w", err)
	}
	out := make(map[string]*dedupe.Furniture, len(raw))
	for feed, b := range raw {
		f := new(dedupe.Furniture)
		if f.UnmarshalBinary(b) == nil {
			out[feed] = f
		}
	}
	return out, nil
}

// furniture returns the model of feed (nil when it has none).
func (p *Pipeline) furniture(feed string) *dedupe.Furniture {
	p.furnMu.Lock()
	defer p.furnMu.Unlock()
	return p.furn[feed]
}

// setFurniture replaces the model of feed, once what it learned is stored.
func (p *Pipeline) setFurniture(feed string, f *dedupe.Furniture) {
	p.furnMu.Lock()
	defer p.furnMu.Unlock()
	if p.furn == nil {
		return // not loaded yet: the load reads the stored models, this one included
	}
	p.furn[feed] = f
}

// Stories returns stories newest first with each story's representative
// first among its members (see Representative).
func (p *Pipeline) Stories(ctx context.Context, q news.StoryQuery, priority []string) ([]news.Story, error) {
	stories, err := p.store.Stories(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range stories {
		represent(&stories[i], priority)
	}
	return stories, nil
}

// Representative returns the index in members of the one that represents
// the story: of the first feed in priority order that has a member, the
// copy of the newest version (dedupe.Versions on the members' cleaned
// texts, so a late copy or a summary of an earlier version is not taken
// for a new one), the earliest published of those (the originator), then
// the most complete text (the longest body), then the smallest id. It
// returns -1 for no members.
func Representative(members []news.StoredItem, priority []string) int {
	if len(members) < 2 {
		return len(members) - 1
	}
	rank := func(feed string) int {
		if i := slices.Index(priority, feed); i >= 0 {
			return i
		}
		return len(priority)
	}
	version := versions(members)
	best := 0
	for i := 1; i < len(members); i++ {
		a, b := &members[i], &members[best]
		if ra, rb := rank(a.Feed), rank(b.Feed); ra != rb {
			if ra < rb {
				best = i
			}
			continue
		}
		if version[i] != version[best] {
			if version[i] > version[best] {
				best = i
			}
			continue
		}
		if better(a, b) {
			best = i
		}
	}
	return best
}

// versions returns the version of each member (dedupe.Versions), taken in
// publish order.
func versions(members []news.StoredItem) []int {
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &members[i], &members[j]
		return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.ID, b.ID))
	})
	texts := make([]*dedupe.Text, len(order))
	for k, i := range order {
		body := members[i].CleanHTML
		if body == "" {
			body = members[i].Body()
		}
		texts[k] = dedupe.Analyse(body)
	}
	vs := dedupe.Versions(texts)
	out := make([]int, len(members))
	for k, i := range order {
		out[i] = vs[k]
	}
	return out
}

// better orders the copies of one version from one rank of feeds: the
// earliest published, then the longest body, then the smallest id.
func better(a, b *news.StoredItem) bool {
	if !a.Published.Equal(b.Published) {
		return a.Published.Before(b.Published)
	}
	if la, lb := len(a.Body()), len(b.Body()); la != lb {
		return la > lb
	}
	return a.ID < b.ID
}

// sortMembers orders members by publish time, then id.
func sortMembers(ms []news.StoredItem) {
	slices.SortStableFunc(ms, func(a, b news.StoredItem) int {
		return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.ID, b.ID))
	})
}

// Explain compares two items as the placer would, with the furniture
// models the store holds for their feeds.
func (p *Pipeline) Explain(ctx context.Context, a, b news.Item, opts dedupe.Options) (dedupe.Explanation, error) {
	models, err := loadFurniture(ctx, p.store)
	if err != nil {
		return dedupe.Explanation{}, err
	}
	exhibit := func(it news.Item) dedupe.Exhibit {
		return dedupe.Exhibit{
			Doc:   dedupe.Doc{ID: news.ItemID(it.Feed, it.Key()), Feed: it.Feed, Published: it.Published},
			Title: it.Title, Text: dedupe.Analyse(it.Body()), Furniture: models[it.Feed],
		}
	}
	return dedupe.Explain(exhibit(a), exhibit(b), opts), nil
}
