package eval

import (
	"testing"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/demo"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// TestDemoGroups runs dedupe over the embedded demo feeds the way the
// pipeline does and requires exactly the story groups the demo was written
// to show: every reprint merged, follow-ups and bulletins apart.
func TestDemoGroups(t *testing.T) {
	c := &Corpus{Items: map[string][]news.Item{}, Labels: map[string]string{}}
	now := demo.AsOf()
	for _, f := range demo.Feeds() {
		fh, err := demo.FS.Open(f.File)
		if err != nil {
			t.Fatal(err)
		}
		items, err := fetch.Parse(fh, f.Name, "https://demo.example/"+f.File, 0, now)
		fh.Close()
		if err != nil {
			t.Fatalf("parse %s: %v", f.File, err)
		}
		c.Feeds = append(c.Feeds, f.Name)
		c.Items[f.Name] = items
	}
	for link, story := range demo.Expected() {
		c.Labels[Canon(link)] = story
	}
	ps := Run(c, NewOurs(dedupe.Options{}))
	s := Evaluate(c, ps)
	t.Log(s)
	if s.Precision != 1 || s.Recall != 1 || s.Coverage != 1 {
		for _, pair := range mustErrors(c, ps) {
			t.Errorf("%s %q (%s) and %q (%s)", pair.kind, pair.a.Item.Title, pair.a.Item.Feed, pair.b.Item.Title, pair.b.Item.Feed)
		}
		t.Fatalf("demo groups wrong: %v", s)
	}
}

type errPair struct {
	kind string
	a, b Placement
}

func mustErrors(c *Corpus, ps []Placement) []errPair {
	merged, split := Errors(c, ps, 20)
	var out []errPair
	for _, m := range merged {
		out = append(out, errPair{"wrongly merged:", m[0], m[1]})
	}
	for _, s := range split {
		out = append(out, errPair{"wrongly split:", s[0], s[1]})
	}
	return out
}
