// Package eval scores a dedupe method on a labelled corpus of feeds the way
// the pipeline runs it: one poll of every feed, furniture learned per feed,
// then every new item added in publish order. It reads files; dedupe does
// not.
package eval

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// Corpus is a labelled corpus: the items of its feeds, in config order,
// and the story label of each item link. The zero value is empty.
type Corpus struct {
	Feeds  []string               // feed names in config order
	Items  map[string][]news.Item // feed name → its items
	Labels map[string]string      // Canon(link) → story id
}

type config struct {
	Feeds []struct {
		Name string `yaml:"name"`
		URL  string `yaml:"url"`
	} `yaml:"feeds"`
}

// Load reads a corpus directory: config.yaml (feed names and URLs, whose
// last path element names the file under feeds/), feeds/* parsed with
// fetch.Parse, and labels.json ({"labels": {link: story}}).
func Load(dir string) (*Corpus, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	var cfg config
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("load corpus %s: config.yaml: %w", dir, err)
	}
	c := &Corpus{Items: make(map[string][]news.Item)}
	// the fetch time: items dated after it (plus a skew) are clamped to it
	now := time.Now()
	for _, f := range cfg.Feeds {
		file := filepath.Join(dir, "feeds", path.Base(f.URL))
		fh, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		items, err := fetch.Parse(fh, f.Name, f.URL, 0, now)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("load corpus: parse %s: %w", file, err)
		}
		c.Feeds = append(c.Feeds, f.Name)
		c.Items[f.Name] = items
	}
	raw, err = os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	var lab struct {
		Labels map[string]string `json:"labels"`
	}
	if err := json.Unmarshal(raw, &lab); err != nil {
		return nil, fmt.Errorf("load corpus %s: labels.json: %w", dir, err)
	}
	c.Labels = make(map[string]string, len(lab.Labels))
	for k, v := range lab.Labels {
		c.Labels[Canon(k)] = v
	}
	return c, nil
}

// Canon reduces a link to scheme://host/path (query and fragment dropped,
// scheme and host lower-cased), as the labels are keyed.
func Canon(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return strings.TrimSpace(link)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.Path
}
