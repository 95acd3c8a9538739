package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// groupStore records the size of every group the writer stores.
type groupStore struct {
	*store.DB
	mu     sync.Mutex
	groups [][2]int // feeds, items
}

func (s *groupStore) Ingest(ctx context.Context, bs []news.Batch) []error {
	n := 0
	for _, b := range bs {
		n += len(b.Items)
	}
	s.mu.Lock()
	s.groups = append(s.groups, [2]int{len(bs), n})
	s.mu.Unlock()
	return s.DB.Ingest(ctx, bs)
}

// TestGroupsBoundedByItems: the writer stores a group once it holds
// ChunkItems items (or ChunkFeeds feeds), so a group never holds more than
// that plus one feed's items; every feed is stored.
func TestGroupsBoundedByItems(t *testing.T) {
	db := &groupStore{DB: openStore(t, filepath.Join(t.TempDir(), "a.db"))}
	f := newFake()
	var names []string
	for i := range 9 {
		name := fmt.Sprintf("feed%d", i)
		names = append(names, name)
		f.items[name] = []news.Item{item(name, "a", "Harbour board closes eastern pier", harbour, t0.Add(time.Duration(i)*time.Minute)),
			item(name, "b", "Frost cuts apple harvest", orchard, t0.Add(time.Duration(i)*time.Minute))}
	}
	p := newPipeline(t, db, f, names...).with(func(s *Settings) { s.ChunkItems, s.ChunkFeeds = 3, 50 })
	rep := poll(t, p, false)
	if rep.Count(StatusOK) != 9 {
		t.Fatalf("report: %+v", rep.Feeds)
	}
	stored := 0
	for _, g := range db.groups {
		if g[0] > 2 || g[1] > 4 {
			t.Errorf("a group of %d feeds and %d items: want at most 2 feeds (3 items and one more feed)", g[0], g[1])
		}
		stored += g[0]
	}
	if stored != 9 {
		t.Errorf("%d feeds stored in groups %v, want 9", stored, db.groups)
	}
	p = newPipeline(t, &groupStore{DB: openStore(t, filepath.Join(t.TempDir(), "b.db"))}, f, names...).with(func(s *Settings) { s.ChunkFeeds = 4 })
	poll(t, p, false)
	for _, g := range p.store.(*groupStore).groups {
		if g[0] > 4 {
			t.Errorf("a group of %d feeds, ChunkFeeds 4", g[0])
		}
	}
}

// gateFetcher holds every fetch until inFlight fetches have begun, and
// records the most that were ever begun and not ended at once.
type gateFetcher struct {
	*fakeFetcher
	inFlight int
	mu       sync.Mutex
	cond     *sync.Cond
	active   int
	arrived  int
	most     int
}

func (g *gateFetcher) Fetch(ctx context.Context, st news.FeedState, now time.Time) fetch.Result {
	g.mu.Lock()
	g.active++
	g.arrived++
	g.most = max(g.most, g.active)
	g.cond.Broadcast()
	round := (g.arrived - 1) / g.inFlight
	for g.arrived < (round+1)*g.inFlight {
		g.cond.Wait()
	}
	g.active--
	g.mu.Unlock()
	return g.fakeFetcher.Fetch(ctx, st, now)
}

// TestInFlightBound: no more than InFlight feeds are fetched at once,
// and that many are (the gate opens only when InFlight fetches have
// begun: a poll that fetched fewer would never end).
func TestInFlightBound(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	g := &gateFetcher{fakeFetcher: newFake(), inFlight: 3}
	g.cond = sync.NewCond(&g.mu)
	var names []string
	for i := range 12 {
		name := fmt.Sprintf("feed%d", i)
		names = append(names, name)
		g.items[name] = []news.Item{item(name, "a", "Harbour board closes eastern pier", harbour, t0)}
	}
	p := newPipeline(t, db, g, names...).with(func(s *Settings) { s.InFlight = 3 })
	if rep := poll(t, p, false); rep.Count(StatusOK) != 12 {
		t.Fatalf("report: %+v", rep.Feeds)
	}
	if g.most != 3 {
		t.Errorf("at most %d fetches at once, want 3", g.most)
	}
}
