package output

import (
	"strings"
	"testing"
)

// TestLinksUnderServicePath: with output.link naming a path without a
// trailing slash (https://news.example.org/world), the links the outputs
// give of the service's own documents stay under that path, as with the
// slash; resolving against the URL as written dropped "world".
func TestLinksUnderServicePath(t *testing.T) {
	for _, link := range []string{"https://news.example.org/world", "https://news.example.org/world/"} {
		opts := sampleOptions()
		opts.Link, opts.StoryPages = link, true
		docs, err := Render(input(sampleStories(), nil, sampleTags), opts)
		if err != nil {
			t.Fatal(err)
		}
		const story = `https://news.example.org/world/stories/s-lighthouse`
		for path, want := range map[string]string{
			"/feed.atom#self":       `<link href="https://news.example.org/world/feed.atom" rel="self"`,
			"/feed.rss#self":        `<atom:link href="https://news.example.org/world/feed.rss" rel="self"`,
			"/feed.json#self":       `"feed_url":"https://news.example.org/world/feed.json"`,
			"/tags/coast.atom#self": `<link href="https://news.example.org/world/tags/coast.atom" rel="self"`,
			"/feed.atom":            `<link href="` + story + `" rel="related"`,
			"/feed.rss":             `<atom:link href="` + story + `" rel="related"`,
			"/feed.json":            `"story":"` + story + `"`,
		} {
			doc, _, _ := strings.Cut(path, "#")
			if body := string(docs[doc].Body); !strings.Contains(body, want) {
				t.Errorf("link %s: %s lacks %s", link, path, want)
			}
		}
	}
}
