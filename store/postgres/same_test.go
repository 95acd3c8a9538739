package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// twin is what the cross-check needs of both stores.
type twin interface {
	Ingest(ctx context.Context, bs []news.Batch) []error
	Unplaced(ctx context.Context, after news.InboxKey, limit int) ([]news.Unplaced, error)
	Place(ctx context.Context, ps []news.Placement, now time.Time) error
	Purge(ctx context.Context, before time.Time) (int, int, error)
	DeleteFeedState(ctx context.Context, name string) error
	FeedStates(ctx context.Context) (map[string]news.FeedState, error)
	Known(ctx context.Context, ids []string) (map[string]news.Known, error)
	StoriesByLink(ctx context.Context, links []string) (map[string]string, error)
	Window(ctx context.Context, since time.Time, fn func(news.WindowItem) error) error
	Stories(ctx context.Context, q news.StoryQuery) ([]news.Story, error)
	Furniture(ctx context.Context) (map[string][]byte, error)
}

// view is everything a reader can see of a store.
type view struct {
	Stories, Limited, Filtered []news.Story
	Window, Recent             []news.WindowItem
	Unplaced                   []news.Unplaced
	States                     map[string]news.FeedState
	Known                      map[string]news.Known
	Links                      map[string]string
	Furniture                  map[string][]byte
}

func look(t *testing.T, s twin, ids, links []string) view {
	t.Helper()
	ctx := context.Background()
	var v view
	var errs []error
	collect := func(out *[]news.WindowItem) func(news.WindowItem) error {
		return func(w news.WindowItem) error { *out = append(*out, w); return nil }
	}
	var err error
	v.Stories, err = s.Stories(ctx, news.StoryQuery{})
	errs = append(errs, err)
	v.Limited, err = s.Stories(ctx, news.StoryQuery{Limit: 7})
	errs = append(errs, err)
	v.Filtered, err = s.Stories(ctx, news.StoryQuery{Feeds: []string{"f1", "f3"}, Limit: 5})
	errs = append(errs, err)
	errs = append(errs, s.Window(ctx, time.Time{}, collect(&v.Window)))
	errs = append(errs, s.Window(ctx, t0.Add(2*time.Hour), collect(&v.Recent)))
	v.Unplaced, err = s.Unplaced(ctx, news.InboxKey{}, -1)
	errs = append(errs, err)
	v.States, err = s.FeedStates(ctx)
	errs = append(errs, err)
	v.Known, err = s.Known(ctx, ids)
	errs = append(errs, err)
	v.Links, err = s.StoriesByLink(ctx, links)
	errs = append(errs, err)
	v.Furniture, err = s.Furniture(ctx)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	// The window in its own order (stores may hand it over in theirs);
	// Seq orders within a store, its values differ between the two.
	for _, w := range []*[]news.WindowItem{&v.Window, &v.Recent} {
		slices.SortFunc(*w, func(a, b news.WindowItem) int {
			return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.Seq, b.Seq))
		})
		for i := range *w {
			(*w)[i].Seq = 0
		}
	}
	return v
}

// crafted are ids (and guids) whose order differs between byte order and
// the ICU collation of the test databases.
var crafted = []string{"B-item", "a-item", "Z", "_x", "é", "b"}

// sameWorkload builds poll p: four feeds, new items, items changed since
// an earlier poll, items dropped, a 304, crafted ids, shared links and
// equal or missing publish times.
func sameWorkload(p int, r *rand.Rand) []news.Batch {
	var bs []news.Batch
	now := t0.Add(time.Duration(p) * time.Hour)
	for f := range 4 {
		feed := fmt.Sprintf("f%d", f)
		b := news.Batch{State: news.FeedState{Name: feed, ETag: fmt.Sprint(p), LastSuccess: now}, Now: now}
		if p > 0 && f == 2 {
			bs = append(bs, b) // a 304
			continue
		}
		for i := range 6 {
			g := fmt.Sprintf("p%d-%d", p-r.IntN(2)*min(p, 1), i) // some items come again
			e := testEntry(feed, g, now.Add(-time.Duration(i%3)*time.Minute))
			e.Title += fmt.Sprint(r.IntN(2)) // changed, or not
			if i == 5 {
				e.Published = time.Time{}
			}
			if f == 3 && i < len(crafted) && p == 1 {
				e.ID = crafted[i]
				e.StoryID = "s" + crafted[i]
			}
			e.CanonicalLink = fmt.Sprintf("https://example.com/%d", r.IntN(12))
			e.Prepared = []byte(g + feed)
			b.Items = append(b.Items, e)
			b.Carried = append(b.Carried, e.ID)
		}
		if f == 1 {
			b.Furniture = []byte(fmt.Sprint("model ", p))
		}
		bs = append(bs, b)
	}
	return bs
}

// TestSameAsSQLite runs one workload on both stores and compares all that
// readers see after every step: the same stories in the same order, the
// same window, inbox, states, lookups.
func TestSameAsSQLite(t *testing.T) {
	ctx := context.Background()
	lite, err := store.Open(ctx, filepath.Join(t.TempDir(), "agg.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := openTest(t)
	stores := []twin{lite, pg}
	r := rand.New(rand.NewPCG(1, 2))
	var ids, links []string
	for i := range 12 {
		links = append(links, fmt.Sprintf("https://example.com/%d", i))
	}
	compare := func(step string) {
		t.Helper()
		want, got := look(t, lite, ids, links), look(t, pg, ids, links)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: PostgreSQL shows\n%+v\nSQLite shows\n%+v", step, got, want)
		}
	}
	for p := range 5 {
		bs := sameWorkload(p, r)
		for _, b := range bs {
			for _, e := range b.Items {
				ids = append(ids, e.ID)
			}
		}
		for _, s := range stores {
			if err := errors.Join(s.Ingest(ctx, bs)...); err != nil {
				t.Fatal(err)
			}
		}
		compare(fmt.Sprintf("poll %d ingested", p))
		us, err := lite.Unplaced(ctx, news.InboxKey{}, -1)
		if err != nil {
			t.Fatal(err)
		}
		ps := placements(us, r)
		for start := 0; start < len(ps); start += 4 {
			for _, s := range stores {
				if err := s.Place(ctx, ps[start:min(start+4, len(ps))], t0.Add(time.Duration(p)*time.Hour+time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
		}
		compare(fmt.Sprintf("poll %d placed", p))
	}
	for _, s := range stores {
		if err := s.DeleteFeedState(ctx, "f0"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Purge(ctx, t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	compare("purged")
}

// placements puts each unplaced item in its own story or in the story of
// an item placed before it.
func placements(us []news.Unplaced, r *rand.Rand) []news.Placement {
	var ps []news.Placement
	for _, u := range us {
		story := u.StoryID
		if len(ps) > 0 && r.IntN(3) == 0 {
			story = ps[r.IntN(len(ps))].StoryID
		}
		ps = append(ps, news.Placement{ID: u.ID, StoryID: story})
	}
	return ps
}
