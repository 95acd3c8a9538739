package pipeline

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
)

// TestPublishFeed: the main feed alone, in the formats asked, is what
// Publish renders for it.
func TestPublishFeed(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0),
		item("agency", "a2", "Frost cuts apple harvest", orchard, t0.Add(time.Minute))}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Harbour board closes pier", harbour, t0.Add(10*time.Minute))}
	p := newPipeline(t, db, f, "agency", "outlet")
	p.set.Feeds[0].Tags = []string{"wire"}
	poll(t, p, false)
	opts := output.Options{Title: "T", Link: "http://127.0.0.1:8080/", MaxItems: 1}
	_, all, err := p.Publish(context.Background(), p.set, opts)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := p.PublishFeed(context.Background(), p.set, opts, "atom", "json")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Errorf("PublishFeed rendered %d documents, want 2", len(docs))
	}
	for _, path := range []string{"/feed.atom", "/feed.json"} {
		if d, ok := docs[path]; !ok || !bytes.Equal(d.Body, all[path].Body) {
			t.Errorf("%s: missing (%v) or not what Publish renders", path, ok)
		}
	}
}
