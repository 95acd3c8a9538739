package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// TestStory: one story with every member in publish order; an unknown id
// wraps ErrNotFound (news.ErrNotFound, the same for every store).
func TestStory(t *testing.T) {
	db, _ := newTestDB(t)
	ctx := context.Background()
	mustApply(t, db, batch("ap", t0, entry("ap", "x", "x", t0.Add(2*time.Hour))))
	late := entry("bbc", "x2", "x", t0.Add(time.Hour))
	late.StoryID = news.StoryID(news.ItemID("ap", "guid:x"))
	mustApply(t, db, batch("bbc", t0.Add(time.Minute), late))
	mustApply(t, db, batch("cnn", t0, entry("cnn", "y", "y", t0)))

	st, err := db.Story(ctx, late.StoryID)
	if err != nil {
		t.Fatal(err)
	}
	if got := storyShape([]news.Story{st}); !strings.HasSuffix(got, ":x2,x") {
		t.Errorf("members %s, want x2,x (publish order)", got)
	}
	if !st.Published.Equal(t0.Add(time.Hour)) || !st.Updated.Equal(t0.Add(time.Minute)) {
		t.Errorf("published %v, updated %v", st.Published, st.Updated)
	}
	if st.Members[0].CleanHTML != "<p>clean x2</p>" || st.Members[0].StoryID != st.ID {
		t.Errorf("member read back as %+v", st.Members[0])
	}
	for _, id := range []string{"s0000", "", "'; DROP TABLE stories; --"} {
		if _, err := db.Story(ctx, id); !errors.Is(err, ErrNotFound) || !errors.Is(err, news.ErrNotFound) {
			t.Errorf("Story(%q): %v, want ErrNotFound", id, err)
		}
	}
}

// TestStoriesCreated: the stories created in a span, each as it stood at
// the span's end (members first seen later are left out, and the story's
// updated time does not move with them), and FirstCreated.
func TestStoriesCreated(t *testing.T) {
	db, _ := newTestDB(t)
	ctx := context.Background()
	if first, err := db.FirstCreated(ctx); err != nil || !first.IsZero() {
		t.Fatalf("FirstCreated of an empty store: %v, %v", first, err)
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	next := day.Add(24 * time.Hour)
	mustApply(t, db, batch("ap", day.Add(-time.Second), entry("ap", "before", "before", day.Add(-time.Hour))))
	mustApply(t, db, batch("ap", day, entry("ap", "x", "x", day)))
	mustApply(t, db, batch("bbc", next.Add(-time.Nanosecond), entry("bbc", "y", "y", day.Add(time.Hour))))
	joiner := entry("npr", "x-late", "x", day.Add(2*time.Hour))
	joiner.StoryID = news.StoryID(news.ItemID("ap", "guid:x"))
	mustApply(t, db, batch("npr", next, joiner, entry("npr", "z", "z", next)))

	got, err := db.StoriesCreated(ctx, day, next)
	if err != nil {
		t.Fatal(err)
	}
	if guidsOf(got) != "y;x" {
		t.Errorf("stories of the day: %s, want y (created last) then x alone", storyShape(got))
	}
	for _, s := range got {
		if s.Members[0].GUID == "x" && !s.Updated.Equal(day) {
			t.Errorf("story x updated %v, want its last member's first seen %v", s.Updated, day)
		}
	}
	all, err := db.StoriesCreated(ctx, day, next.Add(time.Hour))
	if err != nil || guidsOf(all) != "z;y;x,x-late" {
		t.Errorf("a span past the joiner: %s, %v", storyShape(all), err)
	}
	first, err := db.FirstCreated(ctx)
	if err != nil || !first.Equal(day.Add(-time.Second)) {
		t.Errorf("FirstCreated = %v, %v; want %v", first, err, day.Add(-time.Second))
	}
}

// TestPagesQueryPlans: the story and day queries use the indexes.
func TestPagesQueryPlans(t *testing.T) {
	db, _ := newTestDB(t)
	for name, tc := range map[string]struct {
		sql  string
		want []string
	}{
		"story":   {storySQL, []string{"sqlite_autoindex_stories_1 (id=?)", "items_by_story (story_id=?)"}},
		"created": {createdSQL, []string{"stories_by_created (created>? AND created<?)", "items_by_story (story_id=?)"}},
	} {
		plan := queryPlan(t, db, tc.sql)
		if strings.Contains(plan, "SCAN items") || strings.Contains(plan, "SCAN i\n") || strings.Contains(plan, "SCAN stories") {
			t.Errorf("%s: plan scans a table:\n%s", name, plan)
		}
		for _, w := range tc.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan lacks %q:\n%s", name, w, plan)
			}
		}
	}
}

// guidsOf is storyShape without the story ids.
func guidsOf(ss []news.Story) string {
	var parts []string
	for _, s := range ss {
		var gs []string
		for _, m := range s.Members {
			gs = append(gs, m.GUID)
		}
		parts = append(parts, strings.Join(gs, ","))
	}
	return strings.Join(parts, ";")
}
