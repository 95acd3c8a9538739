package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func TestStoriesOrderAndMembers(t *testing.T) {
	db, _ := newTestDB(t)
	// Story X founded by ap/x at t0 gains members from two other feeds;
	// members are ordered by published time whatever the insert order.
	mustApply(t, db, batch("ap", t0, entry("ap", "x", "x", t0.Add(2*time.Hour))))
	joinX := func(feed, guid string, pub time.Time) news.Entry {
		e := entry(feed, guid, "x", pub)
		e.StoryID = news.StoryID(news.ItemID("ap", "guid:x"))
		return e
	}
	mustApply(t, db, batch("bbc", t0.Add(time.Minute), joinX("bbc", "x2", t0.Add(time.Hour))))
	mustApply(t, db, batch("npr", t0.Add(2*time.Minute), joinX("npr", "x3", t0.Add(3*time.Hour))))
	// Two stories created at the same instant are ordered by id.
	y, z := entry("cnn", "y", "y", t0), entry("cnn", "z", "z", t0)
	mustApply(t, db, batch("cnn", t0.Add(time.Minute), y, z))

	ss := mustStories(t, db, news.StoryQuery{})
	if len(ss) != 3 {
		t.Fatalf("stories: %s", storyShape(ss))
	}
	if ss[0].ID != min(y.StoryID, z.StoryID) || ss[1].ID != max(y.StoryID, z.StoryID) {
		t.Errorf("same-created stories not ordered by id: %s", storyShape(ss))
	}
	x := ss[2]
	if got := storyShape(ss[2:]); !strings.HasSuffix(got, ":x2,x,x3") {
		t.Errorf("members of x: %s, want x2,x,x3", got)
	}
	if !x.Published.Equal(t0.Add(time.Hour)) || !x.Updated.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("story x: published %v (want earliest member), updated %v", x.Published, x.Updated)
	}

	for _, tc := range []struct {
		name string
		q    news.StoryQuery
		want int
	}{
		{"limit", news.StoryQuery{Limit: 2}, 2},
		{"feed of a late member", news.StoryQuery{Feeds: []string{"npr"}}, 1},
		{"two feeds", news.StoryQuery{Feeds: []string{"npr", "cnn"}}, 3},
		{"unknown feed", news.StoryQuery{Feeds: []string{"nope"}}, 0},
		{"empty non-nil feeds", news.StoryQuery{Feeds: []string{}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustStories(t, db, tc.q)
			if len(got) != tc.want {
				t.Fatalf("got %d stories (%s), want %d", len(got), storyShape(got), tc.want)
			}
			for _, s := range got {
				if s.ID == x.ID && len(s.Members) != 3 {
					t.Errorf("filtered story x has %d members, want all 3", len(s.Members))
				}
			}
		})
	}
}

func TestKnownAndStoriesByLink(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	a := entry("ap", "a", "a", t0)
	a2 := entry("bbc", "a", "a", t0) // same canonical link, another feed, joins a
	a2.StoryID = a.StoryID
	noLink := entry("ap", "n", "n", t0)
	noLink.CanonicalLink = ""
	mustApply(t, db, batch("ap", t0, a, noLink))
	mustApply(t, db, batch("bbc", t0.Add(time.Minute), a2))

	k, err := db.Known(ctx, []string{a.ID, a2.ID, "missing"})
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
	links, err := db.StoriesByLink(ctx, []string{a.CanonicalLink, "", "https://nope.example/"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(links, map[string]string{a.CanonicalLink: a.StoryID}) {
		t.Errorf("StoriesByLink = %v", links)
	}
	it, err := db.ItemByLink(ctx, a.CanonicalLink)
	if err != nil || it.ID != a.ID || it.StoryID != a.StoryID {
		t.Errorf("ItemByLink = %s in %s, %v; want the first-seen item %s", it.ID, it.StoryID, err, a.ID)
	}
	if _, err := db.ItemByLink(ctx, "https://nope.example/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ItemByLink of an unknown link: %v, want ErrNotFound", err)
	}
	for _, ids := range [][]string{nil, {}} {
		if k, err := db.Known(ctx, ids); err != nil || len(k) != 0 {
			t.Errorf("Known(%v) = %v, %v", ids, k, err)
		}
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	a, b := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0)
	c := entry("bbc", "c", "a", t0)
	c.StoryID = a.StoryID
	mustApply(t, db, batch("ap", t0, a, b))
	mustApply(t, db, batch("bbc", t0, c))
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 3 || st.Stories != 2 || st.Merged != 1 ||
		!reflect.DeepEqual(st.PerFeed, map[string]int{"ap": 2, "bbc": 1}) {
		t.Errorf("Stats = %+v", st)
	}
	if st.Bytes <= 0 {
		t.Errorf("Stats.Bytes = %d", st.Bytes)
	}
}

// TestStoriesOfOnePollNewestFirst: stories created by one poll are listed
// by their earliest publish time, newest first.
func TestStoriesOfOnePollNewestFirst(t *testing.T) {
	db, _ := newTestDB(t)
	old, mid, recent := entry("cnn", "old", "old", t0), entry("cnn", "mid", "mid", t0.Add(time.Hour)), entry("cnn", "new", "new", t0.Add(2*time.Hour))
	mustApply(t, db, batch("cnn", t0.Add(3*time.Hour), mid, old, recent))
	ss := mustStories(t, db, news.StoryQuery{})
	want := []string{recent.StoryID, mid.StoryID, old.StoryID}
	for i, s := range ss {
		if s.ID != want[i] {
			t.Fatalf("order %s, want newest published first", storyShape(ss))
		}
	}
}
