package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

func TestOpenCreatesFileNotDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	db := openTest(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	missing := filepath.Join(dir, "no", "such", "dir", "x.db")
	_, err := Open(ctx, missing)
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Open in a missing directory: err = %v, want an error naming %s", err, missing)
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Errorf("Open created the directory: %v", err)
	}
}

func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "we?ird#100%.db")
	db := openTest(t, path)
	mustApply(t, db, batch("f", t0, entry("f", "a", "a", t0)))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the path given: %v", err)
	}
}

func TestFeedStates(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestDB(t)
	full := news.FeedState{
		Name: "reuters", URL: "https://r.example/rss", ETag: `W/"x"`,
		ConfigURL: "https://r.example/feed", LastModified: "Fri, 14 Mar 2025 08:00:00 GMT", BodyHash: "abc",
		RedirectTo: "https://r2.example/rss", RedirectCount: 2,
		LastAttempt: t0, LastSuccess: t0.Add(-time.Hour), LastStatus: 304,
		LastError: "boom", Failures: 3, NextPoll: t0.Add(15 * time.Minute), Gone: true,
	}
	never := news.FeedState{Name: "never"} // zero times must come back zero
	for _, st := range []news.FeedState{full, never} {
		if err := db.SaveFeedState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d states, want 2", len(got))
	}
	assertState(t, got["reuters"], full)
	assertState(t, got["never"], never)

	full.Failures, full.Gone, full.LastError = 0, false, ""
	if err := db.SaveFeedState(ctx, full); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteFeedState(ctx, "never"); err != nil {
		t.Fatal(err)
	}
	got, err = db.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["never"]; ok || len(got) != 1 {
		t.Fatalf("after delete: %v", got)
	}
	assertState(t, got["reuters"], full)
	if err := db.SaveFeedState(ctx, news.FeedState{}); err == nil {
		t.Error("SaveFeedState without a name succeeded")
	}
}

// assertState compares states with time.Time.Equal (the store returns UTC).
func assertState(t *testing.T, got, want news.FeedState) {
	t.Helper()
	for _, p := range []struct{ g, w *time.Time }{
		{&got.LastAttempt, &want.LastAttempt}, {&got.LastSuccess, &want.LastSuccess},
		{&got.NextPoll, &want.NextPoll},
	} {
		if !p.g.Equal(*p.w) || p.g.IsZero() != p.w.IsZero() {
			t.Errorf("%s: time %v, want %v", want.Name, *p.g, *p.w)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("state:\n got %+v\nwant %+v", got, want)
	}
}

func TestApplyRoundTrip(t *testing.T) {
	db, _ := newTestDB(t)
	a := entry("ap", "a1", "a1", t0)
	a.FirstSeen = t0.Add(-48 * time.Hour) // given: kept
	b := entry("bbc", "b1", "b1", t0.Add(time.Hour))
	b.Categories = nil
	b.Item.Updated = time.Time{}
	mustApply(t, db, batch("ap", t0, a))
	mustApply(t, db, batch("bbc", t0.Add(time.Minute), b))

	ss := mustStories(t, db, news.StoryQuery{})
	if len(ss) != 2 || ss[0].ID != b.StoryID || ss[1].ID != a.StoryID {
		t.Fatalf("stories = %s, want b1's story then a1's", storyShape(ss))
	}
	checkMember(t, ss[1].Members[0], a, a.FirstSeen)
	checkMember(t, ss[0].Members[0], b, t0.Add(time.Minute))
	if !ss[0].Updated.Equal(t0.Add(time.Minute)) || !ss[0].Published.Equal(b.Published) {
		t.Errorf("story times: updated %v published %v", ss[0].Updated, ss[0].Published)
	}
	st, err := db.FeedStates(context.Background())
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
	if news.ItemID(got.Feed, got.Key()) != want.ID {
		t.Errorf("member %s: item id not recoverable from fields", want.GUID)
	}
}

func TestApplyUpdate(t *testing.T) {
	ctx := context.Background()
	db, path := newTestDB(t)
	a, b := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0)
	mustApply(t, db, batch("ap", t0, a, b))

	// A changed text at a later poll keeps first_seen and story and bumps it.
	a2 := a
	a2.Title = "Corrected title"
	a2.StoryID = ""
	a2.FirstSeen = t0.Add(time.Hour) // ignored on update
	mustApply(t, db, batch("ap", t0.Add(time.Hour), a2, b))
	ss := mustStories(t, db, news.StoryQuery{})
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
	k, err := db.Known(ctx, []string{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if k[a.ID].ContentHash != a2.ContentHash() {
		t.Errorf("known hash not updated")
	}

	// Moving b into a's story deletes b's emptied story.
	b2 := b
	b2.StoryID = a.StoryID
	mustApply(t, db, batch("ap", t0.Add(2*time.Hour), a2, b2))
	ss = mustStories(t, db, news.StoryQuery{})
	if len(ss) != 1 || len(ss[0].Members) != 2 || ss[0].ID != a.StoryID {
		t.Fatalf("after move: %s", storyShape(ss))
	}
	checkConsistent(t, path)
}

func findStory(t *testing.T, ss []news.Story, id string) news.Story {
	t.Helper()
	for _, s := range ss {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("story %s not in %s", id, storyShape(ss))
	return news.Story{}
}

func TestApplyIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db, path := newTestDB(t)
	good := entry("ap", "good", "good", t0)
	bad := entry("ap", "bad", "bad", t0)
	bad.StoryID = "" // a new item needs a story: Apply fails on it
	b := batch("ap", t0, good, bad)
	b.State.ETag = "must-not-be-saved"
	err := db.Apply(ctx, b)
	if err == nil || !strings.Contains(err.Error(), `store: apply feed "ap"`) {
		t.Fatalf("Apply = %v, want an error naming the feed", err)
	}
	k, err := db.Known(ctx, []string{good.ID})
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(k) != 0 || len(st) != 0 {
		t.Errorf("failed Apply left items %v, states %v", k, st)
	}
	if ss := mustStories(t, db, news.StoryQuery{}); len(ss) != 0 {
		t.Errorf("failed Apply left stories %s", storyShape(ss))
	}
	wrongFeed := entry("bbc", "w", "w", t0)
	if err := db.Apply(ctx, batch("ap", t0, wrongFeed)); err == nil {
		t.Error("Apply accepted an item of another feed")
	}
	if err := db.Apply(ctx, news.Batch{State: news.FeedState{Name: "ap"}}); err == nil {
		t.Error("Apply accepted a batch without Now")
	}
	checkConsistent(t, path)
}
