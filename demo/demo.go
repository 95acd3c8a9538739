package demo

import (
	"embed"
	"maps"
	"slices"
	"time"
)

// FS holds the demo feeds under feeds/, byte for byte as their servers
// would serve them: feeds/meridian-wire.xml and so on. It is read-only and
// safe for concurrent use; serve it with http.FileServerFS(FS), so that a
// feed is at /feeds/NAME.xml (or .json).
//
//go:embed feeds
var FS embed.FS

// Feed is one demo feed: its name, the path of its file in FS (such as
// "feeds/meridian-wire.xml"), tags as a reader would file the feed (whose
// copy it is, and the place an outlet covers), and whether it is a news
// agency's own wire (whose copy should represent a story).
type Feed struct {
	Name, File string
	Tags       []string
	Agency     bool
}

// Feeds lists the demo feeds in a fixed order: the two agencies' own
// wires, then the four outlets that reprint them. Each call returns a new
// slice that the caller may modify.
func Feeds() []Feed {
	return []Feed{
		{Name: "meridian-wire", File: "feeds/meridian-wire.xml", Tags: []string{"news-agencies"}, Agency: true},
		{Name: "coastline-news", File: "feeds/coastline-news.json", Tags: []string{"news-agencies"}, Agency: true},
		{Name: "harbour-gazette", File: "feeds/harbour-gazette.xml", Tags: []string{"newspapers", "port-ellis"}},
		{Name: "northstar-daily", File: "feeds/northstar-daily.xml", Tags: []string{"newspapers"}},
		{Name: "tidewater-times", File: "feeds/tidewater-times.xml", Tags: []string{"newspapers"}},
		{Name: "valley-courier", File: "feeds/valley-courier.xml", Tags: []string{"newspapers", "orlen-valley"}},
	}
}

// AsOf is the instant the demo feeds were captured: every item is dated in
// the five days before it (10 to 14 November 2026). A pipeline run on the
// demo needs a dedupe window that reaches back to then, or a clock set to
// it.
func AsOf() time.Time {
	return time.Date(2026, time.November, 14, 12, 0, 0, 0, time.UTC)
}

// Expected returns the story groups the demo should end up with: item link
// (scheme://host/path, without query or fragment) to story key. Items with
// the same key are one story; items with different keys must stay apart.
// Each call returns a new map.
func Expected() map[string]string {
	return maps.Clone(expected)
}

// StoryKeys returns the expected story keys, sorted.
func StoryKeys() []string {
	return slices.Compact(slices.Sorted(maps.Values(expected)))
}
