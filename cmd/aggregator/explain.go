package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
)

// runExplain compares two items as dedupe does and prints the figures and
// the decision with its reason. An argument is the link of an item in the
// store, or a file: a feed (its first item is used) or an HTML or text
// article.
func runExplain(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "explain", "A B")
	var cf configFlags
	cf.register(fs, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errUsage
	}
	a, err := openApp(ctx, e, &cf)
	if err != nil {
		return err
	}
	defer a.close()
	var items [2]news.Item
	for i, arg := range fs.Args() {
		if items[i], err = a.lookupItem(ctx, arg, fmt.Sprintf("file-%c", 'A'+i)); err != nil {
			return err
		}
	}
	ex, err := a.pipe.Explain(ctx, items[0], items[1], settingsOf(a.cfg, nil).Dedupe)
	if err != nil {
		return err
	}
	for i, it := range items {
		fmt.Fprintf(e.stdout, "%c: %s — %q (%s)\n", 'A'+i, it.Feed, it.Title, it.Link)
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, ex.String())
	return nil
}

// lookupItem finds arg in the store by link, or reads it as a file.
func (a *app) lookupItem(ctx context.Context, arg, feed string) (news.Item, error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		it, err := a.store.ItemByLink(ctx, fetch.CanonicalURL(arg))
		if errors.Is(err, errNoItem) {
			return news.Item{}, fmt.Errorf("no item with link %s in the store %s: run a fetch first", arg, storeName(a.cfg.Store))
		}
		return it.Item, err
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return news.Item{}, err
	}
	items, err := fetch.Parse(bytes.NewReader(data), feed, "", 1, time.Now())
	if err == nil && len(items) > 0 {
		return items[0], nil
	}
	return news.Item{Feed: feed, Link: arg, Title: arg, Content: string(data), Published: time.Now()}, nil
}
