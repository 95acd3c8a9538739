package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// The benchmarks below run on any store, so that both are measured by one
// code: store/bench_test.go's items (a 3 KB HTML body, a 600-byte record),
// in batches of 50 items of one feed, 20 batches to an Ingest.

// Sizes of a realistic item: a wire story's HTML body and the dedupe record.
const (
	htmlBytes   = 3 << 10
	recordBytes = 600
	batchItems  = 50
	group       = 20
)

var paragraph = "<p>The minister said on Tuesday that the talks, which began in " +
	"Geneva last week, would resume after a pause requested by both delegations. " +
	"Officials declined to comment on the draft text.</p>\n"

// realisticEntry builds an item of feed with a 3 KB HTML body, a 600-byte
// record and prepared bytes of the same size; its story is the one it
// founds.
func realisticEntry(feed, guid string, published time.Time) news.Entry {
	body := strings.Repeat(paragraph, htmlBytes/len(paragraph)+1)[:htmlBytes]
	it := news.Item{
		Feed:          feed,
		GUID:          "urn:" + feed + ":" + guid,
		Link:          "https://" + feed + ".example/world/2025/" + guid + "?utm_source=rss&utm_medium=feed",
		CanonicalLink: "https://" + feed + ".example/world/2025/" + guid,
		Title:         "Talks on the ceasefire resume in Geneva after a week's pause " + guid,
		Content:       body,
		Summary:       body[:300],
		Author:        "Staff reporter",
		Categories:    []string{"World", "Europe", "Diplomacy"},
		Published:     published,
	}
	id := news.ItemID(feed, it.Key())
	rec := make([]byte, recordBytes)
	r := rand.New(rand.NewPCG(uint64(len(guid)), uint64(published.UnixNano())))
	for i := range rec {
		rec[i] = byte(r.Uint32())
	}
	return news.Entry{
		StoredItem: news.StoredItem{Item: it, ID: id, StoryID: news.StoryID(id), CleanHTML: body[:htmlBytes*4/5]},
		Record:     rec,
		Prepared:   rec,
	}
}

// firstPollBatch is the first poll of feed n: 50 new items, queued.
func firstPollBatch(n int) news.Batch {
	feed := fmt.Sprintf("first%05d", n)
	now := t0.Add(time.Duration(n) * time.Second)
	items := make([]news.Entry, batchItems)
	for i := range items {
		items[i] = realisticEntry(feed, fmt.Sprintf("b%d-i%d", n, i), now.Add(-time.Duration(i)*time.Minute))
	}
	return batch(feed, now, items...)
}

// CPU returns the CPU time used so far by what a benchmark measures: the
// process, plus the database server's processes for a server.
type CPU func(b *testing.B) time.Duration

// ProcessCPU returns the user and system CPU time the process has used.
func ProcessCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// meter adds up the wall and CPU time of the measured sections.
type meter struct {
	cpu        CPU
	wall, used time.Duration
	items      int
}

func (m *meter) measure(b *testing.B, items int, fn func()) {
	start, c0 := time.Now(), m.cpu(b)
	fn()
	m.wall += time.Since(start)
	m.used += m.cpu(b) - c0
	m.items += items
}

func (m *meter) report(b *testing.B) {
	b.ReportMetric(float64(m.items)/m.wall.Seconds(), "items/s")
	b.ReportMetric(float64(m.used.Microseconds())/float64(m.items), "cpu-µs/item")
}

// BenchIngestFirstPoll measures ingesting first polls: each iteration
// writes 20 new feeds' batches of 50 new items with one Ingest (1,000
// items). Building the batches is not measured.
func BenchIngestFirstPoll(b *testing.B, s pipeline.Store, cpu CPU) {
	ctx := context.Background()
	m := meter{cpu: cpu}
	n := 0
	for b.Loop() {
		bs := make([]news.Batch, group)
		for i := range bs {
			bs[i] = firstPollBatch(n)
			n++
		}
		m.measure(b, group*batchItems, func() {
			if err := errors.Join(s.Ingest(ctx, bs)...); err != nil {
				b.Fatal(err)
			}
		})
	}
	m.report(b)
}

// BenchPlace measures the place stage: each iteration ingests 1,000 new
// items (not measured), then takes them from the inbox (Unplaced) and
// records their placements (Place) as the placer does; every third item
// joins the story of an item placed before it, the others stay.
func BenchPlace(b *testing.B, s pipeline.Store, cpu CPU) {
	ctx := context.Background()
	m := meter{cpu: cpu}
	n := 0
	for b.Loop() {
		bs := make([]news.Batch, group)
		for i := range bs {
			bs[i] = firstPollBatch(n)
			n++
		}
		if err := errors.Join(s.Ingest(ctx, bs)...); err != nil {
			b.Fatal(err)
		}
		m.measure(b, group*batchItems, func() {
			us, err := s.Unplaced(ctx, news.InboxKey{}, group*batchItems)
			if err != nil || len(us) != group*batchItems {
				b.Fatalf("Unplaced: %d items, %v", len(us), err)
			}
			ps := make([]news.Placement, len(us))
			for i, u := range us {
				ps[i] = news.Placement{ID: u.ID, StoryID: u.StoryID}
				if i%3 == 2 {
					ps[i].StoryID = ps[i-2].StoryID
				}
			}
			if err := s.Place(ctx, ps, t0); err != nil {
				b.Fatal(err)
			}
		})
	}
	m.report(b)
}
