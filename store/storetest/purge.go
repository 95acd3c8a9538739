package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func testCarried(t *testing.T, s Store) {
	ctx := context.Background()
	a, b, c := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0), entry("ap", "c", "c", t0)
	other := entry("bbc", "o", "o", t0)
	apply(t, s, batch("ap", t0, a, b, c))
	apply(t, s, batch("bbc", t0, other))
	later := t0.Add(30 * 24 * time.Hour)

	// The feed now carries only c: a and b are no longer carried.
	apply(t, s, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{c.ID}, Now: later})
	assertInFeed(t, s, map[string]bool{a.ID: false, b.ID: false, c.ID: true, other.ID: true})
	// A 304 (Carried nil) changes nothing.
	apply(t, s, news.Batch{State: news.FeedState{Name: "ap"}, Now: later})
	assertInFeed(t, s, map[string]bool{a.ID: false, b.ID: false, c.ID: true, other.ID: true})
	// b comes back; another feed's id in Carried changes nothing of it.
	apply(t, s, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{b.ID, c.ID, other.ID}, Now: later})
	assertInFeed(t, s, map[string]bool{a.ID: false, b.ID: true, c.ID: true, other.ID: true})
	// An item written but not in Carried is not carried.
	d := entry("ap", "d", "d", later)
	apply(t, s, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{b.ID}, Items: []news.Entry{d}, Now: later})
	assertInFeed(t, s, map[string]bool{b.ID: true, c.ID: false, d.ID: false})
	// A feed removed from the config carries nothing.
	if err := s.DeleteFeedState(ctx, "bbc"); err != nil {
		t.Fatal(err)
	}
	assertInFeed(t, s, map[string]bool{a.ID: false, b.ID: true, other.ID: false})
}

func testPurge(t *testing.T, s Store) {
	ctx := context.Background()
	day := 24 * time.Hour
	// Story S: old dropped item d (founder) + old still-carried item k of
	// another feed. Story T: only an old dropped item. Story U: a recent
	// dropped item. q: an old dropped item waiting in the inbox.
	d := entry("ap", "d", "d", t0)
	k := entry("bbc", "k", "d", t0)
	k.StoryID = d.StoryID
	tOnly := entry("ap", "t", "t", t0)
	q := queued(entry("ap", "q", "q", t0))
	u := entry("ap", "u", "u", t0.Add(9*day))
	apply(t, s, batch("ap", t0, d, tOnly, q))
	apply(t, s, batch("bbc", t0, k))
	apply(t, s, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{u.ID}, Items: []news.Entry{u}, Now: t0.Add(9 * day)})
	apply(t, s, news.Batch{State: news.FeedState{Name: "ap"}, Carried: []string{}, Now: t0.Add(10 * day)})

	if n, m, err := s.Purge(ctx, time.Time{}); err != nil || n+m != 0 {
		t.Errorf("Purge(zero time) = %d, %d, %v; want nothing", n, m, err)
	}
	nItems, nStories, err := s.Purge(ctx, t0.Add(5*day))
	if err != nil {
		t.Fatal(err)
	}
	if nItems != 3 || nStories != 2 {
		t.Errorf("Purge = %d items, %d stories; want 3 (d, t, q) and 2 (T, Q)", nItems, nStories)
	}
	known, err := s.Known(ctx, []string{d.ID, k.ID, tOnly.ID, u.ID, q.ID})
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
	if ids := unplacedIDs(t, s); len(ids) != 0 {
		t.Errorf("a purged item is still in the inbox: %v", ids)
	}
	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 2 || findStory(t, ss, d.StoryID).Members[0].ID != k.ID {
		t.Errorf("after Purge stories = %s", storyShape(ss))
	}
	if w := window(t, s, time.Time{}); len(w) != 2 {
		t.Errorf("window after Purge has %d items, want 2", len(w))
	}
	if n, m, err := s.Purge(ctx, t0.Add(5*day)); err != nil || n+m != 0 {
		t.Errorf("second Purge = %d, %d, %v; want nothing left to purge", n, m, err)
	}
}
