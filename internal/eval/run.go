package eval

import (
	"cmp"
	"slices"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

// Deduper is what the pipeline calls on a dedupe method; *dedupe.Index and
// the baselines implement it.
type Deduper interface {
	Learn(feed string, htmls []string)
	Add(doc dedupe.Doc, newStoryID string) dedupe.Decision
	Join(doc dedupe.Doc, storyID string)
	Update(doc dedupe.Doc)
}

// textDeduper is a Deduper that reads each body once, as the pipeline
// calls *dedupe.Index: analysed bodies for Learn, documents prepared before
// they are placed.
type textDeduper interface {
	LearnTexts(feed string, ts []*dedupe.Text)
	Prepare(doc dedupe.Doc, t *dedupe.Text) dedupe.Doc
}

// Placement is where a run put one item.
type Placement struct {
	Item     news.Item
	ID       string
	Story    string
	Decision dedupe.Decision
}

// Run polls the corpus once through d as the pipeline does: Learn for every
// feed with items (on bodies analysed once, when d reads Texts), then every item sorted by publish time, then feed order,
// then id; an item whose canonical link was seen is joined to that story,
// a known id is updated, any other item is added. It returns the
// placements in the order made.
func Run(c *Corpus, d Deduper) []Placement {
	type queued struct {
		item news.Item
		id   string
		feed int
		text *dedupe.Text
	}
	td, texts := d.(textDeduper)
	var q []queued
	for fi, name := range c.Feeds {
		items := c.Items[name]
		if len(items) == 0 {
			continue
		}
		bodies := make([]string, len(items))
		ts := make([]*dedupe.Text, len(items))
		for i := range items {
			bodies[i] = items[i].Body()
			if texts {
				ts[i] = dedupe.Analyse(bodies[i])
			}
			q = append(q, queued{items[i], news.ItemID(name, items[i].Key()), fi, ts[i]})
		}
		if texts {
			td.LearnTexts(name, ts)
		} else {
			d.Learn(name, bodies)
		}
	}
	slices.SortStableFunc(q, func(a, b queued) int {
		if c := a.item.Published.Compare(b.item.Published); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.feed, b.feed), cmp.Compare(a.id, b.id))
	})
	byLink := map[string]string{}
	byID := map[string]string{}
	var out []Placement
	for _, e := range q {
		doc := dedupe.Doc{ID: e.id, Feed: e.item.Feed, Title: e.item.Title, HTML: e.item.Body(), Published: e.item.Published}
		if texts {
			doc = td.Prepare(doc, e.text)
		}
		p := Placement{Item: e.item, ID: e.id}
		switch st, seen := byID[e.id]; {
		case seen:
			d.Update(doc)
			p.Story = st
		case byLink[e.item.CanonicalLink] != "" && e.item.CanonicalLink != "":
			p.Story = byLink[e.item.CanonicalLink]
			d.Join(doc, p.Story)
		default:
			p.Decision = d.Add(doc, news.StoryID(e.id))
			p.Story = p.Decision.StoryID
		}
		byID[e.id] = p.Story
		if e.item.CanonicalLink != "" {
			byLink[e.item.CanonicalLink] = p.Story
		}
		out = append(out, p)
	}
	return out
}
