package output

import (
	"bytes"
	"maps"
	"slices"
	"testing"
)

// TestRenderFeed: RenderFeed renders the main feed in the formats asked,
// the same bytes as Render's, and nothing else.
func TestRenderFeed(t *testing.T) {
	opts := sampleOptions()
	in := input(sampleStories(), sampleFeeds(), sampleTags)
	all, err := Render(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, formats := range [][]string{{"rss"}, {"atom", "json"}, Formats} {
		docs, err := RenderFeed(in, opts, formats...)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range formats {
			want = append(want, "/feed."+f)
		}
		if got := slices.Sorted(maps.Keys(docs)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("RenderFeed(%v) rendered %v, want %v", formats, got, want)
		}
		for path, d := range docs {
			if !bytes.Equal(d.Body, all[path].Body) || d.ContentType != all[path].ContentType || d.Self != all[path].Self {
				t.Errorf("RenderFeed(%v): %s differs from Render's", formats, path)
			}
		}
	}
	if _, err := RenderFeed(in, opts, "html"); err == nil {
		t.Error("RenderFeed accepted the format html")
	}
}
