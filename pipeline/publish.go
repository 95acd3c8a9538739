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
// feeds' health, in every format. The server swaps the documents in and
// the file writer writes them: serve, fetch and the bench publish through
// this one step. It only reads the store.
func (p *Pipeline) Publish(ctx context.Context, s *Settings, opts output.Options) (output.Input, output.Docs, error) {
	var in output.Input
	var err error
	if in.Stories, err = p.Stories(ctx, news.StoryQuery{Limit: opts.MaxItems}, s.Priority); err != nil {
		return in, nil, fmt.Errorf("publish: %w", err)
	}
	tags := feedsByTag(s.Feeds)
	in.Tags = make(map[string][]news.Story, len(tags))
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		if in.Tags[t], err = p.Stories(ctx, news.StoryQuery{Limit: opts.MaxItems, Feeds: tags[t]}, s.Priority); err != nil {
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
	stories, err := p.Stories(ctx, news.StoryQuery{Limit: opts.MaxItems}, s.Priority)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	docs, err := output.RenderFeed(output.Input{Stories: stories}, opts, formats...)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return docs, nil
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
