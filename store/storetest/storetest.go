// Package storetest is the conformance suite of the aggregator's stores:
// one set of tests that the SQLite store (package store) and the
// PostgreSQL one (package store/postgres) both pass, so that the pipeline
// sees the same behaviour whichever it is given. Each store's package
// runs it with Run and a function that opens an empty store.
package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// Store is what the suite tests: the pipeline's store, what the admin
// commands use, and two test hooks a wrapper in the store's own tests
// provides.
type Store interface {
	pipeline.Store
	// ItemByLink returns the first-seen item with the canonical link; an
	// unknown link is an error wrapping ErrNotFound.
	ItemByLink(ctx context.Context, link string) (news.StoredItem, error)
	Stats(ctx context.Context) (Stats, error)
	DeleteFeedState(ctx context.Context, name string) error
	Ping(ctx context.Context) error
	Close() error

	// FailRecords makes the store fail, from now on, to write an item
	// whose Entry.Record is "fail", after the item's row (and the rows of
	// the items before it in the batch) are written: a failure half-way
	// through a batch.
	FailRecords(t *testing.T)
	// InFeed reports whether the item id is marked carried by its feed.
	InFeed(t *testing.T, id string) bool
}

// Stats mirrors store.Stats and postgres.Stats (same fields: convert).
type Stats struct {
	Items, Stories, Merged int
	PerFeed                map[string]int
	Bytes                  int64
}

// ErrNotFound is what a wrapper's ItemByLink wraps when the store's own
// not-found error says so.
var ErrNotFound = errors.New("not found")

// Run runs the suite; open returns a new, empty store for each test (the
// suite closes it).
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Store)
	}{
		{"FeedStates", testFeedStates},
		{"RoundTrip", testRoundTrip},
		{"Update", testUpdate},
		{"AllOrNothing", testAllOrNothing},
		{"IngestTogetherIsIngestAlone", func(t *testing.T, s Store) {
			testIngestTogether(t, s, openClosed(t, open))
		}},
		{"IngestRollsBackOnlyTheFailedBatch", testRollsBackFailed},
		{"IngestManyTransactions", testManyTransactions},
		{"IngestCanceled", testCanceled},
		{"SameItemTwice", testSameItemTwice},
		{"InboxAndPlace", testInboxAndPlace},
		{"InboxChangedItem", testInboxChanged},
		{"PlaceBumpsAndSkips", testPlaceBumps},
		{"PlaceMerges", testPlaceMerges},
		{"ByteOrder", testByteOrder},
		{"FurnitureModels", testFurniture},
		{"StoriesOrderAndMembers", testStoriesOrder},
		{"StoriesOfOnePollNewestFirst", testStoriesOnePoll},
		{"KnownAndStoriesByLink", testKnownAndByLink},
		{"StoriesByLinkFirstStored", testByLinkFirstStored},
		{"Stats", testStats},
		{"Window", testWindow},
		{"CarriedFlags", testCarried},
		{"Purge", testPurge},
		{"ReadersSeeWholeBatches", testReaders},
		{"Pages", testPages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, openClosed(t, open))
		})
	}
}

// openClosed opens a store closed at the end of the test.
func openClosed(t *testing.T, open func(t *testing.T) Store) Store {
	s := open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// t0 is the base time of the tests; a zone other than UTC checks that
// instants, not zones, round-trip, and the nanoseconds that they are kept.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

// entry builds an item of feed keyed by guid, in the story founded by the
// item of feed with founder as its guid.
func entry(feed, guid, founder string, published time.Time) news.Entry {
	it := news.Item{
		Feed:          feed,
		GUID:          guid,
		Link:          "https://example.com/" + guid + "?utm_source=x",
		CanonicalLink: "https://example.com/" + guid,
		Title:         "Title " + guid,
		Content:       "<p>Content of " + guid + "</p>",
		Summary:       "Summary " + guid,
		Author:        "Reporter",
		Categories:    []string{"world", "politics"},
		Published:     published,
		Updated:       published.Add(time.Minute),
	}
	id := news.ItemID(feed, it.Key())
	return news.Entry{
		StoredItem: news.StoredItem{
			ID:        id,
			Item:      it,
			StoryID:   news.StoryID(news.ItemID(feed, "guid:"+founder)),
			CleanHTML: "<p>clean " + guid + "</p>",
		},
		Record: []byte("record:" + id),
	}
}

// queued is entry e waiting in the inbox: in a story of its own, with its
// prepared bytes.
func queued(e news.Entry) news.Entry {
	e.StoryID = news.StoryID(e.ID)
	e.Prepared = []byte("prepared:" + e.ID)
	return e
}

func failingEntry(feed, guid string) news.Entry {
	e := entry(feed, guid, guid, t0)
	e.Record = []byte("fail")
	return e
}

// batch builds a fetched (200) batch for feed carrying exactly items.
func batch(feed string, now time.Time, items ...news.Entry) news.Batch {
	carried := []string{}
	for _, e := range items {
		carried = append(carried, e.ID)
	}
	return news.Batch{
		State:   news.FeedState{Name: feed, URL: "https://" + feed + ".example/rss", LastSuccess: now},
		Carried: carried,
		Items:   items,
		Now:     now,
	}
}

// apply ingests one batch and fails the test on error.
func apply(t testing.TB, s Store, b news.Batch) {
	t.Helper()
	if err := s.Ingest(context.Background(), []news.Batch{b})[0]; err != nil {
		t.Fatalf("Ingest: %v", err)
	}
}

func stories(t testing.TB, s Store, q news.StoryQuery) []news.Story {
	t.Helper()
	ss, err := s.Stories(context.Background(), q)
	if err != nil {
		t.Fatalf("Stories: %v", err)
	}
	return ss
}

// window returns the store's window since since in the window's order
// (by publish time, then Seq), whatever order the store gave it in.
func window(t testing.TB, s Store, since time.Time) []news.WindowItem {
	t.Helper()
	var out []news.WindowItem
	err := s.Window(context.Background(), since, func(w news.WindowItem) error {
		out = append(out, w)
		return nil
	})
	if err != nil {
		t.Fatalf("Window: %v", err)
	}
	slices.SortFunc(out, func(a, b news.WindowItem) int {
		return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.Seq, b.Seq))
	})
	return out
}

func unplacedIDs(t testing.TB, s Store) []string {
	t.Helper()
	us, err := s.Unplaced(context.Background(), news.InboxKey{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

func findStory(t testing.TB, ss []news.Story, id string) news.Story {
	t.Helper()
	for _, s := range ss {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("story %s not in %s", id, storyShape(ss))
	return news.Story{}
}

// storyShape renders stories as "story:member,member;..." by GUID for
// compact comparisons.
func storyShape(ss []news.Story) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(s.ID[:min(6, len(s.ID))] + ":")
		for j, m := range s.Members {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(m.GUID)
		}
	}
	return b.String()
}

func assertInFeed(t *testing.T, s Store, want map[string]bool) {
	t.Helper()
	for id, w := range want {
		if got := s.InFeed(t, id); got != w {
			t.Errorf("in_feed of %s = %v, want %v", id, got, w)
		}
	}
}

func stats(t testing.TB, s Store) Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func guids(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return out
}
