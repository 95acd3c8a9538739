package pipeline

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/wirestory/aggregator/news"
)

// TestPollProgress: the progress hook hears once of every feed the poll
// fetches, failed and panicking ones included, with the number of feeds
// fetched in all and the counts of the feed's report; feeds not polled are
// not reported.
func TestPollProgress(t *testing.T) {
	f := newFake()
	f.items["a"] = []news.Item{item("a", "1", "Harbour pier to close", harbour, t0), item("a", "2", "Apple harvest", orchard, t0)}
	f.fail["b"] = errors.New("boom")
	f.panics["c"] = true
	p := newPipeline(t, openStore(t, t.TempDir()+"/s.db"), f, "a", "b", "c", "d")
	var mu sync.Mutex
	got := map[string]FeedReport{}
	var totals []int
	opts := PollOptions{Feeds: []string{"a", "b", "c"}, Progress: func(fr FeedReport, total int) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := got[fr.Name]; dup {
			t.Errorf("feed %s reported twice", fr.Name)
		}
		got[fr.Name] = fr
		totals = append(totals, total)
	}}
	rep, err := p.Poll(context.Background(), p.set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || slices.ContainsFunc(totals, func(n int) bool { return n != 3 }) {
		t.Fatalf("reported %v with totals %v, want a, b, c with total 3", got, totals)
	}
	if a := got["a"]; a.Status != StatusOK || a.Items != 2 || a.New != 2 {
		t.Errorf("a reported as %+v, want ok with 2 items, 2 new", a)
	}
	for _, name := range []string{"b", "c"} {
		if fr := got[name]; fr.Status != StatusFailed || fr.Err == nil {
			t.Errorf("%s reported as %+v, want failed with its error", name, fr)
		}
	}
	if rep.Feeds[0].New != got["a"].New {
		t.Errorf("report says %d new for a, progress %d", rep.Feeds[0].New, got["a"].New)
	}
}
