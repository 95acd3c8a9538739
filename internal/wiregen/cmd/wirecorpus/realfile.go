package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wirestory/aggregator/news"
)

var xmlEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// writeReal writes the corpus with the added items: every feed as RSS 2.0
// (its own items as parsed, then the added ones), labels.json and
// config.yaml.
func writeReal(out string, rc *realCorpus, added map[string][]news.Item, labels map[string]string, title string) error {
	if err := os.MkdirAll(filepath.Join(out, "feeds"), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "# Evaluation config: serve feeds/ on http://127.0.0.1:8765, then run a one-shot fetch.\n")
	fmt.Fprintf(&cfg, "store: eval.db\ndedupe:\n  window: 87600h\noutput:\n  title: %q\n  link: http://127.0.0.1:8765/\n  max_items: 0\nfeeds:\n", title+" with write-throughs")
	for _, f := range rc.c.Feeds {
		items := append(slices.Clone(rc.c.Items[f]), added[f]...)
		file := f + ".xml"
		if err := os.WriteFile(filepath.Join(out, "feeds", file), rssOf(f, items), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(&cfg, "  - name: %s\n    url: http://127.0.0.1:8765/feeds/%s\n", f, file)
	}
	b, err := json.MarshalIndent(struct {
		Items  int               `json:"items"`
		Labels map[string]string `json:"labels"`
	}{len(labels), labels}, "", " ")
	if err != nil {
		return fmt.Errorf("write %s: labels: %w", out, err)
	}
	if err := os.WriteFile(filepath.Join(out, "labels.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.WriteFile(filepath.Join(out, "config.yaml"), []byte(cfg.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// rssOf renders items as an RSS 2.0 feed with content:encoded.
func rssOf(name string, items []news.Item) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>%s</title><link>https://%s/</link><description>%s</description>`+"\n",
		xmlEsc.Replace(name), xmlEsc.Replace(name), xmlEsc.Replace(name))
	for _, it := range items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link>", xmlEsc.Replace(it.Title), xmlEsc.Replace(it.Link))
		if it.GUID != "" {
			fmt.Fprintf(&b, "<guid>%s</guid>", xmlEsc.Replace(it.GUID))
		}
		fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.Published.Format(time.RFC1123Z))
		if it.Summary != "" {
			fmt.Fprintf(&b, "<description>%s</description>", xmlEsc.Replace(it.Summary))
		}
		if it.Content != "" {
			fmt.Fprintf(&b, "<content:encoded>%s</content:encoded>", xmlEsc.Replace(it.Content))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}
