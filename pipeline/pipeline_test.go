package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// story paragraphs: fictional wire copy.
var (
	harbour = []string{
		"The harbour board of Lindqvist voted on Monday to close the old eastern pier to all freight traffic from the first of next month, citing structural surveys that found corroded pilings along most of its length.",
		"Board chair Amaris Doyle said the decision was taken reluctantly and that the forty vessels which use the pier each week would be moved to the new terminal on the northern shore, where berths have been reserved.",
		"Shipping firms warned that the move would add up to two hours to each round trip and said they had not been consulted before the vote, which passed by seven votes to two after a long and heated session.",
		"Engineers estimate that repairing the pier would cost about 18 million crowns and take at least three years, and the board said it would publish the full survey results later this week.",
	}
	orchard = []string{
		"Growers in the Tamsin valley expect the smallest apple harvest in two decades after a late frost destroyed blossom across nearly half of the region's orchards in the spring, the growers' cooperative said on Tuesday.",
		"The cooperative's director, Hollis Ferrant, said yields could fall by as much as 40 percent and that several family farms were considering whether to replant with hardier varieties or sell their land outright.",
		"Regional officials have promised emergency grants, but farmers say the money announced so far would cover less than a tenth of the expected losses and have called for a meeting with the agriculture ministry.",
	}
)

func body(paras []string) string {
	return "<p>" + strings.Join(paras, "</p><p>") + "</p>"
}

func item(feed, guid, title string, paras []string, at time.Time) news.Item {
	link := fmt.Sprintf("https://%s.example/news/%s", feed, guid)
	return news.Item{Feed: feed, GUID: guid, Link: link, CanonicalLink: fetch.CanonicalURL(link),
		Title: title, Content: body(paras), Published: at}
}

// fakeFetcher returns canned items per feed; a feed may fail or panic.
type fakeFetcher struct {
	mu     sync.Mutex
	items  map[string][]news.Item
	fail   map[string]error
	panics map[string]bool
	calls  map[string]int
}

func newFake() *fakeFetcher {
	return &fakeFetcher{items: map[string][]news.Item{}, fail: map[string]error{}, panics: map[string]bool{}, calls: map[string]int{}}
}

func (f *fakeFetcher) Begin(st news.FeedState, now time.Time) news.FeedState {
	st.LastAttempt = now
	st.NextPoll = now.Add(time.Minute)
	return st
}

func (f *fakeFetcher) Fetch(ctx context.Context, st news.FeedState, now time.Time) fetch.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[st.Name]++
	if f.panics[st.Name] {
		panic("boom in " + st.Name)
	}
	if err := f.fail[st.Name]; err != nil {
		st.Failures++
		st.LastError = err.Error()
		return fetch.Result{State: st, Err: err}
	}
	st.LastSuccess, st.LastStatus, st.Failures, st.NextPoll = now, 200, 0, now
	return fetch.Result{State: st, Items: append([]news.Item(nil), f.items[st.Name]...)}
}

func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testPipe is a pipeline with the settings its test polls with.
type testPipe struct {
	*Pipeline
	set *Settings
}

func newPipeline(t *testing.T, st Store, f Fetcher, feeds ...string) *testPipe {
	t.Helper()
	s := &Settings{Window: 30 * 24 * time.Hour, Fetcher: f}
	for _, name := range feeds {
		s.Feeds = append(s.Feeds, news.Feed{Name: name, URL: "https://" + name + ".example/rss"})
	}
	p := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	p.now = func() time.Time { return t0.Add(time.Hour) }
	return &testPipe{Pipeline: p, set: s}
}

// with returns p polling with settings changed by change (a new value,
// as a reload makes).
func (p *testPipe) with(change func(*Settings)) *testPipe {
	s := *p.set
	change(&s)
	return &testPipe{Pipeline: p.Pipeline, set: &s}
}

func poll(t *testing.T, p *testPipe, force bool) *Report {
	t.Helper()
	rep, err := p.Poll(context.Background(), p.set, PollOptions{Force: force})
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	return rep
}

func stories(t *testing.T, p *testPipe) []news.Story {
	t.Helper()
	ss, err := p.Stories(context.Background(), news.StoryQuery{}, p.set.Priority)
	if err != nil {
		t.Fatalf("Stories: %v", err)
	}
	return ss
}

// shape is "story: feed/guid feed/guid | ..." with members sorted.
func shape(ss []news.Story) map[string][]string {
	m := map[string][]string{}
	for _, s := range ss {
		for _, mem := range s.Members {
			m[s.ID] = append(m[s.ID], mem.Feed+"/"+mem.GUID)
		}
	}
	return m
}

func TestPollMergesAndRemembers(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0),
		item("agency", "a2", "Frost cuts apple harvest", orchard, t0.Add(time.Minute))}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "You won't believe what the harbour board did", harbour[:2], t0.Add(10*time.Minute))}
	p := newPipeline(t, db, f, "agency", "outlet")

	rep := poll(t, p, false)
	if rep.Feeds[0].New != 2 || rep.Feeds[1].New != 1 || rep.Feeds[1].Merged != 1 {
		t.Fatalf("first poll report: %+v", rep.Feeds)
	}
	for _, f := range rep.Feeds {
		if f.Duration <= 0 {
			t.Errorf("feed %s: no fetch duration recorded", f.Name)
		}
	}
	first := stories(t, p)
	if len(first) != 2 {
		t.Fatalf("want 2 stories, got %v", shape(first))
	}
	rep = poll(t, p, true)
	if rep.Changed() {
		t.Errorf("second poll of unchanged feeds changed something: %+v", rep.Feeds)
	}
	again := stories(t, p)
	if fmt.Sprint(shape(again)) != fmt.Sprint(shape(first)) {
		t.Errorf("stories changed across polls:\n%v\n%v", shape(first), shape(again))
	}
}

func TestRepresentativeFollowsPriority(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Shock pier move stuns shippers", harbour, t0)}
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0.Add(time.Hour))}
	p := newPipeline(t, db, f, "outlet", "agency")
	poll(t, p, false)
	if ss := stories(t, p); len(ss) != 1 || ss[0].Members[0].Feed != "outlet" {
		t.Fatalf("without priority the earliest copy represents the story: %v", shape(ss))
	}
	p = p.with(func(s *Settings) { s.Priority = []string{"agency"} })
	ss := stories(t, p)
	if ss[0].Members[0].Feed != "agency" || ss[0].Members[0].Title != "Harbour board closes eastern pier" {
		t.Fatalf("priority source does not represent the story: %+v", ss[0].Members[0].Item)
	}
}

func TestUpdatedItemStaysInItsStory(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour[:3], t0)}
	p := newPipeline(t, db, f, "agency")
	poll(t, p, false)
	before := stories(t, p)

	f.items["agency"] = []news.Item{item("agency", "a1", "UPDATE 1-Harbour board closes eastern pier", harbour, t0)}
	rep := poll(t, p, true)
	if rep.Feeds[0].Updated != 1 || rep.Feeds[0].New != 0 {
		t.Fatalf("want one update and nothing new, got %+v", rep.Feeds[0])
	}
	after := stories(t, p)
	if len(after) != 1 || after[0].ID != before[0].ID || !strings.HasPrefix(after[0].Members[0].Title, "UPDATE 1") {
		t.Fatalf("update changed the story or was lost: %v", shape(after))
	}
}

func TestCanonicalLinkJoins(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	a := item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)
	b := item("mirror", "m1", "Pier", []string{"Short teaser only."}, t0.Add(time.Minute))
	b.Link = a.Link + "?utm_source=rss"
	b.CanonicalLink = fetch.CanonicalURL(b.Link)
	f.items["agency"], f.items["mirror"] = []news.Item{a}, []news.Item{b}
	p := newPipeline(t, db, f, "agency", "mirror")
	poll(t, p, false)
	if ss := stories(t, p); len(ss) != 1 || len(ss[0].Members) != 2 {
		t.Fatalf("same canonical link not merged: %v", shape(ss))
	}
}

func TestRestartKeepsWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openStore(t, path)
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	p := newPipeline(t, db, f, "agency", "outlet")
	poll(t, p, false)
	first := stories(t, p)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db2 := openStore(t, path)
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0.Add(2*time.Hour))}
	p2 := newPipeline(t, db2, f, "agency", "outlet")
	rep := poll(t, p2, true)
	if rep.Feeds[1].Merged != 1 {
		t.Fatalf("after a restart the new copy did not join the stored story: %+v", rep.Feeds)
	}
	ss := stories(t, p2)
	if len(ss) != 1 || ss[0].ID != first[0].ID || len(ss[0].Members) != 2 {
		t.Fatalf("story id or membership changed across a restart: %v vs %v", shape(first), shape(ss))
	}
}

func TestFailingAndPanickingFeedsDoNotStopOthers(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["good"] = []news.Item{item("good", "g1", "Frost cuts apple harvest", orchard, t0)}
	f.fail["bad"] = errors.New("fetch bad: 500 Internal Server Error")
	f.panics["evil"] = true
	p := newPipeline(t, db, f, "bad", "evil", "good")
	rep := poll(t, p, false)
	if rep.Feeds[0].Status != StatusFailed || rep.Feeds[1].Status != StatusFailed || rep.Feeds[2].Status != StatusOK {
		t.Fatalf("statuses: %+v", rep.Feeds)
	}
	if !strings.Contains(rep.Feeds[1].Err.Error(), "internal error") {
		t.Errorf("panic not reported as the feed's error: %v", rep.Feeds[1].Err)
	}
	if ss := stories(t, p); len(ss) != 1 {
		t.Fatalf("good feed not ingested: %v", shape(ss))
	}
	states, err := db.FeedStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if states["bad"].Failures != 1 || states["bad"].LastError == "" {
		t.Errorf("failure not recorded: %+v", states["bad"])
	}
}

func TestNotDueFeedsAreSkippedUnlessForced(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.fail["slow"] = errors.New("429")
	p := newPipeline(t, db, f, "slow")
	poll(t, p, false) // Begin sets NextPoll a minute ahead; the failure keeps it
	if rep := poll(t, p, false); rep.Feeds[0].Status != StatusSkipped {
		t.Fatalf("feed polled before its next poll time: %+v", rep.Feeds[0])
	}
	if rep := poll(t, p, true); rep.Feeds[0].Status != StatusFailed || f.calls["slow"] != 2 {
		t.Fatalf("forced poll did not poll: %+v, calls %d", rep.Feeds[0], f.calls["slow"])
	}
}

// failingStore fails the batch of one feed once.
type failingStore struct {
	*store.DB
	feed  string
	fails int
}

func (s *failingStore) Ingest(ctx context.Context, bs []news.Batch) []error {
	errs := make([]error, len(bs))
	for i, b := range bs {
		if b.State.Name == s.feed && s.fails > 0 {
			s.fails--
			errs[i] = errors.New("disk full")
			continue
		}
		errs[i] = s.DB.Apply(ctx, b)
	}
	return errs
}

func TestFailedWriteIsRepairedNextPoll(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	fs := &failingStore{DB: db, feed: "outlet", fails: 1}
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0.Add(time.Hour))}
	p := newPipeline(t, fs, f, "agency", "outlet")
	rep := poll(t, p, false)
	if rep.Feeds[1].Status != StatusFailed {
		t.Fatalf("store failure not reported: %+v", rep.Feeds[1])
	}
	if ss := stories(t, p); len(ss) != 1 || len(ss[0].Members) != 1 {
		t.Fatalf("half-written state: %v", shape(ss))
	}
	rep = poll(t, p, true)
	if rep.Feeds[1].New != 1 || rep.Feeds[1].Merged != 1 {
		t.Fatalf("next poll did not repair the lost write: %+v", rep.Feeds[1])
	}
	if ss := stories(t, p); len(ss) != 1 || len(ss[0].Members) != 2 {
		t.Fatalf("after repair: %v", shape(ss))
	}
}

// TestChunkedPoll: a poll in chunks of one feed ingests every feed and
// still merges a story whose copies arrive in different chunks.
func TestChunkedPoll(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0.Add(time.Hour))}
	f.items["other"] = []news.Item{item("other", "x1", "Frost cuts apple harvest", orchard, t0)}
	p := newPipeline(t, db, f, "agency", "outlet", "other")
	p = p.with(func(s *Settings) { s.ChunkFeeds = 1 })
	rep := poll(t, p, false)
	if rep.Count(StatusOK) != 3 || rep.Feeds[1].Merged != 1 {
		t.Fatalf("chunked poll: %+v", rep.Feeds)
	}
	if ss := stories(t, p); len(ss) != 2 {
		t.Fatalf("want 2 stories, got %v", shape(ss))
	}
}

// TestChunkAfterFailedWrite: the chunk fetched and analysed while the
// previous chunk's write failed (and the index was rebuilt from the store)
// is placed against the rebuilt index: its copy of a stored story merges.
func TestChunkAfterFailedWrite(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	fs := &failingStore{DB: db, feed: "outlet", fails: 1}
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Frost cuts apple harvest", orchard, t0)}
	f.items["copy"] = []news.Item{item("copy", "c1", "Pier to shut", harbour, t0.Add(time.Hour))}
	p := newPipeline(t, fs, f, "agency", "outlet", "copy")
	p = p.with(func(s *Settings) { s.ChunkFeeds = 1 })
	rep := poll(t, p, false)
	if rep.Feeds[1].Status != StatusFailed || rep.Feeds[2].Status != StatusOK {
		t.Fatalf("want the outlet failed and the copy stored: %+v", rep.Feeds)
	}
	if rep.Feeds[2].Merged != 1 {
		t.Fatalf("the copy did not merge with the stored story: %+v", rep.Feeds[2])
	}
	if ss := stories(t, p); len(ss) != 1 || len(ss[0].Members) != 2 {
		t.Fatalf("want one story of two members, got %v", shape(ss))
	}
}

// TestUnreadableRecord: an item stored with a record dedupe cannot read
// (the empty one stored when dedupe failed on it) does not stop the
// pipeline from starting, and a new copy of it is stored.
func TestUnreadableRecord(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	it := item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)
	id := news.ItemID(it.Feed, it.Key())
	err := db.Apply(context.Background(), news.Batch{State: news.FeedState{Name: "agency"}, Now: t0,
		Items: []news.Entry{{StoredItem: news.StoredItem{Item: it, ID: id, StoryID: news.StoryID(id)}, Record: []byte{}}}})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake()
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour, t0.Add(time.Hour))}
	p := newPipeline(t, db, f, "agency", "outlet")
	if rep := poll(t, p, false); rep.Feeds[1].Status != StatusOK || rep.Feeds[1].New != 1 {
		t.Fatalf("poll after an unreadable record: %+v", rep.Feeds[1])
	}
}

// TestPlacementIndependentOfChunks: the same items make the same stories
// whatever the chunk size and the order of the feeds in the config.
func TestPlacementIndependentOfChunks(t *testing.T) {
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0.Add(20*time.Minute)),
		item("agency", "a2", "Frost cuts apple harvest", orchard, t0.Add(30*time.Minute))}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0),
		item("outlet", "o2", "Apples hit", orchard[:2], t0.Add(40*time.Minute))}
	f.items["mirror"] = []news.Item{item("mirror", "m1", "Pier closing", harbour[1:], t0.Add(10*time.Minute))}
	f.items["other"] = []news.Item{item("other", "x1", "Growers fear losses", orchard[1:], t0.Add(5*time.Minute))}
	var want string
	for _, c := range []struct {
		chunk int
		feeds []string
	}{
		{0, []string{"agency", "outlet", "mirror", "other"}},
		{1, []string{"agency", "outlet", "mirror", "other"}},
		{1, []string{"other", "mirror", "outlet", "agency"}},
		{3, []string{"mirror", "agency", "other", "outlet"}},
	} {
		db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
		p := newPipeline(t, db, f, c.feeds...).with(func(s *Settings) { s.ChunkFeeds = c.chunk })
		poll(t, p, false)
		got := fmt.Sprint(shape(stories(t, p)))
		if want == "" {
			want = got
			if len(stories(t, p)) != 2 {
				t.Fatalf("want 2 stories, got %s", got)
			}
		} else if got != want {
			t.Errorf("chunks of %d, feeds %v: stories %s, want %s", c.chunk, c.feeds, got, want)
		}
	}
}

// TestFutureItemDoesNotShrinkWindow: an item dated decades ahead does not
// move the window: a copy of a story placed in an earlier poll still
// joins it.
func TestFutureItemDoesNotShrinkWindow(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	f.items["future"] = []news.Item{item("future", "z1", "Frost cuts apple harvest", orchard, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))}
	p := newPipeline(t, db, f, "agency", "future", "outlet")
	p.set.Window = 48 * time.Hour
	poll(t, p, false)
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0.Add(30*time.Minute))}
	rep := poll(t, p, true)
	if rep.Feeds[2].Merged != 1 {
		t.Fatalf("the copy did not join the stored story after a future-dated item: %+v", rep.Feeds[2])
	}
}

// TestStoreFailureKeepsFeedDue: a feed whose batch the store refuses is
// failed in the report, keeps the schedule it had before the poll (it is
// due again at once, not after a backoff) and records the store's error.
func TestStoreFailureKeepsFeedDue(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	fs := &failingStore{DB: db, feed: "outlet", fails: 1}
	f := newFake()
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0)}
	p := newPipeline(t, fs, f, "outlet")
	rep := poll(t, p, false)
	if !rep.StoreFailed || rep.Feeds[0].Status != StatusFailed || rep.Feeds[0].New != 0 {
		t.Fatalf("report after a refused write: %+v", rep)
	}
	states, err := db.FeedStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st := states["outlet"]
	if !st.NextPoll.IsZero() || !strings.Contains(st.LastError, "disk full") {
		t.Errorf("state after a refused write: next poll %v, last error %q; want due now and the store's error", st.NextPoll, st.LastError)
	}
	if rep := poll(t, p, false); rep.Feeds[0].Status != StatusOK || rep.Feeds[0].New != 1 {
		t.Errorf("the next plain poll did not fetch the feed again: %+v", rep.Feeds[0])
	}
}

// TestNoFalseRecordWarning: a poll of items spread over more than the
// window, then a restart, rebuilds the window without a warning (every
// item stored with a record; empty records of items whose analysis failed
// are no corruption).
func TestNoFalseRecordWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openStore(t, path)
	f := newFake()
	for i := range 6 {
		at := t0.Add(-time.Duration(i) * 24 * time.Hour)
		f.items["agency"] = append(f.items["agency"], item("agency", fmt.Sprint("a", i), fmt.Sprint("Story ", i), []string{harbour[i%4], orchard[i%3]}, at))
	}
	p := newPipeline(t, db, f, "agency")
	p.set.Window = 48 * time.Hour
	poll(t, p, false)
	var logs strings.Builder
	p2 := newPipeline(t, db, f, "agency")
	p2.set.Window = 48 * time.Hour
	p2.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := p2.Place(context.Background(), p2.set, nil); err != nil {
		t.Fatal(err)
	}
	if p2.index.Len() == 0 || p2.index.Len() == 6 {
		t.Errorf("window holds %d items, want those of the last 48 hours", p2.index.Len())
	}
	if logs.Len() > 0 {
		t.Errorf("warnings at restart:\n%s", logs.String())
	}
}

// TestFetchFeedThenPlace: a feed fetched by FetchFeed and stored by its
// caller is placed by Place as a poll would place it.
func TestFetchFeedThenPlace(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0.Add(time.Hour))}
	p := newPipeline(t, db, f, "agency", "outlet")
	ctx := context.Background()
	for _, feed := range []string{"agency", "outlet"} {
		b, fr, err := p.FetchFeed(ctx, p.set, news.FeedState{Name: feed, URL: "https://" + feed + ".example/rss"}, t0.Add(time.Hour))
		if err != nil || fr.Status != StatusOK || fr.New != 1 || len(b.Items) != 1 || b.Furniture == nil {
			t.Fatalf("FetchFeed(%s) = %d items, %+v, %v", feed, len(b.Items), fr, err)
		}
		if err := db.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
		p.Learned(b)
	}
	rep := &Report{Feeds: []FeedReport{{Name: "agency"}, {Name: "outlet"}}}
	if err := p.Place(ctx, p.set, rep); err != nil {
		t.Fatal(err)
	}
	if ss := stories(t, p); len(ss) != 1 || len(ss[0].Members) != 2 || rep.Feeds[1].Merged != 1 {
		t.Fatalf("after placing: %v, report %+v", shape(ss), rep.Feeds)
	}
}

// TestFetchFeedConcurrentNoIndex: poll jobs call FetchFeed on one
// pipeline at once, from its first call on; they need the furniture
// models, not the dedupe index (the placer's), which FetchFeed must not
// build (a fetching instance would hold the whole window for nothing).
// Under -race, the first calls racing to load the models fail too.
func TestFetchFeedConcurrentNoIndex(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	feeds := []string{"a", "b", "c", "d"}
	for _, feed := range feeds {
		f.items[feed] = []news.Item{item(feed, feed+"1", "Harbour board closes eastern pier", harbour, t0)}
	}
	p := newPipeline(t, db, f, feeds...)
	var wg sync.WaitGroup
	for _, feed := range feeds {
		wg.Go(func() {
			_, fr, err := p.FetchFeed(context.Background(), p.set, news.FeedState{Name: feed, URL: "https://" + feed + ".example/rss"}, t0)
			if err != nil || fr.Status != StatusOK {
				t.Errorf("FetchFeed(%s) = %+v, %v", feed, fr, err)
			}
		})
	}
	wg.Wait()
	if p.index != nil {
		t.Error("FetchFeed built the dedupe index")
	}
}

// TestLearnedBeforeLoad: a poll job hands the pipeline its feed's stored
// model before the pipeline's first FetchFeed has loaded the models; that
// must not panic, and the load then reads the stored models.
func TestLearnedBeforeLoad(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0)}
	first := newPipeline(t, db, f, "agency")
	ctx := context.Background()
	b, _, err := first.FetchFeed(ctx, first.set, news.FeedState{Name: "agency", URL: "https://agency.example/rss"}, t0)
	if err != nil || b.Furniture == nil {
		t.Fatalf("FetchFeed: %v, model %v", err, b.Furniture != nil)
	}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	fresh := newPipeline(t, db, f, "agency")
	fresh.Learned(b) // before any load
	if _, _, err := fresh.FetchFeed(ctx, fresh.set, b.State, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if fresh.furniture("agency") == nil {
		t.Error("the stored model was not loaded")
	}
}

// placeFailingStore fails its nth Place call (counting from 1), once.
type placeFailingStore struct {
	*store.DB
	calls, nth int
}

func (s *placeFailingStore) Place(ctx context.Context, ps []news.Placement, now time.Time) error {
	if s.calls++; s.calls == s.nth {
		return errors.New("disk full")
	}
	return s.DB.Place(ctx, ps, now)
}

// TestPlaceFailureMidway: the store refusing one batch of placements while
// the next is placed ends Place with its error; the batches recorded
// before stay, the others wait in the inbox, and the next Place (with the
// index rebuilt from the store) makes the stories a Place without the
// failure makes.
func TestPlaceFailureMidway(t *testing.T) {
	defer func(n int) { placeBatch = n }(placeBatch)
	placeBatch = 2
	f := newFake()
	f.items["agency"] = []news.Item{item("agency", "a1", "Harbour board closes eastern pier", harbour, t0),
		item("agency", "a2", "Frost cuts apple harvest", orchard, t0.Add(10*time.Minute))}
	f.items["outlet"] = []news.Item{item("outlet", "o1", "Pier to shut", harbour[:3], t0.Add(20*time.Minute)),
		item("outlet", "o2", "Apples hit", orchard[:2], t0.Add(30*time.Minute))}
	f.items["mirror"] = []news.Item{item("mirror", "m1", "Pier closing", harbour[1:], t0.Add(40*time.Minute)),
		item("mirror", "m2", "Growers fear losses", orchard[1:], t0.Add(50*time.Minute))}
	feeds := []string{"agency", "outlet", "mirror"}

	ref := newPipeline(t, openStore(t, filepath.Join(t.TempDir(), "ref.db")), f, feeds...)
	poll(t, ref, false)
	want := fmt.Sprint(shape(stories(t, ref)))

	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	p := newPipeline(t, &placeFailingStore{DB: db, nth: 2}, f, feeds...)
	_, err := p.Poll(context.Background(), p.set, PollOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Poll with a failing Place = %v, want the store's error", err)
	}
	left, err := db.Unplaced(context.Background(), news.InboxKey{}, -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 4 {
		t.Fatalf("%d items left in the inbox, want the 4 of the batches not recorded", len(left))
	}
	if err := p.Place(context.Background(), p.set, nil); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(shape(stories(t, p))); got != want {
		t.Errorf("stories after the repair %s, want %s", got, want)
	}
}

// windowStore's Window yields n items, then fails with err.
type windowStore struct {
	*store.DB
	n   int
	err error
}

func (s *windowStore) Window(ctx context.Context, since time.Time, fn func(news.WindowItem) error) error {
	for i := range s.n {
		if err := fn(news.WindowItem{ID: fmt.Sprint(i)}); err != nil {
			return err
		}
	}
	return s.err
}

// TestReadWindow: readWindow hands every item over in the store's order,
// over several batches, and returns the store's error after them.
func TestReadWindow(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	for _, c := range []struct {
		n   int
		err error
	}{{0, nil}, {1, nil}, {windowBatch, nil}, {2*windowBatch + 7, nil}, {3*windowBatch + 1, errors.New("disk gone")}} {
		var got []string
		err := readWindow(context.Background(), &windowStore{DB: db, n: c.n, err: c.err}, time.Time{}, func(w *news.WindowItem) {
			got = append(got, w.ID)
		})
		if err != c.err {
			t.Errorf("%d items: error %v, want %v", c.n, err, c.err)
		}
		if len(got) != c.n {
			t.Fatalf("%d items: fn called %d times", c.n, len(got))
		}
		for i, id := range got {
			if id != fmt.Sprint(i) {
				t.Fatalf("%d items: item %d is %s", c.n, i, id)
			}
		}
	}
}
