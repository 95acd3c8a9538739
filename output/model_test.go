package output

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// TestStoryUpdated: an entry's updated time is its newest member's updated
// (else published) time, not when the story was stored (issue 19 #3).
func TestStoryUpdated(t *testing.T) {
	stored := base.Add(24 * time.Hour) // the poll that stored the story
	withUpdated := func(m news.StoredItem, u time.Time) news.StoredItem { m.Updated = u; return m }
	tests := []struct {
		name    string
		members []news.StoredItem
		want    time.Time
	}{
		{"one member", []news.StoredItem{member("a", "", "x", "", base)}, base},
		{"the newest member", []news.StoredItem{
			member("a", "", "x", "", base), member("b", "", "y", "", base.Add(2*time.Hour)), member("c", "", "z", "", base.Add(time.Hour)),
		}, base.Add(2 * time.Hour)},
		{"a member updated later", []news.StoredItem{
			withUpdated(member("a", "", "x", "", base), base.Add(3*time.Hour)), member("b", "", "y", "", base.Add(time.Hour)),
		}, base.Add(3 * time.Hour)},
		{"an update time before the publish time", []news.StoredItem{
			withUpdated(member("a", "", "x", "", base.Add(time.Hour)), base),
		}, base.Add(time.Hour)},
		{"no member time", []news.StoredItem{member("a", "", "x", "", time.Time{})}, stored},
		{"sub-second, not UTC", []news.StoredItem{
			member("a", "", "x", "", base.Add(1500*time.Millisecond).In(time.FixedZone("X", 3600))),
		}, base.Add(time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := story("s", stored, tt.members...)
			got := newEntry(&st).Updated
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("updated = %v, want %v UTC", got, tt.want)
			}
		})
	}
}

// TestDistinctUpdatedTimes is the W3C validator's check "Two entries with
// the same value for atom:updated" (and its JSON Feed equivalent): stories
// of distinct items stored by one poll keep distinct updated times.
func TestDistinctUpdatedTimes(t *testing.T) {
	stored := base.Add(24 * time.Hour)
	var stories []news.Story
	for i := range 5 {
		stories = append(stories, story(string(rune('a'+i)), stored,
			member("wire", "https://wire.example/"+string(rune('a'+i)), "story", "", base.Add(time.Duration(i)*time.Minute))))
	}
	entries := newEntries(stories)
	render := func(format string) []byte {
		b, err := renderEntries(format, entries, newMeta(sampleOptions(), "feed", format, "", entries))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b := render("atom")
	var a atomFile
	decodeXML(t, b, &a)
	seen := map[string]bool{}
	for _, e := range a.Entries {
		if seen[e.Updated] {
			t.Errorf("two entries with the same atom:updated %s", e.Updated)
		}
		seen[e.Updated] = true
	}
	if len(seen) != len(stories) {
		t.Errorf("%d distinct atom:updated for %d entries", len(seen), len(stories))
	}
	b = render("json")
	var j struct {
		Items []struct {
			Published string `json:"date_published"`
			Modified  string `json:"date_modified"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	for i, it := range j.Items {
		if it.Modified != it.Published {
			t.Errorf("item %d: date_modified %s, want its only member's time %s", i, it.Modified, it.Published)
		}
	}
}
