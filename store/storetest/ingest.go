package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// snapshot is what a reader can see of the store.
type snapshot struct {
	Stories  []news.Story
	States   map[string]news.FeedState
	Window   []news.WindowItem
	Unplaced []news.Unplaced
	InFeed   map[string]bool
}

func takeSnapshot(t *testing.T, s Store, ids []string) snapshot {
	t.Helper()
	ctx := context.Background()
	snap := snapshot{Stories: stories(t, s, news.StoryQuery{}), Window: window(t, s, time.Time{}), InFeed: map[string]bool{}}
	var err error
	if snap.States, err = s.FeedStates(ctx); err != nil {
		t.Fatal(err)
	}
	if snap.Unplaced, err = s.Unplaced(ctx, news.InboxKey{}, -1); err != nil {
		t.Fatal(err)
	}
	known, err := s.Known(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for id := range known {
		snap.InFeed[id] = s.InFeed(t, id)
	}
	return snap
}

// updatePolls is a sequence of polls that exercises every path of a
// batch: new items, a changed item, a move to another story (emptying
// one), an item that is no longer carried, a carried item that comes back,
// a 304, an empty batch, an item given twice in one batch, and queued
// items.
func updatePolls() (polls [][]news.Batch, ids []string) {
	a, b, c := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0), entry("bbc", "c", "a", t0)
	c.StoryID = a.StoryID
	a2 := a
	a2.Title, a2.StoryID = "Corrected", ""
	b2 := b
	b2.StoryID = a.StoryID // b's story is left empty
	d := entry("bbc", "d", "d", t0.Add(time.Hour))
	d2 := d
	d2.Title, d2.StoryID = "d again", entry("bbc", "c2", "c2", t0).StoryID
	q, q2 := queued(entry("npr", "q", "q", t0)), queued(entry("npr", "q2", "q2", t0.Add(time.Minute)))
	q3 := q
	q3.Title, q3.StoryID, q3.Prepared = "q changed", "", []byte("v2")
	t1, t2, t3 := t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	touched := batch("bbc", t3)
	touched.Carried = nil
	polls = [][]news.Batch{
		{batch("ap", t0, a, b), batch("bbc", t0, c), batch("npr", t0, q, q2)},
		{batch("ap", t1, a2), batch("bbc", t1, c, d, d2), batch("npr", t1, q3, q2)},
		{batch("ap", t2, a2, b2), {State: news.FeedState{Name: "bbc"}, Now: t2}, touched},
		{{State: news.FeedState{Name: "ap"}, Carried: []string{b.ID}, Now: t3}},
	}
	return polls, []string{a.ID, b.ID, c.ID, d.ID, q.ID, q2.ID}
}

// testIngestTogether: the same polls written by one Ingest per poll and
// by one Ingest per batch leave the same store.
func testIngestTogether(t *testing.T, all, one Store) {
	ctx := context.Background()
	polls, ids := updatePolls()
	for i, poll := range polls {
		for _, b := range poll {
			apply(t, one, b)
		}
		if err := errors.Join(all.Ingest(ctx, poll)...); err != nil {
			t.Fatalf("poll %d: Ingest: %v", i, err)
		}
		if got, want := takeSnapshot(t, all, ids), takeSnapshot(t, one, ids); !reflect.DeepEqual(got, want) {
			t.Fatalf("poll %d: Ingest left\n%+v\nIngest per batch left\n%+v", i, got, want)
		}
	}
	// After poll 3: a carried, b no longer (then back, in poll 4: only b).
	assertInFeed(t, all, map[string]bool{ids[0]: false, ids[1]: true, ids[2]: true, ids[3]: true})
	if got := len(stories(t, all, news.StoryQuery{})); got != 4 {
		t.Errorf("%d stories after the polls, want 4 (a's, c2's, q's, q2's): %s", got, storyShape(stories(t, all, news.StoryQuery{})))
	}
}

// testRollsBackFailed: a batch that fails half-way is rolled back whole
// (its state, items, records, stories and carried flags) while the
// batches before and after it in the same transaction are written.
func testRollsBackFailed(t *testing.T, s Store) {
	ctx := context.Background()
	old := entry("bad", "old", "old", t0)
	apply(t, s, batch("bad", t0, old))
	s.FailRecords(t)
	before := takeSnapshot(t, s, []string{old.ID})

	t1 := t0.Add(time.Hour)
	good1 := batch("ap", t1, entry("ap", "g1", "g1", t1), entry("ap", "g2", "g2", t1))
	// The failing batch writes its state, a new story and item, marks old
	// as no longer carried... and then fails on its second item.
	bad := batch("bad", t1, queued(entry("bad", "new", "new", t1)), failingEntry("bad", "x"))
	bad.State.ETag = "must-not-be-saved"
	bad.Furniture = []byte("must not be saved")
	good2 := batch("bbc", t1, entry("bbc", "g3", "g3", t1))
	noTime := batch("npr", time.Time{}, entry("npr", "n", "n", t1))
	errs := s.Ingest(ctx, []news.Batch{good1, bad, noTime, good2})
	if len(errs) != 4 || errs[0] != nil || errs[3] != nil {
		t.Fatalf("Ingest = %v, want errors for the second and third batches only", errs)
	}
	if err := errs[1]; err == nil || !strings.Contains(err.Error(), `apply feed "bad"`) ||
		!strings.Contains(err.Error(), "record refused") {
		t.Errorf("error of the failed batch = %v, want one naming the feed and the cause", err)
	}
	if err := errs[2]; err == nil || !strings.Contains(err.Error(), "no time") {
		t.Errorf("error of the batch without a time = %v", err)
	}

	after := takeSnapshot(t, s, []string{old.ID})
	if !reflect.DeepEqual(after.States["bad"], before.States["bad"]) || !after.InFeed[old.ID] {
		t.Errorf("failed batch left state %+v, old item carried %v", after.States["bad"], after.InFeed[old.ID])
	}
	if _, ok := after.States["npr"]; ok {
		t.Error("batch without a time saved its state")
	}
	if len(after.Unplaced) != 0 {
		t.Errorf("failed batch left %d items in the inbox", len(after.Unplaced))
	}
	if m, err := s.Furniture(ctx); err != nil || len(m) != 0 {
		t.Errorf("failed batch left furniture %q, %v", m, err)
	}
	want := map[string]int{"ap": 2, "bad": 1, "bbc": 1}
	st := stats(t, s)
	if !reflect.DeepEqual(st.PerFeed, want) || st.Stories != 4 || len(after.Window) != 4 {
		t.Errorf("after Ingest: items per feed %v, %d stories, window of %d; want %v, 4, 4",
			st.PerFeed, st.Stories, len(after.Window), want)
	}
}

// testManyTransactions writes more items than one transaction takes, with
// a failing batch in the second transaction.
func testManyTransactions(t *testing.T, s Store) {
	ctx := context.Background()
	s.FailRecords(t)
	const feeds, per = 30, 50 // 1,500 items: two transactions
	var bs []news.Batch
	for f := range feeds {
		feed := fmt.Sprintf("f%02d", f)
		items := make([]news.Entry, per)
		for i, g := range guids(per, feed) {
			items[i] = entry(feed, g, g, t0)
		}
		if f == 25 {
			items[per-1] = failingEntry(feed, "x")
		}
		bs = append(bs, batch(feed, t0, items...))
	}
	errs := s.Ingest(ctx, bs)
	for i, err := range errs {
		if (err != nil) != (i == 25) {
			t.Errorf("batch %d: %v", i, err)
		}
	}
	st := stats(t, s)
	if st.Items != (feeds-1)*per || len(st.PerFeed) != feeds-1 {
		t.Errorf("%d items of %d feeds, want %d of %d", st.Items, len(st.PerFeed), (feeds-1)*per, feeds-1)
	}
}

// testCanceled: with the context canceled nothing is written and every
// batch gets the context's error.
func testCanceled(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := s.Ingest(ctx, []news.Batch{batch("ap", t0, entry("ap", "a", "a", t0)), batch("bbc", t0)})
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("batch %d: %v, want context.Canceled", i, err)
		}
	}
	if st := takeSnapshot(t, s, nil); len(st.States) != 0 || len(st.Stories) != 0 {
		t.Errorf("canceled Ingest wrote %+v", st)
	}
	if errs := s.Ingest(ctx, nil); len(errs) != 0 {
		t.Errorf("Ingest(nil) = %v", errs)
	}
}

// testSameItemTwice: an item given twice in one batch is inserted, then
// updated (the second occurrence moves it to another story and empties
// the first).
func testSameItemTwice(t *testing.T, s Store) {
	a := entry("ap", "a", "a", t0)
	a2 := a
	a2.Title, a2.StoryID, a2.FirstSeen = "Second", entry("ap", "s", "s", t0).StoryID, t0.Add(time.Hour)
	apply(t, s, batch("ap", t0.Add(time.Minute), a, a2))
	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 1 || ss[0].ID != a2.StoryID || len(ss[0].Members) != 1 {
		t.Fatalf("stories %s, want one: %s with a as its member", storyShape(ss), a2.StoryID[:6])
	}
	m := ss[0].Members[0]
	if m.Title != "Second" || !m.FirstSeen.Equal(t0.Add(time.Minute)) {
		t.Errorf("member %q first seen %v, want the second title and the batch's time", m.Title, m.FirstSeen)
	}
	if w := window(t, s, time.Time{}); len(w) != 1 || w[0].StoryID != a2.StoryID {
		t.Errorf("window %+v", w)
	}
}

// testReaders: a reader running while batches are ingested sees every
// batch whole (each story with all its members) and never goes back.
func testReaders(t *testing.T, s Store) {
	ctx := context.Background()
	const batches, k = 30, 4
	done := make(chan error)
	go func() {
		for n := range batches {
			b := storyBatch("w", n, k, t0.Add(time.Duration(n)*time.Minute))
			if err := s.Ingest(ctx, []news.Batch{b})[0]; err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	last := -1
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		ss := stories(t, s, news.StoryQuery{})
		for _, st := range ss {
			if len(st.Members) != k {
				t.Fatalf("reader saw story %s with %d members, want %d", st.ID, len(st.Members), k)
			}
		}
		if len(ss) < last {
			t.Fatalf("reader saw %d stories after %d", len(ss), last)
		}
		last = len(ss)
	}
	if last != batches {
		t.Errorf("%d stories after the writer finished, want %d", last, batches)
	}
}

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
