package output

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// fingerprint identifies everything a rendering depends on: every exported
// field of the stories and feed states (so that no field can be forgotten)
// and the options that reach the output. Equal fingerprints give equal
// documents, which lets Update skip rendering unchanged input.
func fingerprint(stories []news.Story, states []news.FeedState, opts Options) ([sha256.Size]byte, error) {
	in := struct {
		Stories                  []news.Story
		States                   []news.FeedState
		Title, Link, Description string
		MaxItems                 int
		FeedTags                 map[string][]string // encoding/json sorts map keys
		MaxAge                   time.Duration
		WebSubHub                string
		ShowFeedURLs             bool
		SecretParams             []string
	}{stories, states, opts.Title, opts.Link, opts.Description, opts.MaxItems, opts.FeedTags, opts.MaxAge, opts.WebSubHub,
		opts.ShowFeedURLs, opts.SecretParams}
	b, err := json.Marshal(in)
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("fingerprint: %w", err)
	}
	return sha256.Sum256(b), nil
}
