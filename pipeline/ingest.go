package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// pending is one fetched item on its way into the store.
type pending struct {
	item    news.Item
	id      string
	feedIdx int
	known   *store.Known // nil for an item never seen
	storyID string
	// doc is the item for the dedupe index, prepared by analyse for a new
	// or changed item; clean is its cleaned body when cleaned is set.
	doc     dedupe.Doc
	clean   string
	cleaned bool
}

// changed reports whether the store lacks the item's text: a new item, or
// a known one whose text changed.
func (pe *pending) changed() bool {
	return pe.known == nil || pe.known.ContentHash != pe.item.ContentHash()
}

// analyse prepares the items of one fetched feed for the writer, beside
// the other feeds' fetches: each body is analysed once, the feed's
// furniture model learns from all of them, and the new and changed items
// are prepared for the index and cleaned. A panic leaves the items as they
// are, to be analysed by the writer.
func (p *Pipeline) analyse(ix *dedupe.Index, feed string, items []*pending) {
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("dedupe: analysing a feed failed; its items are analysed when placed", "feed", feed, "panic", v)
			for _, pe := range items {
				pe.doc, pe.clean, pe.cleaned = dedupe.Doc{}, "", false
			}
		}
	}()
	if len(items) == 0 {
		return
	}
	ts := make([]*dedupe.Text, len(items))
	for j, pe := range items {
		ts[j] = dedupe.Analyse(pe.item.Body())
	}
	ix.LearnTexts(feed, ts)
	for j, pe := range items {
		if pe.changed() {
			pe.doc = ix.Prepare(docOf(pe.item), ts[j])
			pe.clean, pe.cleaned = ix.CleanText(feed, ts[j]), true
		}
	}
}

// docOf returns pe's item for the index: as analyse prepared it, or as is.
func (pe *pending) docOf() dedupe.Doc {
	if pe.doc.ID != "" {
		return pe.doc
	}
	return docOf(pe.item)
}

// ingest dedupes a chunk's fetched items (results[j] is feed due[j]) and
// returns each feed's batch for the writer; rebuild is set when dedupe
// failed and the index must be rebuilt from the store once the batches are
// written. Only a failing store is returned as an error; a feed's failure
// is recorded in its report.
func (p *Pipeline) ingest(ctx context.Context, results []fetched, due []int, rep *Report, now time.Time) (out []feedBatch, rebuild bool, err error) {
	batches := make(map[int][]*pending, len(due))
	for j, i := range due {
		res := &results[j].res
		fr := &rep.Feeds[i]
		fr.HTTP = res.State.LastStatus
		switch {
		case res.Err != nil:
			fr.Status, fr.Err = StatusFailed, res.Err
		case res.NotModified:
			fr.Status = StatusNotModified
		default:
			fr.Status, fr.Items = StatusOK, len(res.Items)
		}
		if res.Rewritten != "" {
			p.log.Warn("feed URL rewritten after repeated permanent redirects", "feed", fr.Name, "from", res.Rewritten, "to", res.State.URL)
		}
		if fr.Status != StatusOK {
			continue
		}
		if err := results[j].err; err != nil {
			return nil, false, err
		}
		batches[i] = results[j].items
	}
	if err := p.safePlace(ctx, batches, due, rep); err != nil {
		p.log.Error("dedupe failed: storing this poll's new items as stories of their own", "err", err)
		for _, items := range batches {
			for _, pe := range items {
				if pe.storyID == "" {
					pe.storyID = news.StoryID(pe.id)
				}
			}
		}
		rebuild = true
	}
	out = make([]feedBatch, 0, len(due))
	for j, i := range due {
		b := store.Batch{State: results[j].res.State, Now: now}
		if items, ok := batches[i]; ok {
			b.Carried = make([]string, 0, len(items))
			for _, pe := range items {
				b.Carried = append(b.Carried, pe.id)
				if pe.changed() {
					b.Items = append(b.Items, p.entry(pe))
				}
			}
		}
		out = append(out, feedBatch{feedIdx: i, Batch: b})
	}
	return out, rebuild, nil
}

// safePlace runs place, turning a panic inside dedupe into an error so
// that one bad item cannot stop every feed's poll.
func (p *Pipeline) safePlace(ctx context.Context, batches map[int][]*pending, due []int, rep *Report) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error: %v\n%s", v, debug.Stack())
		}
	}()
	p.place(ctx, batches, due, rep)
	return nil
}

// classify drops repeats within one document and looks up which items the
// store already has.
func (p *Pipeline) classify(ctx context.Context, feedIdx int, items []news.Item) ([]*pending, error) {
	seen := make(map[string]bool, len(items))
	out := make([]*pending, 0, len(items))
	ids := make([]string, 0, len(items))
	for _, it := range items {
		id := news.ItemID(it.Feed, it.Key())
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, &pending{item: it, id: id, feedIdx: feedIdx})
		ids = append(ids, id)
	}
	known, err := p.store.Known(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("poll: look up items: %w", err)
	}
	for _, pe := range out {
		if k, ok := known[pe.id]; ok {
			pe.known = &k
			pe.storyID = k.StoryID
		}
	}
	return out, nil
}

// place assigns every new item to a story and updates changed ones: the
// feeds' furniture models have learned from their whole documents
// (analyse), and new items are added oldest first so that the earliest
// copy founds its story.
func (p *Pipeline) place(ctx context.Context, batches map[int][]*pending, due []int, rep *Report) {
	var fresh []*pending
	for _, i := range due {
		items := batches[i]
		if len(items) == 0 {
			continue
		}
		for _, pe := range items {
			switch {
			case pe.known == nil:
				fresh = append(fresh, pe)
			case pe.changed():
				p.index.Update(pe.docOf())
				pe.doc = dedupe.Doc{} // its analysis is no longer needed
				rep.Feeds[i].Updated++
			}
		}
	}
	slices.SortStableFunc(fresh, func(a, b *pending) int {
		return cmp.Or(a.item.Published.Compare(b.item.Published), cmp.Compare(a.feedIdx, b.feedIdx), cmp.Compare(a.id, b.id))
	})
	byLink := p.linkedStories(ctx, fresh)
	for _, pe := range fresh {
		rep.Feeds[pe.feedIdx].New++
		doc := pe.docOf()
		pe.doc = dedupe.Doc{} // its analysis is no longer needed
		if sid, ok := byLink[pe.item.CanonicalLink]; ok && pe.item.CanonicalLink != "" {
			p.index.Join(doc, sid)
			pe.storyID = sid
			rep.Feeds[pe.feedIdx].Merged++
			continue
		}
		d := p.index.Add(doc, news.StoryID(pe.id))
		pe.storyID = d.StoryID
		if !d.New {
			rep.Feeds[pe.feedIdx].Merged++
		}
		if pe.item.CanonicalLink != "" {
			byLink[pe.item.CanonicalLink] = d.StoryID
		}
		p.log.Debug("placed item", "feed", pe.item.Feed, "item", pe.id, "story", d.StoryID, "new", d.New, "reason", d.Reason)
	}
}

// linkedStories returns the stories that already hold an item with the
// canonical link of one of the fresh items (exact cross-feed dedupe).
func (p *Pipeline) linkedStories(ctx context.Context, fresh []*pending) map[string]string {
	links := make([]string, 0, len(fresh))
	for _, pe := range fresh {
		if pe.item.CanonicalLink != "" {
			links = append(links, pe.item.CanonicalLink)
		}
	}
	byLink, err := p.store.StoriesByLink(ctx, links)
	if err != nil {
		p.log.Warn("look up canonical links", "err", err)
		byLink = nil
	}
	if byLink == nil {
		byLink = make(map[string]string)
	}
	return byLink
}

// feedBatch is one feed's batch for the store.
type feedBatch struct {
	feedIdx int
	store.Batch
}

// writer applies the chunks' batches in order on a goroutine of its own,
// while the poll places the next chunk. A chunk's feeds share transactions
// (store.ApplyAll), each feed's state and items in a savepoint of its own:
// a feed is written whole or not at all. A failed transaction marks the feed failed in the
// report (its state was not saved, so its items are fetched again at the
// next poll) and sets failed: the poll then waits for the writer (sync)
// and rebuilds the dedupe window from the store, so that memory never
// holds what the store lacks.
type writer struct {
	in     chan writeJob
	done   chan struct{}
	failed atomic.Bool
}

// writeJob is a chunk's batches, or with synced a request to report when
// everything before it is written.
type writeJob struct {
	batches []feedBatch
	synced  chan struct{}
}

// startWriter starts the writer of one poll; close it with stop. What was
// fetched is stored even when the poll is cancelled meanwhile (a
// shutdown's grace period ending): the writes are short, and dropping them
// would only mean fetching it all again.
func (p *Pipeline) startWriter(ctx context.Context, rep *Report) *writer {
	ctx = context.WithoutCancel(ctx)
	w := &writer{in: make(chan writeJob), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for job := range w.in {
			bs := make([]store.Batch, len(job.batches))
			for i, fb := range job.batches {
				bs[i] = fb.Batch
			}
			for i, err := range p.store.ApplyAll(ctx, bs) {
				if err != nil {
					fr := &rep.Feeds[job.batches[i].feedIdx]
					fr.Status, fr.Err = StatusFailed, fmt.Errorf("store %s: %w", fr.Name, err)
					w.failed.Store(true)
				}
			}
			if job.synced != nil {
				close(job.synced)
			}
		}
	}()
	return w
}

// sync waits until every batch sent before it is written.
func (w *writer) sync() {
	ch := make(chan struct{})
	w.in <- writeJob{synced: ch}
	<-ch
}

// stop writes what was sent and ends the writer.
func (w *writer) stop() {
	close(w.in)
	<-w.done
}

func (p *Pipeline) entry(pe *pending) (e store.Entry) {
	e = store.Entry{StoredItem: news.StoredItem{Item: pe.item, ID: pe.id, StoryID: pe.storyID}}
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("dedupe: clean or record failed; storing the item as delivered", "item", pe.id, "panic", v)
			if e.Record == nil {
				e.Record = []byte{}
			}
		}
	}()
	if pe.cleaned {
		e.CleanHTML = pe.clean
	} else {
		e.CleanHTML = p.index.Clean(pe.item.Feed, pe.item.Body())
	}
	e.Record = p.index.Record(pe.id)
	return e
}

// purge evicts old items from the dedupe window and, with a retention
// set, from the store.
func (p *Pipeline) purge(ctx context.Context, now time.Time) {
	if p.run.Window > 0 {
		p.index.Evict(now.Add(-p.run.Window))
	}
	if p.run.Retention <= 0 {
		return
	}
	items, stories, err := p.store.Purge(ctx, now.Add(-p.run.Retention))
	if err != nil {
		p.log.Warn("purge old items", "err", err)
		return
	}
	if items > 0 {
		p.log.Info("purged old items", "items", items, "stories", stories)
	}
}
