package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// testInboxAndPlace: ingested items wait in the inbox in placing order
// (publish time, then id) in stories of their own, shown but kept out of
// the window and the link lookup; Place moves them into their stories,
// deletes the stories left empty and empties the inbox.
func testInboxAndPlace(t *testing.T, s Store) {
	ctx := context.Background()
	a := queued(entry("ap", "a", "a", t0.Add(2*time.Hour)))
	b := queued(entry("bbc", "b", "b", t0))
	c := queued(entry("bbc", "c", "c", t0.Add(time.Hour)))
	apply(t, s, batch("ap", t0, a))
	apply(t, s, batch("bbc", t0, b, c))

	if got, want := unplacedIDs(t, s), []string{b.ID, c.ID, a.ID}; !slices.Equal(got, want) {
		t.Fatalf("inbox order %v, want b, c, a", got)
	}
	us, err := s.Unplaced(ctx, news.InboxKey{}, 2)
	if err != nil || len(us) != 2 {
		t.Fatalf("Unplaced(2) = %d items, %v", len(us), err)
	}
	if u := us[0]; u.Feed != "bbc" || u.StoryID != b.StoryID || u.Changed || !u.Published.Equal(b.Published) ||
		u.CanonicalLink != b.CanonicalLink || string(u.Prepared) != string(b.Prepared) {
		t.Errorf("unplaced item %+v", u)
	}
	// The next items come after the key of the last one taken, whether
	// or not it was placed meanwhile; the rest is empty.
	rest, err := s.Unplaced(ctx, us[1].Key(), 10)
	if err != nil || len(rest) != 1 || rest[0].ID != a.ID {
		t.Fatalf("Unplaced after the second item = %+v, %v; want a alone", rest, err)
	}
	if rest, err = s.Unplaced(ctx, rest[0].Key(), 10); err != nil || len(rest) != 0 {
		t.Fatalf("Unplaced after the last item = %+v, %v; want none", rest, err)
	}
	// Ties in time are ordered by id: the key of b with c's time sorts
	// before c only when b's id does.
	tie := news.InboxKey{At: c.Published, ID: b.ID}
	if rest, err = s.Unplaced(ctx, tie, 10); err != nil || len(rest) == 0 || (rest[0].ID == c.ID) != (b.ID < c.ID) {
		t.Fatalf("Unplaced after (c's time, b's id) = %d items, first %v, %v", len(rest), rest, err)
	}
	if ss := stories(t, s, news.StoryQuery{}); len(ss) != 3 {
		t.Fatalf("unplaced items are not shown in stories of their own: %d stories", len(ss))
	}
	for _, w := range window(t, s, time.Time{}) {
		t.Errorf("unplaced item %s in the window", w.ID)
	}
	if m, err := s.StoriesByLink(ctx, []string{a.CanonicalLink}); err != nil || len(m) != 0 {
		t.Errorf("StoriesByLink of an unplaced item = %v, %v", m, err)
	}

	// b founds its story; c and a join it.
	err = s.Place(ctx, []news.Placement{{ID: b.ID, StoryID: b.StoryID}, {ID: c.ID, StoryID: b.StoryID},
		{ID: a.ID, StoryID: b.StoryID}, {ID: "purged meanwhile", StoryID: "s"}}, t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ids := unplacedIDs(t, s); len(ids) != 0 {
		t.Errorf("inbox after Place: %v", ids)
	}
	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 1 || ss[0].ID != b.StoryID || len(ss[0].Members) != 3 || !ss[0].Updated.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("stories after Place: %s", storyShape(ss))
	}
	if st := stats(t, s); st.Stories != 1 || st.Merged != 2 {
		t.Errorf("stats after Place: %+v (the purged placement created a story?)", st)
	}
	if w := window(t, s, time.Time{}); len(w) != 3 {
		t.Errorf("window after Place: %d items", len(w))
	}
	if m, err := s.StoriesByLink(ctx, []string{a.CanonicalLink}); err != nil || m[a.CanonicalLink] != b.StoryID {
		t.Errorf("StoriesByLink after Place = %v, %v", m, err)
	}
	if err := s.Place(ctx, nil, t0); err != nil {
		t.Errorf("Place(nil) = %v", err)
	}
}

// testInboxChanged: a placed item whose text changes waits in the inbox
// as a changed one, in its story; an item changed before it was ever
// placed stays a new one.
func testInboxChanged(t *testing.T, s Store) {
	ctx := context.Background()
	a := queued(entry("ap", "a", "a", t0))
	apply(t, s, batch("ap", t0, a))
	a2 := a
	a2.Title = "Corrected before placing"
	a2.Prepared = nil // not prepared again: the inbox keeps the first bytes
	apply(t, s, batch("ap", t0.Add(time.Minute), a2))
	us, err := s.Unplaced(ctx, news.InboxKey{}, 10)
	if err != nil || len(us) != 1 || us[0].Changed || string(us[0].Prepared) != string(a.Prepared) {
		t.Fatalf("an item changed before placing: %+v, %v", us, err)
	}
	a2b := a2
	a2b.Prepared = []byte("v2")
	apply(t, s, batch("ap", t0.Add(time.Minute), a2b))
	if us, err = s.Unplaced(ctx, news.InboxKey{}, 10); err != nil || len(us) != 1 || us[0].Changed || string(us[0].Prepared) != "v2" {
		t.Fatalf("an item prepared again before placing: %+v, %v", us, err)
	}
	if err := s.Place(ctx, []news.Placement{{ID: a.ID, StoryID: a.StoryID}}, t0); err != nil {
		t.Fatal(err)
	}
	a3 := a2
	a3.Title, a3.StoryID, a3.Prepared = "Corrected after placing", "", []byte("v3")
	apply(t, s, batch("ap", t0.Add(2*time.Minute), a3))
	us, err = s.Unplaced(ctx, news.InboxKey{}, 10)
	if err != nil || len(us) != 1 || !us[0].Changed || us[0].StoryID != a.StoryID || string(us[0].Prepared) != "v3" {
		t.Fatalf("a placed item changed: %+v, %v", us, err)
	}
	if w := window(t, s, time.Time{}); len(w) != 1 {
		t.Errorf("a changed item left the window: %d items", len(w))
	}
	if m, err := s.StoriesByLink(ctx, []string{a.CanonicalLink}); err != nil || m[a.CanonicalLink] != a.StoryID {
		t.Errorf("a changed item left the link lookup: %v, %v", m, err)
	}
}

// testPlaceBumps: placing an item in an existing story bumps it and
// deletes the one it leaves; placing it where it is changes no story but
// dequeues it.
func testPlaceBumps(t *testing.T, s Store) {
	ctx := context.Background()
	x := entry("ap", "x", "x", t0)
	apply(t, s, batch("ap", t0, x))
	y, z := queued(entry("bbc", "y", "y", t0.Add(time.Minute))), queued(entry("bbc", "z", "z", t0.Add(2*time.Minute)))
	apply(t, s, batch("bbc", t0.Add(time.Hour), y, z))
	t2 := t0.Add(2 * time.Hour)
	err := s.Place(ctx, []news.Placement{{ID: y.ID, StoryID: x.StoryID}, {ID: z.ID, StoryID: z.StoryID}}, t2)
	if err != nil {
		t.Fatal(err)
	}
	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 2 {
		t.Fatalf("stories %s, want x's (x, y) and z's", storyShape(ss))
	}
	sx, sz := findStory(t, ss, x.StoryID), findStory(t, ss, z.StoryID)
	if len(sx.Members) != 2 || !sx.Updated.Equal(t2) {
		t.Errorf("x's story: %d members, updated %v; want 2, bumped to %v", len(sx.Members), sx.Updated, t2)
	}
	if !sz.Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("z's story, where z stays, updated %v: want it untouched", sz.Updated)
	}
	if ids := unplacedIDs(t, s); len(ids) != 0 {
		t.Errorf("inbox after Place: %v", ids)
	}
	if k, err := s.Known(ctx, []string{y.ID}); err != nil || k[y.ID].StoryID != x.StoryID {
		t.Errorf("Known after Place: %v, %v", k, err)
	}
}

// byteOrderIDs are item ids, in byte order, that other collations order
// otherwise (case, punctuation, accents).
var byteOrderIDs = []string{"B-item", "Z", "_x", "a-item", "b", "é"}

// testByteOrder: the inbox and the stories list ids in byte order, as
// package store's SQLite does, whatever the database's collation.
func testByteOrder(t *testing.T, s Store) {
	ctx := context.Background()
	var items []news.Entry
	for _, id := range slices.Backward(byteOrderIDs) {
		e := entry("ap", id, id, t0)
		e.ID, e.GUID = id, id
		e.StoryID, e.Prepared = "s"+id, []byte(id)
		items = append(items, e)
	}
	b := batch("ap", t0, items...)
	apply(t, s, b)
	if got := unplacedIDs(t, s); !slices.Equal(got, byteOrderIDs) {
		t.Errorf("inbox order %q, want %q", got, byteOrderIDs)
	}
	var want []string
	for _, id := range byteOrderIDs {
		want = append(want, "s"+id)
	}
	var got []string
	for _, st := range stories(t, s, news.StoryQuery{}) {
		got = append(got, st.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("stories of one instant in order %q, want %q", got, want)
	}
	var ps []news.Placement
	for _, id := range byteOrderIDs {
		ps = append(ps, news.Placement{ID: id, StoryID: "shared"})
	}
	if err := s.Place(ctx, ps, t0); err != nil {
		t.Fatal(err)
	}
	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 1 {
		t.Fatalf("stories %s, want one", storyShape(ss))
	}
	got = got[:0]
	for _, m := range ss[0].Members {
		got = append(got, m.ID)
	}
	if !slices.Equal(got, byteOrderIDs) {
		t.Errorf("members published at one instant in order %q, want %q", got, byteOrderIDs)
	}
}

// testFurniture: a batch's furniture model is stored with it and replaced
// by the next; a batch without one keeps it.
func testFurniture(t *testing.T, s Store) {
	ctx := context.Background()
	b := batch("ap", t0)
	b.Furniture = []byte("model 1")
	apply(t, s, b)
	b.Furniture = []byte("model 2")
	apply(t, s, b)
	apply(t, s, batch("ap", t0))
	apply(t, s, batch("bbc", t0))
	m, err := s.Furniture(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || string(m["ap"]) != "model 2" {
		t.Errorf("models = %q", m)
	}
}

// testPlaceMerges: a merge moves every item of one story into another,
// placed ones and those placed in the same batch, and deletes the story
// absorbed; the kept story is bumped. Merges apply after the batch's item
// placements, in order (a chain x into y, y into z ends in z).
func testPlaceMerges(t *testing.T, s Store) {
	ctx := context.Background()
	x, y := entry("ap", "x", "x", t0), entry("bbc", "y", "y", t0.Add(time.Minute))
	apply(t, s, batch("ap", t0, x))
	apply(t, s, batch("bbc", t0, y))
	z := queued(entry("npr", "z", "z", t0.Add(2*time.Minute)))
	w := queued(entry("npr", "w", "w", t0.Add(3*time.Minute)))
	apply(t, s, batch("npr", t0.Add(time.Hour), z, w))
	t2 := t0.Add(2 * time.Hour)
	err := s.Place(ctx, []news.Placement{
		{ID: z.ID, StoryID: y.StoryID},        // z joins y's story...
		{StoryID: x.StoryID, From: y.StoryID}, // ...which merges into x's
		{ID: w.ID, StoryID: w.StoryID},
		{StoryID: w.StoryID, From: x.StoryID}, // and x's into w's
	}, t2)
	if err != nil {
		t.Fatal(err)
	}
	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 1 || ss[0].ID != w.StoryID || len(ss[0].Members) != 4 || !ss[0].Updated.Equal(t2) {
		t.Fatalf("after the merges: %s, want w's story with all four, bumped", storyShape(ss))
	}
	if k, err := s.Known(ctx, []string{x.ID, y.ID, z.ID}); err != nil || k[x.ID].StoryID != w.StoryID || k[y.ID].StoryID != w.StoryID || k[z.ID].StoryID != w.StoryID {
		t.Errorf("Known after the merges: %v, %v", k, err)
	}
	if _, err := s.Story(ctx, y.StoryID); err == nil {
		t.Error("the absorbed story is still there")
	}
}
