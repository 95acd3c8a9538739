package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/wirestory/aggregator/news"
)

// Skipped is a feed that AddFeeds left out, with the reason.
type Skipped struct {
	Feed   Feed
	Reason string
}

// AddFeeds appends feeds to the configuration file at path, keeping its
// comments, and returns the feeds it added and those it skipped, with the
// reason. Only http and https URLs with a host are added (an imported
// list is not trusted to name local files or other schemes); a feed whose
// URL is configured already, or listed earlier, is left out; a name
// already taken gets a numeric suffix; tags lose characters a name may
// not hold. The new file is validated before it atomically replaces the
// old one, so a failure changes nothing.
func AddFeeds(path string, feeds []Feed) (added []Feed, skipped []Skipped, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	var existing []Feed
	switch cfg, err := Parse(path, data); {
	case err == nil:
		existing = cfg.Feeds
	case !onlyNoFeeds(err):
		return nil, nil, err
	}
	// (a config without feeds yet is what import starts from; the file
	// with the feeds added is validated whole below)
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	seq := feedsNode(root.Content[0])
	added, skipped = uniqueFeeds(existing, feeds)
	for _, f := range added {
		var n yaml.Node
		if err := n.Encode(f); err != nil {
			return nil, nil, fmt.Errorf("config: encode feed %q: %w", f.Name, err)
		}
		seq.Content = append(seq.Content, &n)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	if _, err := Parse(path, buf.Bytes()); err != nil {
		return nil, nil, fmt.Errorf("config: the file with the imported feeds would not be valid: %w", err)
	}
	return added, skipped, writeAtomic(path, buf.Bytes())
}

// feedsNode returns the feeds sequence of the document, adding one.
func feedsNode(doc *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "feeds" {
			n := doc.Content[i+1]
			if n.Kind != yaml.SequenceNode {
				*n = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			}
			return n
		}
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "feeds"}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	doc.Content = append(doc.Content, key, seq)
	return seq
}

var unsafeName = regexp.MustCompile(`[^\p{L}\p{N}._-]+`)

// uniqueFeeds returns the feeds to add (http(s) URLs with a host, not in
// have nor earlier in feeds), with names made unique and free of spaces,
// and the others with the reason each was skipped.
func uniqueFeeds(have, feeds []Feed) (added []Feed, skipped []Skipped) {
	urls := make(map[string]string) // urlKey to the name of its feed
	names := make(map[string]bool)
	for _, f := range have {
		urls[urlKey(f.URL)] = f.Name
		names[f.Name] = true
	}
	for _, f := range feeds {
		if reason := importable(f.URL); reason != "" {
			skipped = append(skipped, Skipped{Feed: f, Reason: reason})
			continue
		}
		k := urlKey(f.URL)
		if name, dup := urls[k]; dup {
			skipped = append(skipped, Skipped{Feed: f, Reason: fmt.Sprintf("same URL as feed %q", name)})
			continue
		}
		base := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(f.Name), "-"), "-")
		if base == "" {
			base = "feed"
		}
		name := base
		for i := 2; names[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		names[name], urls[k] = true, name
		added = append(added, Feed{Name: name, URL: f.URL, Tags: cleanTags(f.Tags)})
	}
	return added, skipped
}

// importable returns why an imported URL cannot be a feed, or "".
func importable(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case strings.TrimSpace(raw) == "":
		return "no URL"
	case err != nil:
		return "not a valid URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "not an http(s) URL"
	case u.Host == "":
		return "URL without a host"
	}
	return ""
}

// cleanTags drops from tags the characters a tag may not hold (see
// checkName), and the tags left empty.
func cleanTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = strings.TrimSpace(strings.Map(func(r rune) rune {
			if !unicode.IsPrint(r) || news.IsBidiControl(r) || r == '<' || r == '>' {
				return -1
			}
			return r
		}, t))
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// writeAtomic replaces path with data: a temporary file in the same
// directory, synced, then renamed over it, keeping the file's mode. A
// symbolic link is followed: the file it names is replaced, the link
// stays.
func writeAtomic(path string, data []byte) error {
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("config: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("config: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// onlyNoFeeds reports whether err says only that the config lists no
// feed.
func onlyNoFeeds(err error) bool {
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		return false
	}
	return es[0].Key == "feeds" && strings.Contains(es[0].Msg, "at least one feed")
}
