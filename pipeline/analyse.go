package pipeline

import (
	"context"
	"fmt"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// feedBatch is one feed's fetch on its way to the store.
type feedBatch struct {
	idx   int // the feed's index in the settings and the report
	batch news.Batch
	furn  *dedupe.Furniture // the model learned, taken in once stored
	pace  fetch.Pace        // the bounds of the feed's learned interval
	err   error             // the store failed while the feed was analysed
	slot  chan struct{}     // the analysis slot held, if any: see release
	// fresh and changed count the new and changed items of the batch.
	fresh, changed int
}

// panicked fails the feed whose fetch or analysis panicked with err: its
// report and state say so, and nothing of it is stored but its state.
func (fb *feedBatch) panicked(fr *FeedReport, err error) {
	fr.Status, fr.Err = StatusFailed, fmt.Errorf("fetch %s: %w", fr.Name, err)
	st := &fb.batch.State
	st.LastError, st.Failures = fr.Err.Error(), st.Failures+1
	fb.batch.Carried, fb.batch.Items, fb.batch.Furniture = nil, nil, nil
}

// release gives back the analysis slot fb holds, if any.
func (fb *feedBatch) release() {
	if fb.slot != nil {
		<-fb.slot
		fb.slot = nil
	}
}

// analyse turns a fetched feed's items into fb's batch: repeats within the
// document dropped, the items the store has looked up, the feed's
// furniture learned from the whole document (when it brings anything new
// or changed), and each new or changed item prepared for the placer and
// cleaned. A new item is stored in a story of its own until it is placed.
// The error is the store's.
func (p *Pipeline) analyse(ctx context.Context, fb *feedBatch, items []news.Item) error {
	b := &fb.batch
	feed := b.State.Name
	ids := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	kept := items[:0:0]
	for _, it := range items {
		id := news.ItemID(it.Feed, it.Key())
		if !seen[id] {
			seen[id] = true
			ids, kept = append(ids, id), append(kept, it)
		}
	}
	known, err := p.store.Known(ctx, ids)
	if err != nil {
		return fmt.Errorf("look up the items of %s: %w", feed, err)
	}
	b.Carried = ids
	var todo []int // the new and changed items
	for i := range kept {
		if k, ok := known[ids[i]]; !ok || k.ContentHash != kept[i].ContentHash() {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if err := p.contain(feed, func() { p.prepare(fb, kept, ids, known, todo) }); err != nil {
		p.log.Error("dedupe: analysing a feed failed; its new items are stored in stories of their own", "feed", feed, "err", err)
		b.Items, b.Furniture, fb.furn = b.Items[:0], nil, nil
		for _, i := range todo {
			b.Items = append(b.Items, entryOf(kept[i], ids[i], known, kept[i].Body(), nil))
		}
	}
	for _, e := range b.Items {
		if _, ok := known[e.ID]; ok {
			fb.changed++
		} else {
			fb.fresh++
		}
	}
	return nil
}

// prepare learns the feed's furniture on a copy of its model and makes
// the entries of the items todo.
func (p *Pipeline) prepare(fb *feedBatch, items []news.Item, ids []string, known map[string]news.Known, todo []int) {
	texts := make([]*dedupe.Text, len(items))
	for i := range items {
		texts[i] = dedupe.Analyse(items[i].Body())
	}
	model := p.furniture(fb.batch.State.Name).Clone()
	model.Learn(texts)
	fb.furn = model
	fb.batch.Furniture, _ = model.MarshalBinary()
	fb.batch.Items = make([]news.Entry, 0, len(todo))
	for _, i := range todo {
		prep := model.Prepare(texts[i], items[i].Title)
		fb.batch.Items = append(fb.batch.Items, entryOf(items[i], ids[i], known, model.Clean(texts[i]), &prep))
		texts[i] = nil // its analysis is no longer needed
	}
}

// entryOf is the store entry of an item: a new one in a story of its own,
// a changed one in its story; prep queues it for the placer (nil: it stays
// where it is, unplaced).
func entryOf(it news.Item, id string, known map[string]news.Known, clean string, prep *dedupe.Prepared) news.Entry {
	e := news.Entry{StoredItem: news.StoredItem{Item: it, ID: id, CleanHTML: clean}}
	if k, ok := known[id]; ok {
		e.StoryID = k.StoryID
	} else {
		e.StoryID = news.StoryID(id)
	}
	if prep != nil {
		e.Record = prep.Record()
		e.Prepared, _ = prep.MarshalBinary()
	}
	return e
}
