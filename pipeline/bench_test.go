package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

// benchVocab is a fictional vocabulary of syllable words.
func benchVocab(r *rand.Rand, n int) []string {
	syl := []string{"ba", "ko", "ri", "tan", "vel", "mo", "zu", "pri", "dax", "lo", "ne", "shi", "gar", "fo", "tes", "qui"}
	v := make([]string, n)
	for i := range v {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		v[i] = b.String()
	}
	return v
}

// benchArticle returns ~3 KB of fictional HTML paragraphs.
func benchArticle(r *rand.Rand, vocab []string) []string {
	var paras []string
	for n := 0; n < 3000; {
		var b strings.Builder
		for w := range 40 + r.IntN(20) {
			if w > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[r.IntN(len(vocab))])
		}
		b.WriteString(" said.")
		paras = append(paras, b.String())
		n += b.Len() + 7
	}
	return paras
}

// benchFeeds returns feeds items of 3 KB each per feed; 40% of them are
// copies of a wire story carried by about four feeds (some truncated to
// a summary), the rest unique.
func benchFeeds(feeds, perFeed int) map[string][]news.Item {
	r := rand.New(rand.NewPCG(7, 8))
	vocab := benchVocab(r, 20000)
	wire := make([][]string, max(1, feeds*perFeed*4/10/4))
	for i := range wire {
		wire[i] = benchArticle(r, vocab)
	}
	at := time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)
	out := make(map[string][]news.Item, feeds)
	for f := range feeds {
		name := fmt.Sprintf("feed%05d", f)
		items := make([]news.Item, perFeed)
		for j := range items {
			paras := benchArticle(r, vocab)
			if r.IntN(10) < 4 {
				paras = wire[r.IntN(len(wire))]
				if r.IntN(5) == 0 {
					paras = paras[:2]
				}
			}
			guid := fmt.Sprintf("g%d", j)
			items[j] = item(name, guid, fmt.Sprintf("Headline %d of %s", j, name), paras, at.Add(time.Duration(r.IntN(24*60))*time.Minute))
			items[j].Content += "<p>Follow " + name + " for more. Share this article.</p>"
		}
		out[name] = items
	}
	return out
}

// benchFetcher serves canned items, or 304s when unchanged is set.
type benchFetcher struct {
	items     map[string][]news.Item
	unchanged bool
}

func (f *benchFetcher) Begin(st news.FeedState, now time.Time) news.FeedState {
	st.LastAttempt = now
	return st
}

func (f *benchFetcher) Fetch(_ context.Context, st news.FeedState, now time.Time) fetch.Result {
	st.LastSuccess, st.LastStatus, st.NextPoll = now, 200, now
	if f.unchanged {
		st.LastStatus = 304
		return fetch.Result{State: st, NotModified: true}
	}
	return fetch.Result{State: st, Items: append([]news.Item(nil), f.items[st.Name]...)}
}

var benchCache = struct {
	sync.Mutex
	m map[int]map[string][]news.Item
}{m: map[int]map[string][]news.Item{}}

func benchSetup(b *testing.B, feeds int) (*benchFetcher, *Settings) {
	benchCache.Lock()
	items, ok := benchCache.m[feeds]
	if !ok {
		items = benchFeeds(feeds, 50)
		benchCache.m[feeds] = items
	}
	benchCache.Unlock()
	f := &benchFetcher{items: items}
	s := &Settings{Window: 72 * time.Hour, Fetcher: f}
	for i := range feeds {
		name := fmt.Sprintf("feed%05d", i)
		s.Feeds = append(s.Feeds, news.Feed{Name: name, URL: "https://" + name + ".example/rss"})
	}
	return f, s
}

func benchPipeline(b *testing.B) *Pipeline {
	db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	p := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	p.now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	return p
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPollFirst measures the first poll of N feeds of 50 new 3 KB
// items each (classify, learn furniture, dedupe, store one transaction
// per feed) with a fake fetcher and a real store: the clustering cost of
// the pipeline without the network and parsing.
func BenchmarkPollFirst(b *testing.B) {
	for _, feeds := range []int{10, 100} {
		b.Run(fmt.Sprintf("feeds=%d", feeds), func(b *testing.B) {
			_, set := benchSetup(b, feeds)
			var wall, cpu time.Duration
			items := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				p := benchPipeline(b)
				b.StartTimer()
				start, c0 := time.Now(), cpuNow()
				rep, err := p.Poll(context.Background(), set, PollOptions{})
				if err != nil {
					b.Fatal(err)
				}
				wall, cpu = wall+time.Since(start), cpu+cpuNow()-c0
				for _, fr := range rep.Feeds {
					items += fr.New
				}
			}
			b.ReportMetric(float64(items)/wall.Seconds(), "items/s")
			b.ReportMetric(float64(items)/cpu.Seconds(), "items/cpu-s")
		})
	}
}

// BenchmarkPollUnchanged measures a steady-state poll of N feeds that all
// answer 304, over a store holding their 50 items each.
func BenchmarkPollUnchanged(b *testing.B) {
	for _, feeds := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("feeds=%d", feeds), func(b *testing.B) {
			f, set := benchSetup(b, feeds)
			f = &benchFetcher{items: f.items}
			set.Fetcher = f
			p := benchPipeline(b)
			if _, err := p.Poll(context.Background(), set, PollOptions{}); err != nil {
				b.Fatal(err)
			}
			f.unchanged = true
			b.ResetTimer()
			// The label lets a profile show the timed polls alone:
			// go tool pprof -tagfocus phase=steady.
			pprof.Do(context.Background(), pprof.Labels("phase", "steady"), func(ctx context.Context) {
				for i := 0; i < b.N; i++ {
					if _, err := p.Poll(ctx, set, PollOptions{Force: true}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.ReportMetric(float64(b.N*feeds)/b.Elapsed().Seconds(), "feeds/s")
		})
	}
}
