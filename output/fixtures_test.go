package output

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirestory/aggregator/internal/htmlcheck"
	"github.com/wirestory/aggregator/news"
)

// base is the fixed clock of the fixtures.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func member(feed, link, title, clean string, published time.Time) news.StoredItem {
	return news.StoredItem{
		Item:      news.Item{Feed: feed, Link: link, Title: title, Content: "<p>" + title + "</p>", Published: published},
		CleanHTML: clean,
	}
}

func story(id string, updated time.Time, members ...news.StoredItem) news.Story {
	return news.Story{ID: id, Members: members, Published: members[0].Published, Updated: updated}
}

// sampleStories are three fictional stories, newest first: one reported by
// three outlets with relative links in its body, one whose cleaned body is
// empty, and one from a single outlet.
func sampleStories() []news.Story {
	return []news.Story{
		story("s-lighthouse", base.Add(50*time.Minute),
			member("harbor-gazette", "https://gazette.example/2026/03/lighthouse", "Old lighthouse relit after forty years",
				`<p>The keepers of <a href="/towns/saltmere">Saltmere</a> relit the lamp.</p><p><img src="img/lamp.jpg" alt="the lamp"> <a href="../archive?id=7#top">Archive</a> <a href="//cdn.example/map.html">Map</a></p>`,
				base.Add(10*time.Minute)),
			member("valley-courier", "https://courier.example/news/lighthouse-lit", "Saltmere lighthouse shines again", "<p>Courier text.</p>", base.Add(20*time.Minute)),
			member("northern-wire", "https://wire.example/a/123", "Lighthouse back in service", "<p>Wire text.</p>", base.Add(30*time.Minute)),
		),
		story("s-bridge", base.Add(5*time.Minute),
			member("valley-courier", "https://courier.example/news/bridge", "Footbridge reopens over the Wend", "", base.Add(5*time.Minute)),
		),
		story("s-market", base.Add(2*time.Minute),
			member("northern-wire", "https://wire.example/a/99", "Winter market doubles in size", "<p>Stalls &amp; more stalls.</p>", base),
			member("harbor-gazette", "https://gazette.example/2026/03/market", "Market grows", "<p>More.</p>", base.Add(time.Minute)),
		),
	}
}

// sampleTags tags the fixture feeds.
var sampleTags = map[string][]string{
	"harbor-gazette": {"coast", "local"},
	"valley-courier": {"local"},
	"northern-wire":  {"wire"},
}

func sampleOptions() Options {
	return Options{
		Title: "Merged News", Link: "http://127.0.0.1:8080/", Description: "Stories merged from several outlets",
		MaxAge: 15 * time.Minute,
	}
}

// input is what the publish step hands Render for stories and feeds: each
// tag of feedTags (feed → tags) gets the stories with a member from a feed
// that has it, as the store's query for the tag's feeds returns them.
func input(stories []news.Story, feeds []news.FeedState, feedTags map[string][]string) Input {
	in := Input{Stories: stories, Feeds: feeds}
	for _, tags := range feedTags {
		for _, tag := range tags {
			if in.Tags == nil {
				in.Tags = map[string][]news.Story{}
			}
			in.Tags[tag] = nil
		}
	}
	for tag := range in.Tags {
		for _, st := range stories {
			if slices.ContainsFunc(st.Members, func(m news.StoredItem) bool { return slices.Contains(feedTags[m.Feed], tag) }) {
				in.Tags[tag] = append(in.Tags[tag], st)
			}
		}
	}
	return in
}

// renderFormat renders the main feed of stories in format, as the fetch
// command writes it.
func renderFormat(format string, stories []news.Story, opts Options) ([]byte, error) {
	docs, err := Render(Input{Stories: stories}, opts)
	if err != nil {
		return nil, err
	}
	d, ok := docs["/feed."+format]
	if !ok {
		return nil, fmt.Errorf("render: unknown format %q", format)
	}
	return d.Body, nil
}

// update renders stories and feeds (tagged by sampleTags) with the
// server's options and swaps them in.
func update(s *Server, stories []news.Story, feeds []news.FeedState) (bool, error) {
	s.mu.Lock()
	opts := s.opts
	s.mu.Unlock()
	docs, err := Render(input(stories, feeds, sampleTags), opts)
	if err != nil {
		return false, err
	}
	return s.Update(docs), nil
}

// writeFiles renders stories and writes the main feed's files.
func writeFiles(files map[string]string, stories []news.Story, opts Options) error {
	docs, err := Render(Input{Stories: stories}, opts)
	if err != nil {
		return err
	}
	return WriteFiles(files, docs)
}

// sampleFeeds is feed health for the page.
func sampleFeeds() []news.FeedState {
	return []news.FeedState{
		{Name: "harbor-gazette", URL: "https://gazette.example/feed.xml", LastSuccess: base, LastStatus: 200, NextPoll: base.Add(15 * time.Minute), Interval: 17*time.Minute + 19*time.Second},
		{Name: "valley-courier", URL: "https://courier.example/rss", LastSuccess: base.Add(-time.Hour), LastStatus: 503, LastError: "fetch valley-courier: 503 Service Unavailable", Failures: 3, NextPoll: base.Add(time.Hour), Interval: 2*time.Hour + 29*time.Minute + 40*time.Second},
		{Name: "old-herald", URL: "https://herald.example/atom", LastStatus: 410, LastError: "gone", Gone: true},
	}
}

// hostileTitle is a headline holding markup, as text.
const hostileTitle = `<script>alert('title')</script>Breaking <img src=x onerror=alert(1)>news`

// hostileMarkup tries every way we know to get script into a reader.
const hostileMarkup = `<p>Hello</p><script>alert('s1')</script>
<img src="x" onerror="alert('s2')"><a href="javascript:alert('s3')">click</a>
<a href="java&#x09;script:alert('s4')">tab</a><a href=" JaVaScRiPt:alert('s5')">case</a>
<style>body{background:url(javascript:alert('s6'))}</style><p style="background:url(javascript:alert(1))">styled</p>
<iframe src="https://evil.example/"></iframe><form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(7)">go</button></form>
<svg><script>alert('s8')</script><a xlink:href="javascript:alert(9)">x</a></svg>
<object data="evil.swf"></object><embed src="evil.swf"><math><mi xlink:href="javascript:alert(10)">m</mi></math>
]]><script>alert('cdata')</script><![CDATA[ ]]> "><script>alert('attr')</script>
<img src="data:text/html;base64,PHNjcmlwdD4=" onload=alert(11)><a href="data:text/html,<script>alert(12)</script>">d</a>
<meta http-equiv="refresh" content="0;url=javascript:alert(13)"><base href="javascript:alert(14)//">
<div onclick="alert(15)" onmouseover=alert(16)>div</div></textarea><img src=x onerror=alert(17)//`

// hostileStory is a story whose every field is an attack.
func hostileStory() news.Story {
	rep := member(`"><script>alert('feed')</script>`, `javascript:alert('link')`, hostileTitle, hostileMarkup, base.Add(time.Hour))
	rep.Author = `<script>alert('author')</script>Ann`
	other := member(`]]><evil/>`, `https://ok.example/x" onmouseover="alert(1)`, `"><svg onload=alert(2)>`, "", base)
	bad := member("plain-feed", "data:text/html,<script>alert(3)</script>", "plain ]]> title", "", base)
	return story(`s-"><script>`, base.Add(2*time.Hour), rep, other, bad)
}

// checkSafeHTML fails when the HTML fragment could run script or style.
func checkSafeHTML(t *testing.T, where, fragment string) {
	t.Helper()
	for _, p := range htmlcheck.Fragment(fragment) {
		t.Errorf("%s: %s", where, p)
	}
}
