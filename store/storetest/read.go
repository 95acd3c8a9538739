package storetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func testStoriesOrder(t *testing.T, s Store) {
	// Story X founded by ap/x at t0 gains members from two other feeds;
	// members are ordered by published time whatever the insert order.
	apply(t, s, batch("ap", t0, entry("ap", "x", "x", t0.Add(2*time.Hour))))
	joinX := func(feed, guid string, pub time.Time) news.Entry {
		e := entry(feed, guid, "x", pub)
		e.StoryID = news.StoryID(news.ItemID("ap", "guid:x"))
		return e
	}
	apply(t, s, batch("bbc", t0.Add(time.Minute), joinX("bbc", "x2", t0.Add(time.Hour))))
	noDate := joinX("npr", "x0", time.Time{}) // no publish time: first among members
	noDate.Item.Updated = time.Time{}
	apply(t, s, batch("npr", t0.Add(2*time.Minute), joinX("npr", "x3", t0.Add(3*time.Hour)), noDate))
	// Two stories created at the same instant are ordered by id.
	y, z := entry("cnn", "y", "y", t0), entry("cnn", "z", "z", t0)
	apply(t, s, batch("cnn", t0.Add(time.Minute), y, z))

	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 3 {
		t.Fatalf("stories: %s", storyShape(ss))
	}
	if ss[0].ID != min(y.StoryID, z.StoryID) || ss[1].ID != max(y.StoryID, z.StoryID) {
		t.Errorf("same-created stories not ordered by id: %s", storyShape(ss))
	}
	x := ss[2]
	if got := storyShape(ss[2:]); !strings.HasSuffix(got, ":x0,x2,x,x3") {
		t.Errorf("members of x: %s, want x0,x2,x,x3", got)
	}
	if !x.Published.Equal(t0.Add(time.Hour)) || !x.Updated.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("story x: published %v (want earliest member), updated %v", x.Published, x.Updated)
	}
	if m := x.Members[0]; !m.Published.IsZero() || !m.Updated.IsZero() {
		t.Errorf("member without dates: published %v, updated %v", m.Published, m.Updated)
	}

	for _, tc := range []struct {
		name string
		q    news.StoryQuery
		want []string
	}{
		{"limit", news.StoryQuery{Limit: 2}, []string{ss[0].ID, ss[1].ID}},
		{"no limit", news.StoryQuery{Limit: -1}, []string{ss[0].ID, ss[1].ID, x.ID}},
		{"feed of a late member", news.StoryQuery{Feeds: []string{"npr"}}, []string{x.ID}},
		{"two feeds", news.StoryQuery{Feeds: []string{"npr", "cnn"}}, []string{ss[0].ID, ss[1].ID, x.ID}},
		{"feed and limit", news.StoryQuery{Feeds: []string{"npr", "cnn"}, Limit: 1}, []string{ss[0].ID}},
		{"unknown feed", news.StoryQuery{Feeds: []string{"nope"}}, nil},
		{"empty non-nil feeds", news.StoryQuery{Feeds: []string{}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := stories(t, s, tc.q)
			var ids []string
			for _, st := range got {
				ids = append(ids, st.ID)
				if st.ID == x.ID && len(st.Members) != 4 {
					t.Errorf("filtered story x has %d members, want all 4", len(st.Members))
				}
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Fatalf("got %s, want %d stories", storyShape(got), len(tc.want))
			}
		})
	}
}

// testStoriesOnePoll: stories created by one poll are listed by their
// earliest publish time, newest first.
func testStoriesOnePoll(t *testing.T, s Store) {
	old, mid := entry("cnn", "old", "old", t0), entry("cnn", "mid", "mid", t0.Add(time.Hour))
	recent := entry("cnn", "new", "new", t0.Add(2*time.Hour))
	undated := entry("cnn", "undated", "undated", time.Time{}) // first seen at the poll: newest
	apply(t, s, batch("cnn", t0.Add(3*time.Hour), mid, old, undated, recent))
	ss := stories(t, s, news.StoryQuery{})
	want := []string{undated.StoryID, recent.StoryID, mid.StoryID, old.StoryID}
	if len(ss) != len(want) {
		t.Fatalf("stories %s", storyShape(ss))
	}
	for i, st := range ss {
		if st.ID != want[i] {
			t.Fatalf("order %s, want newest published first", storyShape(ss))
		}
	}
}

func testKnownAndByLink(t *testing.T, s Store) {
	ctx := context.Background()
	a := entry("ap", "a", "a", t0)
	a2 := entry("bbc", "a", "a", t0) // same canonical link, another feed, joins a
	a2.StoryID = a.StoryID
	noLink := entry("ap", "n", "n", t0)
	noLink.CanonicalLink = ""
	apply(t, s, batch("ap", t0, a, noLink))
	apply(t, s, batch("bbc", t0.Add(time.Minute), a2))

	k, err := s.Known(ctx, []string{a.ID, a2.ID, "missing"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]news.Known{
		a.ID:  {StoryID: a.StoryID, ContentHash: a.ContentHash()},
		a2.ID: {StoryID: a.StoryID, ContentHash: a2.ContentHash()},
	}
	if !reflect.DeepEqual(k, want) {
		t.Errorf("Known = %v, want %v", k, want)
	}
	links, err := s.StoriesByLink(ctx, []string{a.CanonicalLink, "", "https://nope.example/"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(links, map[string]string{a.CanonicalLink: a.StoryID}) {
		t.Errorf("StoriesByLink = %v", links)
	}
	it, err := s.ItemByLink(ctx, a.CanonicalLink)
	if err != nil || it.ID != a.ID || it.StoryID != a.StoryID || it.Title != a.Title {
		t.Errorf("ItemByLink = %s in %s, %v; want the first-seen item %s", it.ID, it.StoryID, err, a.ID)
	}
	if _, err := s.ItemByLink(ctx, "https://nope.example/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ItemByLink of an unknown link: %v, want ErrNotFound", err)
	}
	for _, ids := range [][]string{nil, {}} {
		if k, err := s.Known(ctx, ids); err != nil || len(k) != 0 {
			t.Errorf("Known(%v) = %v, %v", ids, k, err)
		}
		if m, err := s.StoriesByLink(ctx, ids); err != nil || len(m) != 0 {
			t.Errorf("StoriesByLink(%v) = %v, %v", ids, m, err)
		}
	}
}

// testByLinkFirstStored: when items of several feeds share a link, the
// one stored first gives its story.
func testByLinkFirstStored(t *testing.T, s Store) {
	ctx := context.Background()
	late := entry("zz", "l", "l", t0)
	early := entry("aa", "l", "l", t0)
	apply(t, s, batch("zz", t0, late))
	apply(t, s, batch("aa", t0, early))
	m, err := s.StoriesByLink(ctx, []string{late.CanonicalLink})
	if err != nil || m[late.CanonicalLink] != late.StoryID {
		t.Errorf("StoriesByLink = %v, %v; want the story of the item stored first (%s)", m, err, late.StoryID)
	}
}

func testStats(t *testing.T, s Store) {
	a, b := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0)
	c := entry("bbc", "c", "a", t0)
	c.StoryID = a.StoryID
	if st := stats(t, s); st.Items != 0 || st.Stories != 0 || len(st.PerFeed) != 0 || st.PerFeed == nil {
		t.Errorf("Stats of an empty store = %+v", st)
	}
	apply(t, s, batch("ap", t0, a, b))
	apply(t, s, batch("bbc", t0, c))
	st := stats(t, s)
	if st.Items != 3 || st.Stories != 2 || st.Merged != 1 ||
		!reflect.DeepEqual(st.PerFeed, map[string]int{"ap": 2, "bbc": 1}) {
		t.Errorf("Stats = %+v", st)
	}
	if st.Bytes <= 0 {
		t.Errorf("Stats.Bytes = %d", st.Bytes)
	}
}

func testWindow(t *testing.T, s Store) {
	ctx := context.Background()
	old := entry("ap", "old", "old", t0.Add(-72*time.Hour))
	old.FirstSeen = t0.Add(-72 * time.Hour)
	// Published long ago but first seen now: out of the window, which is
	// cut on the publish time.
	late := entry("ap", "late", "late", t0.Add(-72*time.Hour))
	newer := entry("bbc", "newer", "newer", t0.Add(time.Hour))
	newest := entry("bbc", "newest", "newest", t0.Add(2*time.Hour))
	noDate := entry("bbc", "nodate", "nodate", time.Time{})
	tie1, tie2 := entry("bbc", "tie-z", "tie-z", t0.Add(time.Hour)), entry("bbc", "tie-a", "tie-a", t0.Add(time.Hour))
	tie2.Record = nil // stored as empty
	apply(t, s, batch("ap", t0, old, late))
	apply(t, s, batch("bbc", t0, newest, newer, noDate, tie1, tie2))

	items := window(t, s, t0.Add(-time.Hour))
	var got []string
	for _, w := range items {
		got = append(got, w.ID)
	}
	// nodate sorts by first seen (t0); ties in the order stored, which
	// Seq gives.
	want := []string{noDate.ID, newer.ID, tie1.ID, tie2.ID, newest.ID}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("window ids = %v, want nodate, newer, tie-z, tie-a, newest", got)
	}
	seqs := map[string]int64{}
	for _, w := range window(t, s, time.Time{}) {
		seqs[w.ID] = w.Seq
	}
	// Stored in this order: old and late in one batch, then the others in
	// the order of their batch.
	order := []string{newest.ID, newer.ID, noDate.ID, tie1.ID, tie2.ID}
	if seqs[old.ID] >= seqs[newest.ID] || seqs[late.ID] >= seqs[newest.ID] {
		t.Errorf("Seq: the first batch's items %d, %d not before the second's %d", seqs[old.ID], seqs[late.ID], seqs[newest.ID])
	}
	for i := 1; i < len(order); i++ {
		if seqs[order[i-1]] >= seqs[order[i]] {
			t.Errorf("Seq of %s = %d, not below the next stored (%s, %d)", order[i-1], seqs[order[i-1]], order[i], seqs[order[i]])
		}
	}
	w := items[1]
	if w.Feed != "bbc" || w.StoryID != newer.StoryID || !w.Published.Equal(newer.Published) ||
		string(w.Record) != string(newer.Record) || w.Published.Location() != time.UTC {
		t.Errorf("window item: %+v", w)
	}
	if !items[0].Published.Equal(t0) {
		t.Errorf("item without a date: Published = %v, want its first seen", items[0].Published)
	}
	if len(items[3].Record) != 0 {
		t.Errorf("nil record read back as %q", items[3].Record)
	}
	if all := window(t, s, time.Time{}); len(all) != 7 {
		t.Errorf("window since zero time has %d items, want 7", len(all))
	}
	if at := window(t, s, newest.Published); len(at) != 1 || at[0].ID != newest.ID {
		t.Errorf("window since the newest's publish time: %+v, want it alone (inclusive)", at)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Window(ctx, time.Time{}, func(news.WindowItem) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Window with failing fn = %v after %d calls, want stop after 1", err, calls)
	}
}
