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

// TestPublishTrimsMembers: the stories published carry the text of their
// representative alone, and render to the same documents as the whole
// stories do.
func TestPublishTrimsMembers(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Harbour board closes pier", harbour, t0.Add(10*time.Minute))}
	p := newPipeline(t, db, f, "agency", "outlet")
	poll(t, p, false)
	opts := output.Options{Title: "T", Link: "http://127.0.0.1:8080/"}
	in, docs, err := p.Publish(context.Background(), p.set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Stories) != 1 || len(in.Stories[0].Members) != 2 {
		t.Fatalf("want one story of two members, got %v", shape(in.Stories))
	}
	rep, other := in.Stories[0].Members[0], in.Stories[0].Members[1]
	if rep.Content == "" || rep.CleanHTML == "" || other.Content != "" || other.CleanHTML != "" || other.Summary != "" {
		t.Errorf("representative text %d/%d bytes, other member's %d/%d/%d: want the representative's only",
			len(rep.Content), len(rep.CleanHTML), len(other.Content), len(other.CleanHTML), len(other.Summary))
	}
	whole, err := output.Render(output.Input{Stories: stories(t, p), Feeds: in.Feeds}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/feed.rss", "/feed.atom", "/feed.json", "/"} {
		if !bytes.Equal(docs[path].Body, whole[path].Body) {
			t.Errorf("%s rendered from the trimmed stories differs from the whole stories'", path)
		}
	}
}
