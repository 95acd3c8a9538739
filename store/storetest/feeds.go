package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func testFeedStates(t *testing.T, s Store) {
	ctx := context.Background()
	full := news.FeedState{
		Name: "reuters", URL: "https://r.example/rss", ETag: `W/"x"`,
		ConfigURL: "https://r.example/feed", LastModified: "Fri, 14 Mar 2025 08:00:00 GMT", BodyHash: "abc",
		RedirectTo: "https://r2.example/rss", RedirectCount: 2,
		LastAttempt: t0, LastSuccess: t0.Add(-time.Hour), LastStatus: 304,
		LastError: "boom", Failures: 3, NextPoll: t0.Add(15 * time.Minute), Gone: true,
		Interval: 17*time.Minute + 321*time.Nanosecond, LastNew: t0.Add(-2 * time.Hour),
	}
	never := news.FeedState{Name: "never"} // zero times must come back zero
	for _, st := range []news.FeedState{full, never} {
		if err := s.SaveFeedState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d states, want 2", len(got))
	}
	assertState(t, got["reuters"], full)
	assertState(t, got["never"], never)

	full.Failures, full.Gone, full.LastError = 0, false, ""
	full.Interval, full.LastNew = 26*time.Hour, time.Time{} // a learned interval changes; LastNew back to zero
	if err := s.SaveFeedState(ctx, full); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFeedState(ctx, "never"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFeedState(ctx, "unknown"); err != nil {
		t.Errorf("deleting an unknown feed: %v", err)
	}
	got, err = s.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["never"]; ok || len(got) != 1 {
		t.Fatalf("after delete: %v", got)
	}
	assertState(t, got["reuters"], full)
	if err := s.SaveFeedState(ctx, news.FeedState{}); err == nil {
		t.Error("SaveFeedState without a name succeeded")
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// assertState compares states with time.Time.Equal (the store returns UTC).
func assertState(t *testing.T, got, want news.FeedState) {
	t.Helper()
	for _, p := range []struct{ g, w *time.Time }{
		{&got.LastAttempt, &want.LastAttempt}, {&got.LastSuccess, &want.LastSuccess},
		{&got.NextPoll, &want.NextPoll}, {&got.LastNew, &want.LastNew},
	} {
		if !p.g.Equal(*p.w) || p.g.IsZero() != p.w.IsZero() || (!p.g.IsZero() && p.g.Location() != time.UTC) {
			t.Errorf("%s: time %v, want %v in UTC", want.Name, *p.g, *p.w)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("state:\n got %+v\nwant %+v", got, want)
	}
}

func testRoundTrip(t *testing.T, s Store) {
	a := entry("ap", "a1", "a1", t0)
	a.FirstSeen = t0.Add(-48 * time.Hour) // given: kept
	b := entry("bbc", "b1", "b1", t0.Add(time.Hour))
	b.Categories = nil
	b.Item.Updated = time.Time{}
	apply(t, s, batch("ap", t0, a))
	apply(t, s, batch("bbc", t0.Add(time.Minute), b))

	ss := stories(t, s, news.StoryQuery{})
	if len(ss) != 2 || ss[0].ID != b.StoryID || ss[1].ID != a.StoryID {
		t.Fatalf("stories = %s, want b1's story then a1's", storyShape(ss))
	}
	checkMember(t, ss[1].Members[0], a, a.FirstSeen)
	checkMember(t, ss[0].Members[0], b, t0.Add(time.Minute))
	if !ss[0].Updated.Equal(t0.Add(time.Minute)) || !ss[0].Published.Equal(b.Published) {
		t.Errorf("story times: updated %v published %v", ss[0].Updated, ss[0].Published)
	}
	st, err := s.FeedStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st["bbc"].LastSuccess.Equal(t0.Add(time.Minute)) {
		t.Errorf("batch state not saved: %+v", st["bbc"])
	}
}

func checkMember(t *testing.T, got news.StoredItem, want news.Entry, firstSeen time.Time) {
	t.Helper()
	if got.ID != want.ID || got.StoryID != want.StoryID || !got.FirstSeen.Equal(firstSeen) ||
		got.CleanHTML != want.CleanHTML {
		t.Errorf("member %s: id %s story %s first seen %v clean %q", want.GUID,
			got.ID, got.StoryID, got.FirstSeen, got.CleanHTML)
	}
	if !got.Published.Equal(want.Published) || !got.Updated.Equal(want.Item.Updated) ||
		got.Updated.IsZero() != want.Item.Updated.IsZero() {
		t.Errorf("member %s: published %v updated %v", want.GUID, got.Published, got.Updated)
	}
	g, w := got.Item, want.Item
	g.Published, g.Updated, w.Published, w.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("member item:\n got %+v\nwant %+v", g, w)
	}
}

func testUpdate(t *testing.T, s Store) {
	ctx := context.Background()
	a, b := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0)
	apply(t, s, batch("ap", t0, a, b))

	// A changed text at a later poll keeps first_seen and story and bumps it.
	a2 := a
	a2.Title = "Corrected title"
	a2.StoryID = ""
	a2.FirstSeen = t0.Add(time.Hour) // ignored on update
	apply(t, s, batch("ap", t0.Add(time.Hour), a2, b))
	ss := stories(t, s, news.StoryQuery{})
	sa := findStory(t, ss, a.StoryID)
	if m := sa.Members[0]; m.Title != "Corrected title" || !m.FirstSeen.Equal(t0) {
		t.Errorf("updated member: title %q first seen %v", m.Title, m.FirstSeen)
	}
	if !sa.Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("story of a changed member not bumped: %v", sa.Updated)
	}
	if sb := findStory(t, ss, b.StoryID); !sb.Updated.Equal(t0) {
		t.Errorf("story of an unchanged member bumped: %v", sb.Updated)
	}
	k, err := s.Known(ctx, []string{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if k[a.ID].ContentHash != a2.ContentHash() {
		t.Errorf("known hash not updated")
	}

	// Moving b into a's story deletes b's emptied story.
	b2 := b
	b2.StoryID = a.StoryID
	apply(t, s, batch("ap", t0.Add(2*time.Hour), a2, b2))
	ss = stories(t, s, news.StoryQuery{})
	if len(ss) != 1 || len(ss[0].Members) != 2 || ss[0].ID != a.StoryID {
		t.Fatalf("after move: %s", storyShape(ss))
	}
	if st := stats(t, s); st.Stories != 1 || st.Items != 2 {
		t.Errorf("after move: %+v", st)
	}
}

func testAllOrNothing(t *testing.T, s Store) {
	ctx := context.Background()
	good := entry("ap", "good", "good", t0)
	bad := entry("ap", "bad", "bad", t0)
	bad.StoryID = "" // a new item needs a story: the batch fails on it
	b := batch("ap", t0, good, bad)
	b.State.ETag = "must-not-be-saved"
	err := s.Ingest(ctx, []news.Batch{b})[0]
	if err == nil || !strings.Contains(err.Error(), `apply feed "ap"`) || !strings.Contains(err.Error(), "no story id") {
		t.Fatalf("Ingest = %v, want an error naming the feed and the cause", err)
	}
	k, err := s.Known(ctx, []string{good.ID})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(k) != 0 || len(st) != 0 {
		t.Errorf("failed batch left items %v, states %v", k, st)
	}
	if ss := stories(t, s, news.StoryQuery{}); len(ss) != 0 {
		t.Errorf("failed batch left stories %s", storyShape(ss))
	}
	wrongFeed := entry("bbc", "w", "w", t0)
	if err := s.Ingest(ctx, []news.Batch{batch("ap", t0, wrongFeed)})[0]; err == nil {
		t.Error("Ingest accepted an item of another feed")
	}
	if err := s.Ingest(ctx, []news.Batch{{State: news.FeedState{Name: "ap"}}})[0]; err == nil {
		t.Error("Ingest accepted a batch without Now")
	}
	if err := s.Ingest(ctx, []news.Batch{{Now: t0}})[0]; err == nil {
		t.Error("Ingest accepted a batch without a feed name")
	}
	if st := stats(t, s); st.Items+st.Stories != 0 {
		t.Errorf("failed batches left %+v", st)
	}
}
