package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// failRecordsTrigger makes the writer fail on an item whose record is
// "fail", after the item row, its story and the items before it in the
// batch are written: a failure half-way through a batch.
const failRecordsTrigger = `CREATE TEMP TRIGGER fail_record BEFORE INSERT ON item_records
	WHEN NEW.record = CAST('fail' AS BLOB) BEGIN SELECT RAISE(ABORT, 'record refused'); END`

func failingEntry(feed, guid string) news.Entry {
	e := entry(feed, guid, guid, t0)
	e.Record = []byte("fail")
	return e
}

// snapshot is what a reader can see of the store.
type snapshot struct {
	Stories []news.Story
	States  map[string]news.FeedState
	Window  []news.WindowItem
	InFeed  map[string]bool
}

func takeSnapshot(t *testing.T, db *DB) snapshot {
	t.Helper()
	ctx := context.Background()
	s := snapshot{Stories: mustStories(t, db, news.StoryQuery{}), InFeed: map[string]bool{}}
	var err error
	if s.States, err = db.FeedStates(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.Window(ctx, time.Time{}, func(w news.WindowItem) error {
		s.Window = append(s.Window, w)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.r.Query("SELECT id, in_feed FROM items")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var in bool
		if err := rows.Scan(&id, &in); err != nil {
			t.Fatal(err)
		}
		s.InFeed[id] = in
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// updatePolls is a sequence of polls that exercises every path of Apply:
// new items, a changed item, a move to another story (emptying one), an
// item that is no longer carried, a carried item that comes back, a 304,
// an empty batch and an item given twice in one batch.
func updatePolls() [][]news.Batch {
	a, b, c := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0), entry("bbc", "c", "a", t0)
	c.StoryID = a.StoryID
	a2 := a
	a2.Title, a2.StoryID = "Corrected", ""
	b2 := b
	b2.StoryID = a.StoryID // b's story is left empty
	d := entry("bbc", "d", "d", t0.Add(time.Hour))
	d2 := d
	d2.Title, d2.StoryID = "d again", entry("bbc", "c2", "c2", t0).StoryID
	t1, t2, t3 := t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	touched := batch("bbc", t3)
	touched.Carried = nil
	return [][]news.Batch{
		{batch("ap", t0, a, b), batch("bbc", t0, c)},
		{batch("ap", t1, a2), batch("bbc", t1, c, d, d2)},
		{batch("ap", t2, a2, b2), {State: news.FeedState{Name: "bbc"}, Now: t2}, touched},
		{{State: news.FeedState{Name: "ap"}, Carried: []string{b.ID}, Now: t3}},
	}
}

// TestIngestIsApplyPerBatch: the same polls written by Ingest and by
// Apply per batch leave the same store.
func TestIngestIsApplyPerBatch(t *testing.T) {
	ctx := context.Background()
	one, onePath := newTestDB(t)
	all, allPath := newTestDB(t)
	for i, poll := range updatePolls() {
		for _, b := range poll {
			mustApply(t, one, b)
		}
		if err := errors.Join(all.Ingest(ctx, poll)...); err != nil {
			t.Fatalf("poll %d: Ingest: %v", i, err)
		}
		if got, want := takeSnapshot(t, all), takeSnapshot(t, one); !reflect.DeepEqual(got, want) {
			t.Fatalf("poll %d: Ingest left\n%+v\nApply per batch left\n%+v", i, got, want)
		}
	}
	checkConsistent(t, onePath)
	checkConsistent(t, allPath)
}

// TestIngestRollsBackOnlyTheFailedBatch: a batch that fails half-way is
// rolled back whole (its state, items, records, stories and carried flags)
// while the batches before and after it in the same transaction are
// written.
func TestIngestRollsBackOnlyTheFailedBatch(t *testing.T) {
	ctx := context.Background()
	db, path := newTestDB(t)
	old := entry("bad", "old", "old", t0)
	mustApply(t, db, batch("bad", t0, old))
	if _, err := db.w.Exec(failRecordsTrigger); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)

	t1 := t0.Add(time.Hour)
	good1 := batch("ap", t1, entry("ap", "g1", "g1", t1), entry("ap", "g2", "g2", t1))
	// The failing batch writes its state, a new story and item, marks old
	// as no longer carried... and then fails on its second item.
	bad := batch("bad", t1, entry("bad", "new", "new", t1), failingEntry("bad", "x"))
	bad.State.ETag = "must-not-be-saved"
	good2 := batch("bbc", t1, entry("bbc", "g3", "g3", t1))
	noTime := batch("npr", time.Time{}, entry("npr", "n", "n", t1))
	errs := db.Ingest(ctx, []news.Batch{good1, bad, noTime, good2})
	if len(errs) != 4 || errs[0] != nil || errs[3] != nil {
		t.Fatalf("Ingest = %v, want errors for the second and third batches only", errs)
	}
	if err := errs[1]; err == nil || !strings.Contains(err.Error(), `store: apply feed "bad"`) ||
		!strings.Contains(err.Error(), "record refused") {
		t.Errorf("error of the failed batch = %v, want one naming the feed and the cause", err)
	}
	if err := errs[2]; err == nil || !strings.Contains(err.Error(), "no time") {
		t.Errorf("error of the batch without a time = %v", err)
	}

	after := takeSnapshot(t, db)
	if !reflect.DeepEqual(after.States["bad"], before.States["bad"]) || !after.InFeed[old.ID] {
		t.Errorf("failed batch left state %+v, old item carried %v", after.States["bad"], after.InFeed[old.ID])
	}
	if _, ok := after.States["npr"]; ok {
		t.Error("batch without a time saved its state")
	}
	want := map[string]int{"ap": 2, "bad": 1, "bbc": 1}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st.PerFeed, want) || st.Stories != 4 || len(after.Window) != 4 {
		t.Errorf("after Ingest: items per feed %v, %d stories, window of %d; want %v, 4, 4",
			st.PerFeed, st.Stories, len(after.Window), want)
	}
	checkConsistent(t, path)
}

// TestApplyFailingHalfWayWritesNothing is TestApplyIsAllOrNothing with a
// failure after rows are written.
func TestApplyFailingHalfWayWritesNothing(t *testing.T) {
	db, path := newTestDB(t)
	if _, err := db.w.Exec(failRecordsTrigger); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)
	err := db.Apply(context.Background(), batch("ap", t0, entry("ap", "a", "a", t0), failingEntry("ap", "x")))
	if err == nil || !strings.Contains(err.Error(), "record refused") {
		t.Fatalf("Apply = %v, want the trigger's error", err)
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("failed Apply changed the store:\n%+v", after)
	}
	checkConsistent(t, path)
}

// TestIngestManyTransactions writes more items than one transaction
// takes, with a failing batch in the second transaction.
func TestIngestManyTransactions(t *testing.T) {
	ctx := context.Background()
	db, path := newTestDB(t)
	if _, err := db.w.Exec(failRecordsTrigger); err != nil {
		t.Fatal(err)
	}
	const feeds, per = 30, 50 // 1,500 items: two transactions
	var bs []news.Batch
	for f := range feeds {
		feed := fmt.Sprintf("f%02d", f)
		items := make([]news.Entry, per)
		for i := range items {
			items[i] = entry(feed, fmt.Sprintf("%s-%d", feed, i), fmt.Sprintf("%s-%d", feed, i), t0)
		}
		if f == 25 {
			items[per-1] = failingEntry(feed, "x")
		}
		bs = append(bs, batch(feed, t0, items...))
	}
	errs := db.Ingest(ctx, bs)
	for i, err := range errs {
		if (err != nil) != (i == 25) {
			t.Errorf("batch %d: %v", i, err)
		}
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != (feeds-1)*per || len(st.PerFeed) != feeds-1 {
		t.Errorf("%d items of %d feeds, want %d of %d", st.Items, len(st.PerFeed), (feeds-1)*per, feeds-1)
	}
	var cache int
	if err := db.w.QueryRow("PRAGMA cache_size").Scan(&cache); err != nil || cache != -writerCacheKiB {
		t.Errorf("writer's cache_size after Ingest = %d, %v; want %d", cache, err, -writerCacheKiB)
	}
	checkConsistent(t, path)
}

// TestIngestCanceled: with the context canceled nothing is written and
// every batch gets the context's error.
func TestIngestCanceled(t *testing.T) {
	db, _ := newTestDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := db.Ingest(ctx, []news.Batch{batch("ap", t0, entry("ap", "a", "a", t0)), batch("bbc", t0)})
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("batch %d: %v, want context.Canceled", i, err)
		}
	}
	if st := takeSnapshot(t, db); len(st.States) != 0 || len(st.Stories) != 0 {
		t.Errorf("canceled Ingest wrote %+v", st)
	}
	if errs := db.Ingest(ctx, nil); len(errs) != 0 {
		t.Errorf("Ingest(nil) = %v", errs)
	}
}

// TestApplySameItemTwice: an item given twice in one batch is inserted,
// then updated, as by two Applies (the second occurrence moves it to
// another story and empties the first).
func TestApplySameItemTwice(t *testing.T) {
	for _, all := range []bool{false, true} {
		t.Run(fmt.Sprintf("Ingest=%v", all), func(t *testing.T) {
			db, path := newTestDB(t)
			a := entry("ap", "a", "a", t0)
			a2 := a
			a2.Title, a2.StoryID, a2.FirstSeen = "Second", entry("ap", "s", "s", t0).StoryID, t0.Add(time.Hour)
			b := batch("ap", t0.Add(time.Minute), a, a2)
			if all {
				if err := db.Ingest(context.Background(), []news.Batch{b})[0]; err != nil {
					t.Fatal(err)
				}
			} else {
				mustApply(t, db, b)
			}
			ss := mustStories(t, db, news.StoryQuery{})
			if len(ss) != 1 || ss[0].ID != a2.StoryID || len(ss[0].Members) != 1 {
				t.Fatalf("stories %s, want one: %s with a as its member", storyShape(ss), a2.StoryID[:6])
			}
			m := ss[0].Members[0]
			if m.Title != "Second" || !m.FirstSeen.Equal(t0.Add(time.Minute)) {
				t.Errorf("member %q first seen %v, want the second title and the batch's time", m.Title, m.FirstSeen)
			}
			checkConsistent(t, path)
		})
	}
}

// TestIngestDuringReads: Ingest on a store opened twice (two processes
// would share it the same way) while the other handle reads.
func TestIngestDuringReads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.db")
	w, r := openTest(t, path), openTest(t, path)
	var bs []news.Batch
	for n := range 10 {
		bs = append(bs, storyBatch(fmt.Sprintf("f%d", n), n, 3, t0))
	}
	done := make(chan []error)
	go func() { done <- w.Ingest(ctx, bs) }()
	for {
		ss := mustStories(t, r, news.StoryQuery{})
		for _, s := range ss {
			if len(s.Members) != 3 {
				t.Fatalf("reader saw a story with %d members", len(s.Members))
			}
		}
		select {
		case errs := <-done:
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			if ss := mustStories(t, r, news.StoryQuery{}); len(ss) != 10 {
				t.Fatalf("%d stories after Ingest, want 10", len(ss))
			}
			return
		default:
		}
	}
}
