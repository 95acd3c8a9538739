package output

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// benchStories are 200 stories of 3 members each with bodies of a few
// paragraphs.
func benchStories() []news.Story {
	para := "<p>" + strings.Repeat("The council met late into the evening to weigh the harbour plan. ", 6) + `<a href="/more">more</a></p>`
	out := make([]news.Story, 200)
	for i := range out {
		at := base.Add(-time.Duration(i) * time.Minute)
		out[i] = story(fmt.Sprintf("s%04d", i), at,
			member("harbor-gazette", fmt.Sprintf("https://gazette.example/%d", i), fmt.Sprintf("Story number %d", i), strings.Repeat(para, 4), at),
			member("valley-courier", fmt.Sprintf("https://courier.example/%d", i), "Courier version", para, at),
			member("northern-wire", fmt.Sprintf("https://wire.example/%d", i), "Wire version", para, at))
	}
	return out
}

func BenchmarkRender(b *testing.B) {
	stories := benchStories()
	for _, f := range Formats {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, err := renderFormat(f, stories, sampleOptions()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUpdateUnchanged(b *testing.B) {
	s := NewServer(sampleOptions())
	defer s.Close()
	stories := benchStories()
	for b.Loop() {
		if _, err := update(s, stories, sampleFeeds()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServe(b *testing.B) {
	s := NewServer(sampleOptions())
	defer s.Close()
	if _, err := update(s, benchStories(), sampleFeeds()); err != nil {
		b.Fatal(err)
	}
	etag := get(s, "GET", "/feed.atom", "Accept-Encoding", "gzip").Header().Get("ETag")
	for _, c := range []struct{ name, inm string }{{"200-gzip", ""}, {"304", etag}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("GET", "/feed.atom", nil)
				r.Header.Set("Accept-Encoding", "gzip")
				if c.inm != "" {
					r.Header.Set("If-None-Match", c.inm)
				}
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != 200 && w.Code != 304 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
