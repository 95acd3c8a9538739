package pipeline

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

// placeBatch is how many inbox items the placer takes, places and records
// at once.
var placeBatch = 1000

// Place puts the items waiting in the store's inbox in their stories, in
// the inbox's order (publish time, then item id), whoever fetched them: a
// changed item's fingerprint is updated in its story; a new item joins the
// story of a placed item with its canonical link, else the story the index
// finds for it, else founds its own. Merged items are counted in rep (nil:
// not counted). When the store fails to record a placement the index is
// dropped, to be rebuilt from the store, and the items stay in the inbox
// for the next call.
//
// The store records one batch while the next is read and placed (the
// placer's own maps know the stories of the batch not yet recorded).
func (p *Pipeline) Place(ctx context.Context, s *Settings, rep *Report) error {
	now := p.now().UTC()
	if err := p.ready(ctx, s, now); err != nil {
		return fmt.Errorf("place: %w", err)
	}
	pl := placer{p: p, byLink: make(map[linkKey]string), feeds: make(map[string]*FeedReport), alias: make(map[string]string)}
	if rep != nil {
		for i := range rep.Feeds {
			pl.feeds[rep.Feeds[i].Name] = &rep.Feeds[i]
		}
	}
	rec := p.recorder(ctx, now)
	err := pl.run(ctx, rec)
	if rerr := rec.wait(); rerr != nil {
		p.index = nil
		return fmt.Errorf("place: %w", rerr)
	}
	if err != nil {
		return fmt.Errorf("place: %w", err)
	}
	return nil
}

// run reads the inbox a batch at a time, places each batch and hands its
// placements to rec; it stops early when rec has failed.
func (pl *placer) run(ctx context.Context, rec *recorder) error {
	var after news.InboxKey
	for {
		us, err := pl.p.store.Unplaced(ctx, after, placeBatch)
		if err != nil || len(us) == 0 {
			return err
		}
		if err := pl.linked(ctx, us); err != nil {
			return err
		}
		ps := make([]news.Placement, 0, len(us))
		for i := range us {
			ps = pl.place(ps, &us[i])
		}
		select {
		case rec.batches <- ps:
		case <-rec.failed:
			return nil // the recorder's error is the one returned
		}
		if len(us) < placeBatch {
			return nil
		}
		after = us[len(us)-1].Key()
	}
}

// recorder records placed batches in the store, in order, on a goroutine
// of its own, while the placer reads and places the next batch. It stops
// at the first error, closing failed.
type recorder struct {
	batches chan []news.Placement
	failed  chan struct{}
	err     error // set before failed is closed
	done    chan struct{}
}

func (p *Pipeline) recorder(ctx context.Context, now time.Time) *recorder {
	r := &recorder{batches: make(chan []news.Placement), failed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for ps := range r.batches {
			if r.err = p.store.Place(ctx, ps, now); r.err != nil {
				close(r.failed)
				return
			}
		}
	}()
	return r
}

// wait ends the recorder once what it was given is recorded, and returns
// its error.
func (r *recorder) wait() error {
	close(r.batches)
	<-r.done
	return r.err
}

// placer is one pass of Place.
type placer struct {
	p      *Pipeline
	byLink map[linkKey]string     // canonical link → story, of placed items
	feeds  map[string]*FeedReport // the report's feeds, by name
	alias  map[string]string      // story merged → the story it went into
}

// linkKey is a canonical link's key in placer.byLink: 128 bits of its
// SHA-256, not the link itself, which a first poll of 500,000 items would
// hold 500,000 of until its end. Two links with one key are a collision
// of SHA-256 truncated to 128 bits: about 2⁻⁸⁸ for a million links.
type linkKey [16]byte

func keyOf(link string) linkKey {
	sum := sha256.Sum256([]byte(link))
	return linkKey(sum[:16])
}

// linkedStory is the story of a placed item with the canonical link, or
// "" (also for no link).
func (pl *placer) linkedStory(link string) string {
	if link == "" {
		return ""
	}
	return pl.story(pl.byLink[keyOf(link)])
}

// story resolves id through the merges of this pass.
func (pl *placer) story(id string) string {
	for {
		into, ok := pl.alias[id]
		if !ok {
			return id
		}
		id = into
	}
}

// linked adds to byLink the stories of the placed items that share a
// canonical link with the new items of us (exact cross-feed duplicates).
func (pl *placer) linked(ctx context.Context, us []news.Unplaced) error {
	var links []string
	for i := range us {
		if l := us[i].CanonicalLink; l != "" && !us[i].Changed && pl.byLink[keyOf(l)] == "" {
			links = append(links, l)
		}
	}
	if len(links) == 0 {
		return nil
	}
	found, err := pl.p.store.StoriesByLink(ctx, links)
	if err != nil {
		return fmt.Errorf("look up canonical links: %w", err)
	}
	for l, sid := range found {
		pl.byLink[keyOf(l)] = sid
	}
	return nil
}

// place places one inbox item and appends where it went to ps, with the
// merges of stories its placing found.
func (pl *placer) place(ps []news.Placement, u *news.Unplaced) []news.Placement {
	ix, log := pl.p.index, pl.p.log
	stay := news.Placement{ID: u.ID, StoryID: u.StoryID}
	prep, err := dedupe.ParsePrepared(u.Prepared)
	if err != nil {
		log.Warn("dedupe: unreadable inbox entry; the item stays in a story of its own", "item", u.ID, "err", err)
		return append(ps, stay)
	}
	d := dedupe.Doc{ID: u.ID, Feed: u.Feed, Published: u.Published}
	if u.Changed {
		ix.Update(d, &prep)
		return append(ps, stay)
	}
	if sid := pl.linkedStory(u.CanonicalLink); sid != "" {
		ix.Join(d, &prep, sid)
		pl.merged(u.Feed)
		return append(ps, news.Placement{ID: u.ID, StoryID: sid})
	}
	dec := ix.Add(d, &prep, u.StoryID)
	if !dec.New {
		pl.merged(u.Feed)
	}
	if u.CanonicalLink != "" {
		pl.byLink[keyOf(u.CanonicalLink)] = dec.StoryID
	}
	log.Debug("placed item", "feed", u.Feed, "item", u.ID, "story", dec.StoryID, "new", dec.New, "reason", dec.Reason)
	ps = append(ps, news.Placement{ID: u.ID, StoryID: dec.StoryID})
	for _, a := range dec.Absorbed {
		pl.alias[a] = dec.StoryID
		ps = append(ps, news.Placement{StoryID: dec.StoryID, From: a})
		log.Info("merged two stories found to be one", "story", dec.StoryID, "absorbed", a, "item", u.ID)
	}
	return ps
}

func (pl *placer) merged(feed string) {
	if fr := pl.feeds[feed]; fr != nil {
		fr.Merged++
	}
}
