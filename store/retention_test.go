package store

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

func TestWindow(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	old := entry("ap", "old", "old", t0.Add(-72*time.Hour))
	old.FirstSeen = t0.Add(-72 * time.Hour)
	// Published long ago but first seen now: out of the window, which is
	// cut on the publish time.
	late := entry("ap", "late", "late", t0.Add(-72*time.Hour))
	newer := entry("bbc", "newer", "newer", t0.Add(time.Hour))
	newest := entry("bbc", "newest", "newest", t0.Add(2*time.Hour))
	noDate := entry("bbc", "nodate", "nodate", time.Time{})
	mustApply(t, db, batch("ap", t0, old, late))
	mustApply(t, db, batch("bbc", t0, newest, newer, noDate))

	var got []string
	var items []news.WindowItem
	err := db.Window(ctx, t0.Add(-time.Hour), func(w news.WindowItem) error {
		got = append(got, w.ID)
		items = append(items, w)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// In the order stored (the conformance suite checks the window's
	// order, by publish time and Seq): nodate is in, by its first seen.
	want := []string{newest.ID, newer.ID, noDate.ID}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("window ids = %v, want newest, newer, nodate", got)
	}
	if !(items[0].Seq < items[1].Seq && items[1].Seq < items[2].Seq) {
		t.Errorf("Seq = %d, %d, %d: not in the order stored", items[0].Seq, items[1].Seq, items[2].Seq)
	}
	w := items[1]
	if w.Feed != "bbc" || w.StoryID != newer.StoryID || !w.Published.Equal(newer.Published) ||
		string(w.Record) != string(newer.Record) {
		t.Errorf("window item: %+v", w)
	}
	if !items[2].Published.Equal(t0) {
		t.Errorf("item without a date: Published = %v, want its first seen", items[2].Published)
	}

	var all int
	if err := db.Window(ctx, time.Time{}, func(news.WindowItem) error { all++; return nil }); err != nil {
		t.Fatal(err)
	}
	if all != 5 {
		t.Errorf("window since zero time has %d items, want 5", all)
	}
	stop := errors.New("stop")
	calls := 0
	err = db.Window(ctx, time.Time{}, func(news.WindowItem) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Window with failing fn = %v after %d calls, want stop after 1", err, calls)
	}
}

func TestCarriedFlags(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	a, b, c := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0), entry("ap", "c", "c", t0)
	other := entry("bbc", "o", "o", t0)
	mustApply(t, db, batch("ap", t0, a, b, c))
	mustApply(t, db, batch("bbc", t0, other))
	later := t0.Add(30 * 24 * time.Hour)

	// The feed now carries only c: a and b are no longer carried.
	mustApply(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{c.ID}, Now: later})
	assertInFeed(t, db, map[string]bool{a.ID: false, b.ID: false, c.ID: true, other.ID: true})
	// A 304 (Carried nil) changes nothing.
	mustApply(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Now: later})
	assertInFeed(t, db, map[string]bool{a.ID: false, b.ID: false, c.ID: true, other.ID: true})
	// b comes back.
	mustApply(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{b.ID, c.ID}, Now: later})
	assertInFeed(t, db, map[string]bool{a.ID: false, b.ID: true, c.ID: true, other.ID: true})
	// A feed removed from the config carries nothing.
	if err := db.DeleteFeedState(ctx, "bbc"); err != nil {
		t.Fatal(err)
	}
	assertInFeed(t, db, map[string]bool{a.ID: false, b.ID: true, c.ID: true, other.ID: false})
}

func assertInFeed(t *testing.T, db *DB, want map[string]bool) {
	t.Helper()
	for id, w := range want {
		var got bool
		if err := db.r.QueryRow("SELECT in_feed FROM items WHERE id = ?", id).Scan(&got); err != nil {
			t.Fatalf("in_feed of %s: %v", id, err)
		}
		if got != w {
			t.Errorf("in_feed of %s = %v, want %v", id, got, w)
		}
	}
}

func TestPurgeRespectsInFeed(t *testing.T) {
	ctx := context.Background()
	db, path := newTestDB(t)
	day := 24 * time.Hour
	// Story S: old dropped item d (founder) + old still-carried item k of
	// another feed. Story T: only an old dropped item. Story U: a recent
	// dropped item.
	d := entry("ap", "d", "d", t0)
	k := entry("bbc", "k", "d", t0)
	k.StoryID = d.StoryID
	tOnly := entry("ap", "t", "t", t0)
	u := entry("ap", "u", "u", t0.Add(9*day))
	mustApply(t, db, batch("ap", t0, d, tOnly))
	mustApply(t, db, batch("bbc", t0, k))
	mustApply(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{u.ID}, Items: []news.Entry{u}, Now: t0.Add(9 * day)})
	mustApply(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{}, Now: t0.Add(10 * day)})

	items, stories, err := db.Purge(ctx, t0.Add(5*day))
	if err != nil {
		t.Fatal(err)
	}
	if items != 2 || stories != 1 {
		t.Errorf("Purge = %d items, %d stories; want 2 (d, t) and 1 (T)", items, stories)
	}
	known, err := db.Known(ctx, []string{d.ID, k.ID, tOnly.ID, u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := known[k.ID]; !ok {
		t.Error("Purge removed an item its feed still carries")
	}
	if _, ok := known[u.ID]; !ok {
		t.Error("Purge removed an item first seen after the cutoff")
	}
	if len(known) != 2 {
		t.Errorf("after Purge known = %v", known)
	}
	ss := mustStories(t, db, news.StoryQuery{})
	if len(ss) != 2 || findStory(t, ss, d.StoryID).Members[0].ID != k.ID {
		t.Errorf("after Purge stories = %s", storyShape(ss))
	}
	var window int
	if err := db.Window(ctx, time.Time{}, func(news.WindowItem) error { window++; return nil }); err != nil {
		t.Fatal(err)
	}
	if window != 2 {
		t.Errorf("window after Purge has %d items, want 2", window)
	}
	checkConsistent(t, path)
	if items, stories, err := db.Purge(ctx, t0.Add(5*day)); err != nil || items+stories != 0 {
		t.Errorf("second Purge = %d, %d, %v; want nothing left to purge", items, stories, err)
	}
}

// TestWindowRecordsKept: the records Window hands over stay as they were
// read after the next rows are read (Window scans them without a copy of
// its own, trusting the driver's fresh slice per row).
func TestWindowRecordsKept(t *testing.T) {
	db, _ := newTestDB(t)
	var es []news.Entry
	for i := range 300 {
		e := entry("ap", fmt.Sprintf("g%03d", i), fmt.Sprintf("g%03d", i), t0.Add(time.Duration(i)*time.Second))
		e.Record = []byte(fmt.Sprintf("record %03d %s", i, strings.Repeat("x", i)))
		es = append(es, e)
	}
	mustApply(t, db, batch("ap", t0, es...))
	want := map[string]string{}
	for _, e := range es {
		want[e.ID] = string(e.Record)
	}
	var got []news.WindowItem
	err := db.Window(context.Background(), time.Time{}, func(w news.WindowItem) error {
		got = append(got, w)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(es) {
		t.Fatalf("window has %d items, want %d", len(got), len(es))
	}
	for _, w := range got {
		if string(w.Record) != want[w.ID] {
			t.Fatalf("record of %s read back as %q, want %q", w.ID, w.Record, want[w.ID])
		}
	}
}
