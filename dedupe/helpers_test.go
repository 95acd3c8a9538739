package dedupe

import "time"

// tdoc is a document as the tests write it: identity, title and body.
type tdoc struct {
	ID, Feed, Title, HTML string
	Published             time.Time
}

func (d tdoc) doc() Doc { return Doc{ID: d.ID, Feed: d.Feed, Published: d.Published} }

// testSet is an Index with its feeds' furniture: it places tdocs the way
// the pipeline places items (analyse, prepare with the feed's model, add).
type testSet struct {
	ix   *Index
	furn map[string]*Furniture
}

func newSet(opts Options) *testSet {
	return &testSet{ix: NewIndex(opts), furn: make(map[string]*Furniture)}
}

// model returns the furniture of feed, made when missing.
func (s *testSet) model(feed string) *Furniture {
	f := s.furn[feed]
	if f == nil {
		f = new(Furniture)
		s.furn[feed] = f
	}
	return f
}

func (s *testSet) learn(feed string, htmls []string) {
	ts := make([]*Text, len(htmls))
	for i, h := range htmls {
		ts[i] = Analyse(h)
	}
	s.model(feed).Learn(ts)
}

func (s *testSet) clean(feed, html string) string { return s.furn[feed].Clean(Analyse(html)) }

func (s *testSet) prepare(d tdoc) Prepared { return s.furn[d.Feed].Prepare(Analyse(d.HTML), d.Title) }

func (s *testSet) add(d tdoc, newStoryID string) Decision {
	p := s.prepare(d)
	return s.ix.Add(d.doc(), &p, newStoryID)
}

func (s *testSet) update(d tdoc) {
	p := s.prepare(d)
	s.ix.Update(d.doc(), &p)
}

func (s *testSet) exhibit(d tdoc) Exhibit {
	return Exhibit{Doc: d.doc(), Title: d.Title, Text: Analyse(d.HTML), Furniture: s.furn[d.Feed]}
}

func (s *testSet) explain(a, b tdoc) Explanation {
	return Explain(s.exhibit(a), s.exhibit(b), s.ix.opts)
}

// record returns the record of d as the pipeline stores it.
func (s *testSet) record(d tdoc) []byte {
	p := s.prepare(d)
	return p.Record()
}
