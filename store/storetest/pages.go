package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// testPages: Story returns one story with every member in publish order
// and not-found for an unknown id; StoriesCreated returns the stories
// created in a span as they stood at its end (members first seen later
// left out); FirstCreated is the oldest story's creation.
func testPages(t *testing.T, s Store) {
	ctx := context.Background()
	if first, err := s.FirstCreated(ctx); err != nil || !first.IsZero() {
		t.Fatalf("FirstCreated of an empty store = %v, %v", first, err)
	}
	x := entry("ap", "x", "x", t0.Add(time.Hour))
	apply(t, s, batch("ap", t0, x))
	late := entry("bbc", "x2", "x", t0) // joins x a day later
	late.StoryID = x.StoryID
	apply(t, s, batch("bbc", t0.Add(24*time.Hour), late))
	y := entry("cnn", "y", "y", t0.Add(30*time.Hour))
	apply(t, s, batch("cnn", t0.Add(25*time.Hour), y))

	st, err := s.Story(ctx, x.StoryID)
	if err != nil || len(st.Members) != 2 || st.Members[0].ID != late.ID || st.Members[1].ID != x.ID {
		t.Fatalf("Story(x) = %s, %v", storyShape([]news.Story{st}), err)
	}
	if _, err := s.Story(ctx, "no such story"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Story of an unknown id = %v, want news.ErrNotFound", err)
	}
	day := func(from time.Time) []news.Story {
		t.Helper()
		ss, err := s.StoriesCreated(ctx, from, from.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	first := day(t0)
	if len(first) != 1 || first[0].ID != x.StoryID || len(first[0].Members) != 1 || !first[0].Updated.Equal(t0) {
		t.Errorf("stories created on the first day = %s (updated %v), want x as it stood then", storyShape(first), first)
	}
	if second := day(t0.Add(24 * time.Hour)); len(second) != 1 || second[0].ID != y.StoryID {
		t.Errorf("stories created on the second day = %s, want y", storyShape(second))
	}
	if got, err := s.FirstCreated(ctx); err != nil || !got.Equal(t0) {
		t.Errorf("FirstCreated = %v, %v, want %v", got, err, t0)
	}
}
