package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wirestory/aggregator/news"
)

func testEntry(feed, guid string, published time.Time) news.Entry {
	it := news.Item{Feed: feed, GUID: guid, CanonicalLink: "https://example.com/" + guid,
		Title: "Title " + guid, Content: "<p>" + guid + "</p>", Published: published}
	id := news.ItemID(feed, it.Key())
	return news.Entry{StoredItem: news.StoredItem{ID: id, Item: it, StoryID: news.StoryID(id)},
		Record: []byte("r"), Prepared: []byte("p")}
}

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func mustIngest(t *testing.T, db *DB, bs ...news.Batch) {
	t.Helper()
	if err := errors.Join(db.Ingest(context.Background(), bs)...); err != nil {
		t.Fatal(err)
	}
}

func version(t *testing.T, db *DB) int64 {
	t.Helper()
	v, err := db.StoriesVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStoriesVersion: the version moves with every transaction that
// changes the stories (items written, items moved by Place, a purge), not
// with one that does not (a 304, a placement where the item already is, a
// failed batch), and Listen announces each move.
func TestStoriesVersion(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	got := make(chan int64, 16)
	lctx, stop := context.WithCancel(ctx)
	listened := make(chan error)
	go func() { listened <- db.Listen(lctx, func(v int64) { got <- v }) }()
	if v := <-got; v != 0 {
		t.Fatalf("Listen's first version = %d, want 0", v)
	}
	a, b := testEntry("ap", "a", t0), testEntry("ap", "b", t0)
	steps := []struct {
		name   string
		do     func() error
		change bool
	}{
		{"new items", func() error {
			return db.Ingest(ctx, []news.Batch{{State: news.FeedState{Name: "ap"}, Items: []news.Entry{a, b}, Now: t0}})[0]
		}, true},
		{"a 304", func() error { return db.Ingest(ctx, []news.Batch{{State: news.FeedState{Name: "ap"}, Now: t0}})[0] }, false},
		{"a failed batch", func() error {
			bad := a
			bad.Feed = "other"
			if db.Ingest(ctx, []news.Batch{{State: news.FeedState{Name: "ap"}, Items: []news.Entry{bad}, Now: t0}})[0] == nil {
				return errors.New("a batch with an item of another feed was written")
			}
			return nil
		}, false},
		{"placed where they are", func() error {
			return db.Place(ctx, []news.Placement{{ID: a.ID, StoryID: a.StoryID}}, t0)
		}, false},
		{"a move", func() error { return db.Place(ctx, []news.Placement{{ID: b.ID, StoryID: a.StoryID}}, t0) }, true},
		{"no longer carried", func() error {
			return db.Ingest(ctx, []news.Batch{{State: news.FeedState{Name: "ap"}, Carried: []string{}, Now: t0}})[0]
		}, false},
		{"a purge", func() error { _, _, err := db.Purge(ctx, t0.Add(time.Hour)); return err }, true},
		{"an empty purge", func() error { _, _, err := db.Purge(ctx, t0.Add(time.Hour)); return err }, false},
	}
	want := int64(0)
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if st.change {
			want++
			if v := <-got; v != want {
				t.Fatalf("%s: notified %d, want %d", st.name, v, want)
			}
		}
		if v := version(t, db); v != want {
			t.Fatalf("%s: version %d, want %d", st.name, v, want)
		}
	}
	stop()
	if err := <-listened; err != nil {
		t.Errorf("Listen after its context ended = %v, want nil", err)
	}
	select {
	case v := <-got:
		t.Errorf("a change that was not one was announced: %d", v)
	default:
	}
}

// TestLease: one holder at a time, a new term at each acquisition, and a
// placer whose lease was taken over writes nothing.
func TestLease(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, ok, err := db.AcquireLease(ctx, "a", time.Minute)
	if err != nil || !ok || a.Term != 1 {
		t.Fatalf("first AcquireLease = %+v, %v, %v; want term 1", a, ok, err)
	}
	if _, ok, err := db.AcquireLease(ctx, "b", time.Minute); err != nil || ok {
		t.Fatalf("AcquireLease of a held lease = %v, %v; want refused", ok, err)
	}
	if err := db.RenewLease(ctx, a); err != nil {
		t.Fatal(err)
	}
	e := testEntry("ap", "x", t0)
	mustIngest(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Items: []news.Entry{e}, Now: t0})
	if err := db.WithLease(a).Place(ctx, []news.Placement{{ID: e.ID, StoryID: e.StoryID}}, t0); err != nil {
		t.Fatalf("Place with the lease: %v", err)
	}
	// a's lease expires (its holder paused); b takes over.
	execDSN(t, dsnOf(t, db), "UPDATE placer_lease SET expires_at = now() - interval '1 second'")
	if h, term, live, err := db.LeaseHolder(ctx); err != nil || h != "a" || term != 1 || live {
		t.Fatalf("LeaseHolder of an expired lease = %s, %d, %v, %v", h, term, live, err)
	}
	b, ok, err := db.AcquireLease(ctx, "b", time.Minute)
	if err != nil || !ok || b.Term != 2 {
		t.Fatalf("AcquireLease after expiry = %+v, %v, %v; want term 2", b, ok, err)
	}
	f := testEntry("ap", "y", t0)
	mustIngest(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Items: []news.Entry{f}, Now: t0})
	err = db.WithLease(a).Place(ctx, []news.Placement{{ID: f.ID, StoryID: e.StoryID}}, t0)
	if !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Place by the old holder = %v, want ErrLeaseLost", err)
	}
	if us, err := db.Unplaced(ctx, news.InboxKey{}, 10); err != nil || len(us) != 1 || us[0].StoryID != f.StoryID {
		t.Fatalf("the refused Place wrote: inbox %+v, %v", us, err)
	}
	if err := db.RenewLease(ctx, a); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("RenewLease by the old holder = %v, want ErrLeaseLost", err)
	}
	if h, term, live, err := db.LeaseHolder(ctx); err != nil || h != "b" || term != 2 || !live {
		t.Errorf("LeaseHolder = %s, %d, %v, %v; want b, 2, live", h, term, live, err)
	}
	if err := db.ReleaseLease(ctx, b); err != nil {
		t.Fatal(err)
	}
	if a2, ok, err := db.AcquireLease(ctx, "a", time.Minute); err != nil || !ok || a2.Term != 3 {
		t.Errorf("AcquireLease after a release = %+v, %v, %v; want term 3", a2, ok, err)
	}
}

// TestFence: a poll commit fenced on the generation it began with is
// refused once another commit came in between.
func TestFence(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	fence := func(feed string, g int64, write bool) error {
		return pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
			if err := Fence(ctx, tx, feed, g); err != nil {
				return err
			}
			if !write {
				return nil
			}
			b := news.Batch{State: news.FeedState{Name: feed, ETag: "e"}, Items: []news.Entry{testEntry(feed, "x", t0)}, Now: t0}
			return db.IngestTx(ctx, tx, []news.Batch{b})[0]
		})
	}
	g, err := db.Generation(ctx, "new")
	if err != nil || g != 0 {
		t.Fatalf("Generation of a new feed = %d, %v", g, err)
	}
	if err := fence("new", 0, true); err != nil {
		t.Fatal(err)
	}
	if err := fence("new", 0, true); !errors.Is(err, ErrFenced) {
		t.Fatalf("a second commit from generation 0 = %v, want ErrFenced", err)
	}
	g, err = db.Generation(ctx, "new")
	if err != nil || g != 2 { // the fence and the state's save
		t.Fatalf("Generation after a commit = %d, %v; want 2", g, err)
	}
	if err := db.SaveFeedState(ctx, news.FeedState{Name: "new"}); err != nil {
		t.Fatal(err)
	}
	if err := fence("new", g, false); !errors.Is(err, ErrFenced) {
		t.Errorf("a commit after SaveFeedState = %v, want ErrFenced", err)
	}
	if err := fence("gone", 5, false); !errors.Is(err, ErrFenced) {
		t.Errorf("a commit for a deleted feed = %v, want ErrFenced", err)
	}
	if states, err := db.FeedStates(ctx); err != nil || len(states) != 1 {
		t.Errorf("states %v, %v; want only feed new", states, err)
	}
	// IngestTx in a transaction rolled back writes nothing.
	err = pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
		b := news.Batch{State: news.FeedState{Name: "rb"}, Items: []news.Entry{testEntry("rb", "x", t0)}, Now: t0}
		if err := db.IngestTx(ctx, tx, []news.Batch{b})[0]; err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if k, _ := db.Known(ctx, []string{testEntry("rb", "x", t0).ID}); err == nil || len(k) != 0 {
		t.Errorf("IngestTx in a rolled back transaction: %v, known %v", err, k)
	}
}

// TestConcurrentFence: of two polls of a new feed committing at once,
// one is refused.
func TestConcurrentFence(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tx1, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback(ctx)
	if err := Fence(ctx, tx1, "f", 0); err != nil {
		t.Fatal(err)
	}
	second := make(chan error)
	go func() {
		second <- pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error { return Fence(ctx, tx, "f", 0) })
	}()
	if err := tx1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-second; !errors.Is(err, ErrFenced) {
		t.Errorf("the second fence = %v, want ErrFenced", err)
	}
}

func dsnOf(t *testing.T, db *DB) string {
	t.Helper()
	return db.Pool().Config().ConnString()
}
