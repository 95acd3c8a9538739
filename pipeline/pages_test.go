package pipeline

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// TestLastArchived: a day is archived once it is over by ArchiveDelay;
// the current day never is.
func TestLastArchived(t *testing.T) {
	d := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now, want time.Time
	}{
		{d.Add(ArchiveDelay - time.Nanosecond), d.AddDate(0, 0, -2)},
		{d.Add(ArchiveDelay), d.AddDate(0, 0, -1)},
		{d.Add(23 * time.Hour), d.AddDate(0, 0, -1)},
		{d.Add(5 * time.Hour).In(time.FixedZone("east", 10*3600)), d.AddDate(0, 0, -1)},
	} {
		if got := LastArchived(tc.now); !got.Equal(tc.want) {
			t.Errorf("LastArchived(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

// TestArchive: the days from the oldest story's to the last archived one
// have archives (an empty day too), each with the representative first
// and its neighbours; others are not found.
func TestArchive(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, t.TempDir()+"/s.db")
	p := newPipeline(t, db, newFake(), "a")
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	add := func(feed, guid string, founder string, at time.Time) {
		it := item(feed, guid, "Title "+guid, harbour, at)
		id := news.ItemID(feed, it.Key())
		story := news.StoryID(id)
		if founder != "" {
			story = news.StoryID(news.ItemID("a", "guid:"+founder))
		}
		b := news.Batch{State: news.FeedState{Name: feed}, Now: at,
			Items: []news.Entry{{StoredItem: news.StoredItem{Item: it, ID: id, StoryID: story}}}}
		if errs := db.Ingest(ctx, []news.Batch{b}); errs[0] != nil {
			t.Fatal(errs[0])
		}
	}
	add("a", "x", "", day.Add(time.Hour))
	add("b", "x-copy", "x", day.Add(2*time.Hour)) // same day: in the archive
	add("b", "x-late", "x", day.AddDate(0, 0, 2)) // later: not
	add("a", "y", "", day.AddDate(0, 0, 2).Add(time.Hour))
	now := day.AddDate(0, 0, 3).Add(12 * time.Hour) // the last archived day is day+2

	a, err := p.Archive(ctx, day.Add(5*time.Hour), now, []string{"b"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Day.Equal(day) || len(a.Stories) != 1 || len(a.Stories[0].Members) != 2 || a.Stories[0].Members[0].GUID != "x-copy" {
		t.Errorf("archive of the first day: %+v; want x with x-copy first (priority), without x-late", a)
	}
	if !a.Prev.IsZero() || !a.Next.Equal(day.AddDate(0, 0, 1)) {
		t.Errorf("links of the first day: prev %v, next %v", a.Prev, a.Next)
	}
	empty, err := p.Archive(ctx, day.AddDate(0, 0, 1), now, nil)
	if err != nil || len(empty.Stories) != 0 || !empty.Prev.Equal(day) || !empty.Next.Equal(day.AddDate(0, 0, 2)) {
		t.Errorf("an empty day in between: %+v, %v", empty, err)
	}
	for _, d := range []time.Time{day.AddDate(0, 0, -1), day.AddDate(0, 0, 3), day.AddDate(0, 0, 4)} {
		if _, err := p.Archive(ctx, d, now, nil); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("archive of %v: %v, want not found", d, err)
		}
	}
	if newest, err := p.newestArchive(ctx, now); err != nil || !newest.Equal(day.AddDate(0, 0, 2)) {
		t.Errorf("newest archive %v, %v; want day+2", newest, err)
	}
}
