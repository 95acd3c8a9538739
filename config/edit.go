package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// AddFeeds appends feeds to the configuration file at path, keeping its
// comments, and returns the feeds it added. A feed whose URL is configured
// already is left out; a name already taken gets a numeric suffix. The new
// file is validated before it atomically replaces the old one, so a
// failure changes nothing.
func AddFeeds(path string, feeds []Feed) ([]Feed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	seq := feedsNode(root.Content[0])
	added := uniqueFeeds(cfg.Feeds, feeds)
	for _, f := range added {
		var n yaml.Node
		if err := n.Encode(f); err != nil {
			return nil, fmt.Errorf("config: encode feed %q: %w", f.Name, err)
		}
		seq.Content = append(seq.Content, &n)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if _, err := Parse(path, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("config: the file with the imported feeds would not be valid: %w", err)
	}
	return added, writeAtomic(path, buf.Bytes())
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

// uniqueFeeds returns the feeds whose URLs are not in have, with names
// made unique and free of spaces.
func uniqueFeeds(have, feeds []Feed) []Feed {
	urls := make(map[string]bool)
	names := make(map[string]bool)
	for _, f := range have {
		urls[f.URL] = true
		names[f.Name] = true
	}
	var out []Feed
	for _, f := range feeds {
		if f.URL == "" || urls[f.URL] {
			continue
		}
		urls[f.URL] = true
		base := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(f.Name), "-"), "-")
		if base == "" {
			base = "feed"
		}
		name := base
		for i := 2; names[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		names[name] = true
		out = append(out, Feed{Name: name, URL: f.URL, Tags: f.Tags})
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
