package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// queued is entry e waiting in the inbox: in a story of its own, with its
// prepared bytes.
func queued(e news.Entry) news.Entry {
	e.StoryID = news.StoryID(e.ID)
	e.Prepared = []byte("prepared:" + e.ID)
	return e
}

func unplacedIDs(t *testing.T, db *DB) []string {
	t.Helper()
	us, err := db.Unplaced(context.Background(), news.InboxKey{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

// TestInboxAndPlace: ingested items wait in the inbox in placing order
// (publish time, then id) in stories of their own, shown but kept out of
// the window and the link lookup; Place moves them into their stories,
// deletes the stories left empty and empties the inbox.
func TestInboxAndPlace(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	a := queued(entry("ap", "a", "a", t0.Add(2*time.Hour)))
	b := queued(entry("bbc", "b", "b", t0))
	c := queued(entry("bbc", "c", "c", t0.Add(time.Hour)))
	mustApply(t, db, batch("ap", t0, a))
	mustApply(t, db, batch("bbc", t0, b, c))

	if got, want := unplacedIDs(t, db), []string{b.ID, c.ID, a.ID}; !slices.Equal(got, want) {
		t.Fatalf("inbox order %v, want b, c, a", got)
	}
	if ss := mustStories(t, db, news.StoryQuery{}); len(ss) != 3 {
		t.Fatalf("unplaced items are not shown in stories of their own: %d stories", len(ss))
	}
	err := db.Window(ctx, time.Time{}, func(w news.WindowItem) error {
		t.Errorf("unplaced item %s in the window", w.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := db.StoriesByLink(ctx, []string{a.CanonicalLink}); err != nil || len(m) != 0 {
		t.Errorf("StoriesByLink of an unplaced item = %v, %v", m, err)
	}

	// b founds its story; c and a join it.
	err = db.Place(ctx, []news.Placement{{ID: b.ID, StoryID: b.StoryID}, {ID: c.ID, StoryID: b.StoryID},
		{ID: a.ID, StoryID: b.StoryID}, {ID: "purged meanwhile", StoryID: "s"}}, t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ids := unplacedIDs(t, db); len(ids) != 0 {
		t.Errorf("inbox after Place: %v", ids)
	}
	ss := mustStories(t, db, news.StoryQuery{})
	if len(ss) != 1 || ss[0].ID != b.StoryID || len(ss[0].Members) != 3 || !ss[0].Updated.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("stories after Place: %+v", ss)
	}
	var window int
	if err := db.Window(ctx, time.Time{}, func(news.WindowItem) error { window++; return nil }); err != nil || window != 3 {
		t.Errorf("window after Place: %d items, %v", window, err)
	}
	if m, err := db.StoriesByLink(ctx, []string{a.CanonicalLink}); err != nil || m[a.CanonicalLink] != b.StoryID {
		t.Errorf("StoriesByLink after Place = %v, %v", m, err)
	}
	checkConsistent(t, db.Path())
}

// TestInboxChangedItem: a placed item whose text changes waits in the
// inbox as a changed one, in its story; an item changed before it was
// ever placed stays a new one.
func TestInboxChangedItem(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	a := queued(entry("ap", "a", "a", t0))
	mustApply(t, db, batch("ap", t0, a))
	a2 := a
	a2.Title = "Corrected before placing"
	mustApply(t, db, batch("ap", t0.Add(time.Minute), a2))
	us, err := db.Unplaced(ctx, news.InboxKey{}, 10)
	if err != nil || len(us) != 1 || us[0].Changed || string(us[0].Prepared) != string(a.Prepared) {
		t.Fatalf("an item changed before placing: %+v, %v", us, err)
	}
	if err := db.Place(ctx, []news.Placement{{ID: a.ID, StoryID: a.StoryID}}, t0); err != nil {
		t.Fatal(err)
	}
	a3 := a2
	a3.Title, a3.StoryID, a3.Prepared = "Corrected after placing", "", []byte("v3")
	mustApply(t, db, batch("ap", t0.Add(2*time.Minute), a3))
	us, err = db.Unplaced(ctx, news.InboxKey{}, 10)
	if err != nil || len(us) != 1 || !us[0].Changed || us[0].StoryID != a.StoryID || string(us[0].Prepared) != "v3" {
		t.Fatalf("a placed item changed: %+v, %v", us, err)
	}
	var window int
	if err := db.Window(ctx, time.Time{}, func(news.WindowItem) error { window++; return nil }); err != nil || window != 1 {
		t.Errorf("a changed item left the window: %d items, %v", window, err)
	}
}

// TestFurnitureModels: a batch's furniture model is stored with it and
// replaced by the next; a batch without one keeps it.
func TestFurnitureModels(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	b := batch("ap", t0)
	b.Furniture = []byte("model 1")
	mustApply(t, db, b)
	b.Furniture = []byte("model 2")
	mustApply(t, db, b)
	mustApply(t, db, batch("ap", t0))
	mustApply(t, db, batch("bbc", t0))
	m, err := db.Furniture(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || string(m["ap"]) != "model 2" {
		t.Errorf("models = %q", m)
	}
}
