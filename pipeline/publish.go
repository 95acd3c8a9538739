package pipeline

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
)

// Publish renders what the store holds now for the feeds of s: the newest
// stories (opts.MaxItems of them), each tag's newest stories (read for the
// tag's feeds, so a tag never costs more than its own stories) and the
// feeds' health, in every format. The stories of the Input returned carry
// the text of their representative (Members[0]) only. The server swaps the
// documents in and the file writer writes them: serve, fetch and the bench
// publish through this one step. It only reads the store.
func (p *Pipeline) Publish(ctx context.Context, s *Settings, opts output.Options) (output.Input, output.Docs, error) {
	var in output.Input
	var err error
	if in.Stories, err = p.published(ctx, news.StoryQuery{Limit: opts.MaxItems}, s.Priority); err != nil {
		return in, nil, fmt.Errorf("publish: %w", err)
	}
	tags := feedsByTag(s.Feeds)
	in.Tags = make(map[string][]news.Story, len(tags))
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		if in.Tags[t], err = p.published(ctx, news.StoryQuery{Limit: opts.MaxItems, Feeds: tags[t]}, s.Priority); err != nil {
			return in, nil, fmt.Errorf("publish tag %s: %w", t, err)
		}
	}
	if opts.Archives {
		if in.PrevArchive, err = p.newestArchive(ctx, p.now()); err != nil {
			return in, nil, fmt.Errorf("publish: %w", err)
		}
	}
	states, err := p.store.FeedStates(ctx)
	if err != nil {
		return in, nil, fmt.Errorf("publish: %w", err)
	}
	in.Feeds = make([]news.FeedState, len(s.Feeds))
	for i, f := range s.Feeds {
		if st, ok := states[f.Name]; ok {
			in.Feeds[i] = st
		} else {
			in.Feeds[i] = news.FeedState{Name: f.Name, URL: f.URL}
		}
	}
	docs, err := output.Render(in, opts)
	if err != nil {
		return in, nil, fmt.Errorf("publish: %w", err)
	}
	return in, docs, nil
}

// PublishFeed renders only the main feed, in each of formats: the newest
// stories (opts.MaxItems of them), as Publish renders them, without the
// tag feeds, the page and the other formats. A one-shot fetch, which
// writes one or two files, publishes through it. It only reads the store.
func (p *Pipeline) PublishFeed(ctx context.Context, s *Settings, opts output.Options, formats ...string) (output.Docs, error) {
	stories, err := p.published(ctx, news.StoryQuery{Limit: opts.MaxItems}, s.Priority)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	docs, err := output.RenderFeed(output.Input{Stories: stories}, opts, formats...)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return docs, nil
}

// storyStreamer is a Store that hands over the stories of a query one at
// a time (store.DB.EachStory).
type storyStreamer interface {
	EachStory(ctx context.Context, q news.StoryQuery, fn func(news.Story) error) error
}

// published returns the stories of q as Stories does, but with the text
// (content, summary, cleaned body) of the representative alone: the others
// are only listed as sources, and the published documents are built from
// the representative's text. From a store that streams stories, each is
// trimmed as it is read, so the texts of all the members of all the
// stories are never held at once.
func (p *Pipeline) published(ctx context.Context, q news.StoryQuery, priority []string) ([]news.Story, error) {
	trim := func(st *news.Story) {
		represent(st, priority)
		for i := 1; i < len(st.Members); i++ {
			m := &st.Members[i]
			m.Content, m.Summary, m.CleanHTML = "", "", ""
		}
	}
	ss, ok := p.store.(storyStreamer)
	if !ok {
		stories, err := p.store.Stories(ctx, q)
		for i := range stories {
			trim(&stories[i])
		}
		return stories, err
	}
	var out []news.Story
	err := ss.EachStory(ctx, q, func(st news.Story) error {
		trim(&st)
		out = append(out, st)
		return nil
	})
	return out, err
}

// feedsByTag maps each tag to the names of the feeds that have it.
func feedsByTag(feeds []news.Feed) map[string][]string {
	out := make(map[string][]string)
	for _, f := range feeds {
		for _, t := range f.Tags {
			if t != "" && !slices.Contains(out[t], f.Name) {
				out[t] = append(out[t], f.Name)
			}
		}
	}
	return out
}
