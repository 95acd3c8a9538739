package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// t0 is the base time of the tests; a zone other than UTC checks that
// instants, not zones, round-trip.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

func openTest(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func newTestDB(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "agg.db")
	return openTest(t, path), path
}

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

func mustApply(t testing.TB, db *DB, b news.Batch) {
	t.Helper()
	if err := db.Apply(context.Background(), b); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func mustStories(t testing.TB, db *DB, q news.StoryQuery) []news.Story {
	t.Helper()
	ss, err := db.Stories(context.Background(), q)
	if err != nil {
		t.Fatalf("Stories: %v", err)
	}
	return ss
}

// storyShape renders stories as "story:member,member;..." by GUID for
// compact comparisons.
func storyShape(ss []news.Story) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(s.ID[:6] + ":")
		for j, m := range s.Members {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(m.GUID)
		}
	}
	return b.String()
}

// checkConsistent asserts the invariants every committed state must hold.
func checkConsistent(t testing.TB, path string) {
	t.Helper()
	c, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		t.Fatalf("open raw: %v", err)
	}
	defer c.Close()
	for _, q := range []struct{ name, sql, want string }{
		{"integrity_check", "PRAGMA integrity_check", "ok"},
		{"foreign_key_check", "SELECT count(*) FROM pragma_foreign_key_check", "0"},
		{"items without story", "SELECT count(*) FROM items WHERE story_id NOT IN (SELECT id FROM stories)", "0"},
		{"empty stories", "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM items)", "0"},
		{"items without record", "SELECT count(*) FROM items WHERE seq NOT IN (SELECT item FROM item_records)", "0"},
		{"records without item", "SELECT count(*) FROM item_records WHERE item NOT IN (SELECT seq FROM items)", "0"},
		{"inbox rows without item", "SELECT count(*) FROM inbox WHERE item NOT IN (SELECT seq FROM items)", "0"},
	} {
		var got string
		if err := c.QueryRow(q.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		if got != q.want {
			t.Errorf("%s = %s, want %s", q.name, got, q.want)
		}
	}
}

func guids(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return out
}
