package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Sizes of a realistic item: a wire story's HTML body and the dedupe record.
const (
	htmlBytes   = 3 << 10
	recordBytes = 600
)

var paragraph = "<p>The minister said on Tuesday that the talks, which began in " +
	"Geneva last week, would resume after a pause requested by both delegations. " +
	"Officials declined to comment on the draft text.</p>\n"

// realisticEntry builds an item of feed with a 3 KB HTML body and a 600-byte
// record; its story is the one it founds.
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
		StoredItem: news.StoredItem{
			Item:      it,
			ID:        id,
			StoryID:   news.StoryID(id),
			CleanHTML: body[:htmlBytes*4/5],
		},
		Record: rec,
	}
}

// benchBatch is batch n of 50 new items of one of 20 feeds; every third
// item joins the story of an item of the previous batch.
func benchBatch(n int) news.Batch {
	const size = 50
	feed := fmt.Sprintf("feed%02d", n%20)
	now := t0.Add(time.Duration(n) * time.Second)
	items := make([]news.Entry, size)
	for i := range items {
		items[i] = realisticEntry(feed, fmt.Sprintf("b%d-i%d", n, i), now.Add(-time.Duration(i)*time.Minute))
	}
	if n > 0 {
		prev := realisticEntry(fmt.Sprintf("feed%02d", (n-1)%20), fmt.Sprintf("b%d-i%d", n-1, 0), now)
		for i := 0; i < size; i += 3 {
			items[i].StoryID = prev.StoryID
		}
	}
	return batch(feed, now, items...)
}

// BenchmarkApply measures ingesting polls of 50 new realistic items, 20
// feeds in turn: each poll also marks the feed's previous 50 items as no
// longer carried.
func BenchmarkApply(b *testing.B) {
	benchApply(b, benchBatch, 1)
}

// BenchmarkApplyFirstPoll measures a first poll: every batch is another
// feed's first, 50 new items (-benchtime 1000x is 1,000 feeds, 50,000
// items).
func BenchmarkApplyFirstPoll(b *testing.B) {
	benchApply(b, firstPollBatch, 1)
}

// BenchmarkIngest is BenchmarkApply with the batches of 20 feeds (1,000
// items) written by one Ingest.
func BenchmarkIngest(b *testing.B) {
	benchApply(b, benchBatch, 20)
}

// BenchmarkIngestFirstPoll is BenchmarkApplyFirstPoll with the batches of
// 20 feeds written by one Ingest.
func BenchmarkIngestFirstPoll(b *testing.B) {
	benchApply(b, firstPollBatch, 20)
}

// firstPollBatch is benchBatch n with a feed of its own.
func firstPollBatch(n int) news.Batch {
	bt := benchBatch(n)
	feed := fmt.Sprintf("first%04d", n)
	bt.State.Name = feed
	for i := range bt.Items {
		bt.Items[i].Feed = feed
	}
	return bt
}

// benchApply writes the batches build returns for 0, 1, 2, ..., one per
// iteration: with Apply when group is 1, else group at a time with
// Ingest (group divides 200). It reports items per second of wall time
// and CPU microseconds per item (CPU time counts every thread, the
// kernel's work for the process included); building the batches is not
// counted in either.
func benchApply(b *testing.B, build func(n int) news.Batch, group int) {
	db := openTest(b, filepath.Join(b.TempDir(), "bench.db"))
	ctx := context.Background()
	const pre = 200 // batches built ahead, so that building is not timed
	batches := make([]news.Batch, pre)
	n, items := 0, 0
	start, cpu0 := time.Now(), cpuTime(b)
	var building, buildingCPU time.Duration
	for b.Loop() {
		if n%pre == 0 {
			t, c := time.Now(), cpuTime(b)
			for i := range batches {
				batches[i] = build(n + i)
			}
			building += time.Since(t)
			buildingCPU += cpuTime(b) - c
		}
		n++
		if n%group != 0 {
			continue
		}
		bs := batches[(n-group)%pre : (n-1)%pre+1]
		if group == 1 {
			if err := db.Apply(ctx, bs[0]); err != nil {
				b.Fatal(err)
			}
		} else if err := errors.Join(db.Ingest(ctx, bs)...); err != nil {
			b.Fatal(err)
		}
		for _, bt := range bs {
			items += len(bt.Items)
		}
	}
	cpu := cpuTime(b) - cpu0 - buildingCPU
	b.ReportMetric(float64(items)/(time.Since(start)-building).Seconds(), "items/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(items), "cpu-µs/item")
}

// BenchmarkWindow100k measures rebuilding a dedupe window of 100,000 items
// from a database holding them with realistic bodies.
func BenchmarkWindow100k(b *testing.B) {
	const total = 100_000
	db := openTest(b, filepath.Join(b.TempDir(), "window.db"))
	ctx := context.Background()
	for n := range total / 50 {
		if err := db.Apply(ctx, benchBatch(n)); err != nil {
			b.Fatal(err)
		}
	}
	var elapsed time.Duration
	rebuilds := 0
	cpu0 := cpuTime(b)
	for b.Loop() {
		start := time.Now()
		count, bytes := 0, 0
		err := db.Window(ctx, time.Time{}, func(w news.WindowItem) error {
			count++
			bytes += len(w.Record)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if count != total || bytes != total*recordBytes {
			b.Fatalf("window of %d items, %d record bytes", count, bytes)
		}
		elapsed += time.Since(start)
		rebuilds++
	}
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(rebuilds), "ms/rebuild")
	// CPU time (user+system, all threads) is steadier than wall time on a
	// shared machine.
	b.ReportMetric(float64(cpu.Milliseconds())/float64(rebuilds), "cpu-ms/rebuild")
}

// BenchmarkStories measures listing the 200 newest stories with all their
// members, as the daemon does after every poll, from 50,000 items.
func BenchmarkStories(b *testing.B) {
	db := openTest(b, filepath.Join(b.TempDir(), "stories.db"))
	ctx := context.Background()
	for n := range 1000 {
		if err := db.Apply(ctx, benchBatch(n)); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := cpuTime(b)
	lists := 0
	for b.Loop() {
		ss, err := db.Stories(ctx, news.StoryQuery{Limit: 200})
		if err != nil {
			b.Fatal(err)
		}
		if len(ss) != 200 {
			b.Fatalf("%d stories, want 200", len(ss))
		}
		lists++
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(lists), "cpu-µs/list")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
