package baseline

import (
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/news"
)

// adder is the calls the baselines share with dedupe.Index.
type adder interface {
	Add(id string, doc news.Item, newStoryID string) dedupe.Decision
}

// TestBaselinesGroupCopies: each baseline puts a copy of a story with the
// story and a different story apart, so their figures in the bench
// measure a working method.
func TestBaselinesGroupCopies(t *testing.T) {
	story := strings.Repeat("The harbour board of Lindqvist voted on Monday to close the old eastern pier to freight. ", 3)
	other := strings.Repeat("Growers in the Tamsin valley expect the smallest apple harvest in two decades this year. ", 3)
	t0 := time.Date(2031, 3, 4, 10, 0, 0, 0, time.UTC)
	item := func(title, body string, min int) news.Item {
		return news.Item{Title: title, Content: "<p>" + body + "</p>", Published: t0.Add(time.Duration(min) * time.Minute)}
	}
	for name, m := range map[string]adder{"body jaccard": NewBodyJaccard(), "minhash": NewMinHash(), "title": NewTitle()} {
		a := m.Add("a", item("Harbour board closes eastern pier", story, 0), "s-a")
		b := m.Add("b", item("Harbour board closes the eastern pier", story, 5), "s-b")
		c := m.Add("c", item("Frost cuts the apple harvest", other, 10), "s-c")
		if !a.New || b.StoryID != "s-a" || c.StoryID != "s-c" {
			t.Errorf("%s: stories %s %s %s, want s-a s-a s-c", name, a.StoryID, b.StoryID, c.StoryID)
		}
	}
}
