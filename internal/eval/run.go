package eval

import (
	"cmp"
	"slices"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

// Deduper is a dedupe method as the harness drives it: our dedupe
// (Ours) and the baselines implement it.
type Deduper interface {
	// Learn sees a feed's whole document (its items) before any of them
	// is placed.
	Learn(feed string, items []news.Item)
	// Add places a new item: in an existing story or in newStoryID.
	Add(id string, it news.Item, newStoryID string) dedupe.Decision
	// Join places an item in storyID without comparison.
	Join(id string, it news.Item, storyID string)
	// Update replaces the text of a placed item.
	Update(id string, it news.Item)
}

// Placement is where a run put one item.
type Placement struct {
	Item     news.Item
	ID       string
	Story    string
	Decision dedupe.Decision
}

// Run polls the corpus once through d as the pipeline does: Learn for
// every feed with items, then every item in the placer's order (publish
// time, then item id); an item whose canonical link was seen is joined to
// that story, a known id is updated, any other item is added. It returns
// the placements in the order made.
func Run(c *Corpus, d Deduper) []Placement {
	type queued struct {
		item news.Item
		id   string
	}
	var q []queued
	for _, name := range c.Feeds {
		items := c.Items[name]
		if len(items) == 0 {
			continue
		}
		d.Learn(name, items)
		for _, it := range items {
			q = append(q, queued{it, news.ItemID(name, it.Key())})
		}
	}
	slices.SortStableFunc(q, func(a, b queued) int {
		return cmp.Or(a.item.Published.Compare(b.item.Published), cmp.Compare(a.id, b.id))
	})
	byLink := map[string]string{}
	byID := map[string]string{}
	alias := map[string]string{} // absorbed story → the story it went into
	var out []Placement
	for _, e := range q {
		p := Placement{Item: e.item, ID: e.id}
		switch st, seen := byID[e.id]; {
		case seen:
			d.Update(e.id, e.item)
			p.Story = st
		case byLink[e.item.CanonicalLink] != "" && e.item.CanonicalLink != "":
			p.Story = byLink[e.item.CanonicalLink]
			d.Join(e.id, e.item, p.Story)
		default:
			p.Decision = d.Add(e.id, e.item, news.StoryID(e.id))
			p.Story = p.Decision.StoryID
			for _, a := range p.Decision.Absorbed {
				alias[a] = p.Story
			}
		}
		byID[e.id] = p.Story
		if e.item.CanonicalLink != "" {
			byLink[e.item.CanonicalLink] = p.Story
		}
		out = append(out, p)
	}
	for i := range out {
		for s, ok := alias[out[i].Story]; ok; s, ok = alias[out[i].Story] {
			out[i].Story = s
		}
	}
	return out
}

// Ours is package dedupe as the pipeline runs it: each feed's furniture
// learned from its document, each body analysed once, items prepared with
// their feed's model and placed in one Index.
type Ours struct {
	Index     *dedupe.Index
	Furniture map[string]*dedupe.Furniture
	texts     map[string]*dedupe.Text // bodies analysed by Learn, until placed
	opts      dedupe.Options
}

// NewOurs returns our dedupe with opts, empty.
func NewOurs(opts dedupe.Options) *Ours {
	return &Ours{Index: dedupe.NewIndex(opts), Furniture: map[string]*dedupe.Furniture{},
		texts: map[string]*dedupe.Text{}, opts: opts}
}

// Learn analyses the feed's bodies and learns its furniture.
func (o *Ours) Learn(feed string, items []news.Item) {
	ts := make([]*dedupe.Text, len(items))
	for i := range items {
		ts[i] = dedupe.Analyse(items[i].Body())
		o.texts[news.ItemID(feed, items[i].Key())] = ts[i]
	}
	f := o.Furniture[feed].Clone()
	f.Learn(ts)
	o.Furniture[feed] = f
}

// prepare returns the item prepared with its feed's model.
func (o *Ours) prepare(id string, it news.Item) (dedupe.Doc, dedupe.Prepared) {
	t := o.texts[id]
	if t == nil || t.HTML() != it.Body() {
		t = dedupe.Analyse(it.Body())
	}
	delete(o.texts, id)
	return dedupe.Doc{ID: id, Feed: it.Feed, Published: it.Published}, o.Furniture[it.Feed].Prepare(t, it.Title)
}

// Add places a new item.
func (o *Ours) Add(id string, it news.Item, newStoryID string) dedupe.Decision {
	d, p := o.prepare(id, it)
	return o.Index.Add(d, &p, newStoryID)
}

// Join places an item in storyID.
func (o *Ours) Join(id string, it news.Item, storyID string) {
	d, p := o.prepare(id, it)
	o.Index.Join(d, &p, storyID)
}

// Update replaces a placed item's fingerprint.
func (o *Ours) Update(id string, it news.Item) {
	d, p := o.prepare(id, it)
	o.Index.Update(d, &p)
}

// Explain compares two placed items with their feeds' models.
func (o *Ours) Explain(a, b Placement) dedupe.Explanation {
	ex := func(p Placement) dedupe.Exhibit {
		return dedupe.Exhibit{Doc: dedupe.Doc{ID: p.ID, Feed: p.Item.Feed, Published: p.Item.Published},
			Title: p.Item.Title, Text: dedupe.Analyse(p.Item.Body()), Furniture: o.Furniture[p.Item.Feed]}
	}
	return dedupe.Explain(ex(a), ex(b), o.opts)
}
