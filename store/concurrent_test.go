package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// storyBatch is batch n of a writer that founds one story of k members per
// batch, all items of feed.
func storyBatch(feed string, n, k int, now time.Time) news.Batch {
	items := make([]news.Entry, k)
	founder := fmt.Sprintf("%s-%05d-0", feed, n)
	for i := range items {
		items[i] = entry(feed, fmt.Sprintf("%s-%05d-%d", feed, n, i), founder, now.Add(time.Duration(i)*time.Second))
		items[i].StoryID = entry(feed, founder, founder, now).StoryID
	}
	b := batch(feed, now, items...)
	b.Carried = nil // keep every item carried; the test is about visibility
	return b
}

// TestConcurrentReadersWhilePolling runs readers against a writer: every
// read must see whole batches only (every story has exactly k members,
// item counts are multiples of k) and never go back in time.
func TestConcurrentReadersWhilePolling(t *testing.T) {
	const batches, k, readers = 60, 4, 3
	ctx := context.Background()
	db, path := newTestDB(t)
	done := make(chan struct{})
	var ready sync.WaitGroup
	var wg sync.WaitGroup
	var reads atomic.Int64
	ready.Add(readers)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reader(ctx, t, db, k, r, &ready, done, &reads)
		}()
	}
	ready.Wait() // every reader has done one round before the writer starts
	for n := range batches {
		if err := db.Apply(ctx, storyBatch("w", n, k, t0.Add(time.Duration(n)*time.Minute))); err != nil {
			t.Errorf("Apply %d: %v", n, err)
			break
		}
	}
	close(done)
	wg.Wait()
	if got := len(mustStories(t, db, news.StoryQuery{})); got != batches {
		t.Errorf("%d stories after the writer finished, want %d", got, batches)
	}
	t.Logf("%d reads during %d batches", reads.Load(), batches)
	checkConsistent(t, path)
}

// reader reads until done is closed, then once more, checking each
// snapshot.
func reader(ctx context.Context, t *testing.T, db *DB, k, r int, ready *sync.WaitGroup, done <-chan struct{}, reads *atomic.Int64) {
	last := -1
	first := true
	for {
		finished := false
		select {
		case <-done:
			finished = true
		default:
		}
		n, err := readRound(ctx, db, k, r)
		if err != nil {
			t.Errorf("reader %d: %v", r, err)
			return
		}
		if n < last {
			t.Errorf("reader %d: saw %d stories after %d", r, n, last)
		}
		last = n
		reads.Add(1)
		if first {
			ready.Done()
			first = false
		}
		if finished {
			return
		}
	}
}

// readRound does one round of reads and returns the number of stories seen.
func readRound(ctx context.Context, db *DB, k, r int) (int, error) {
	ss, err := db.Stories(ctx, news.StoryQuery{})
	if err != nil {
		return 0, err
	}
	for _, s := range ss {
		if len(s.Members) != k {
			return 0, fmt.Errorf("story %s has %d members, want %d", s.ID, len(s.Members), k)
		}
	}
	switch r % 3 {
	case 0:
		st, err := db.Stats(ctx)
		if err != nil {
			return 0, err
		}
		if st.Items != k*st.Stories {
			return 0, fmt.Errorf("stats: %d items in %d stories", st.Items, st.Stories)
		}
	case 1:
		var n int
		if err := db.Window(ctx, time.Time{}, func(news.WindowItem) error { n++; return nil }); err != nil {
			return 0, err
		}
		if n%k != 0 {
			return 0, fmt.Errorf("window of %d items", n)
		}
	case 2:
		if _, err := db.FeedStates(ctx); err != nil {
			return 0, err
		}
		if err := db.Ping(ctx); err != nil {
			return 0, err
		}
	}
	return len(ss), nil
}
