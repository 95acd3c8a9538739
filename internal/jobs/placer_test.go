package jobs

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// ingest fetches feeds with a pipeline of its own and stores them, as
// poll jobs do: their items wait in the inbox.
func ingest(t *testing.T, db *postgres.DB, s *Settings, feeds []news.Feed) {
	t.Helper()
	ctx := context.Background()
	p := pipeline.New(db, testLog(t))
	now := time.Now().UTC()
	for _, f := range feeds {
		b, rep, err := p.FetchFeed(ctx, s.Pipe, pipeline.StateFor(nil, f), now)
		if err != nil || rep.Status != pipeline.StatusOK {
			t.Fatalf("fetch %s: %+v, %v", f.Name, rep, err)
		}
		if err := db.Ingest(ctx, []news.Batch{b})[0]; err != nil {
			t.Fatal(err)
		}
		p.Learned(b)
	}
}

// partition maps each item to its story.
func partition(t *testing.T, db *postgres.DB) map[string]string {
	t.Helper()
	ss, err := db.Stories(context.Background(), news.StoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range ss {
		for _, m := range s.Members {
			out[m.ID] = s.ID
		}
	}
	return out
}

// failPlacingSQL makes placing fail while place_fails holds a row, as a
// placer that dies before its commit: nothing of the transaction stays.
const failPlacingSQL = `
CREATE TABLE place_fails (on_ boolean);
CREATE SEQUENCE place_attempts;
CREATE FUNCTION fail_placing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM place_fails) THEN
		PERFORM nextval('place_attempts');
		RAISE EXCEPTION 'the placer died';
	END IF;
	RETURN OLD;
END $$;
CREATE TRIGGER fail_placing BEFORE DELETE ON inbox FOR EACH ROW EXECUTE FUNCTION fail_placing();`

// TestPlacerFailover: placer A places a first round; a second round's
// placement by A dies before its commit, and A's lease runs out (A
// paused); B takes the lease over, rebuilds the window from the store and
// places the second round; A, waking, steps down without writing. The
// stories are those of one placer placing both rounds without a failure.
func TestPlacerFailover(t *testing.T) {
	ctx := context.Background()
	fs := newFeedServer(t)
	feeds := fs.generated(16, 6)
	s := settingsFor(feeds)
	rounds := [][]news.Feed{feeds[:8], feeds[8:]}

	ref := newDB(t)
	p := pipeline.New(ref, testLog(t))
	for _, r := range rounds {
		ingest(t, ref, s, r)
		if err := p.Place(ctx, s.Pipe, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := partition(t, ref)

	db := newDB(t)
	if _, err := db.Pool().Exec(ctx, failPlacingSQL); err != nil {
		t.Fatal(err)
	}
	evA, evB := newEvents(), newEvents()
	a, b := newCluster(t, db, "a", s, evA), newCluster(t, db, "b", s, evB)
	ctxA, stopA := context.WithCancel(ctx)
	doneA := make(chan struct{})
	go func() { defer close(doneA); a.placer.run(ctxA) }()
	t.Cleanup(func() { stopA(); <-doneA })
	evA.waitFor(t, "A's lease", func() bool { return slices.Equal(evA.terms(), []int64{1}) })

	ingest(t, db, s, rounds[0])
	a.Wake()
	evA.waitFor(t, "the first round placed", func() bool { n, _, _ := db.InboxLag(ctx); return n == 0 })

	if _, err := db.Pool().Exec(ctx, "INSERT INTO place_fails VALUES (true)"); err != nil {
		t.Fatal(err)
	}
	ingest(t, db, s, rounds[1])
	a.Wake()
	evA.waitFor(t, "A's placement failing", func() bool {
		return query[bool](t, db, "SELECT is_called FROM place_attempts")
	})
	// A pauses past its lease; B takes it over.
	if _, err := db.Pool().Exec(ctx, "UPDATE placer_lease SET expires_at = now() - interval '1 second'"); err != nil {
		t.Fatal(err)
	}
	ctxB, stopB := context.WithCancel(ctx)
	doneB := make(chan struct{})
	go func() { defer close(doneB); b.placer.run(ctxB) }()
	t.Cleanup(func() { stopB(); <-doneB })
	evB.waitFor(t, "B's lease", func() bool { return slices.Equal(evB.terms(), []int64{2}) })
	evA.waitFor(t, "A stepping down", func() bool { return slices.Contains(evA.terms(), -1) })
	if _, err := db.Pool().Exec(ctx, "DELETE FROM place_fails"); err != nil {
		t.Fatal(err)
	}
	b.Wake()
	evB.waitFor(t, "the second round placed", func() bool { n, _, _ := db.InboxLag(ctx); return n == 0 })

	got := partition(t, db)
	if !maps.Equal(got, want) {
		t.Errorf("stories after the failover differ from one placer's: %d items in %d stories, want %d in %d",
			len(got), len(slices.Compact(slices.Sorted(maps.Values(got)))), len(want), len(slices.Compact(slices.Sorted(maps.Values(want)))))
		for k, v := range got {
			if want[k] != v {
				t.Logf("DIFF %s: got %s want %s", k, v, want[k])
			}
		}
	}
	if merged := len(want) - len(slices.Compact(slices.Sorted(maps.Values(want)))); merged == 0 {
		t.Error("the rounds merged nothing: the test shows nothing")
	}
	if h, term, live, err := db.LeaseHolder(ctx); err != nil || h != "b" || term != 2 || !live {
		t.Errorf("lease %s term %d live %v, %v; want b's term 2", h, term, live, err)
	}
}

// terms returns the terms taken (positive) and given up (negative).
func (e *events) terms() []int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.leases)
}

// TestPlacerWaitsForDuePolls: the placer leaves the inbox alone while a
// due poll is in flight (its items would be placed out of order), and
// places it once none is.
func TestPlacerWaitsForDuePolls(t *testing.T) {
	ctx := context.Background()
	fs := newFeedServer(t)
	feeds := fs.generated(2, 3)
	s := settingsFor(feeds)
	db := newDB(t)
	c := newCluster(t, db, "a", s, nil)
	ingest(t, db, s, feeds)
	now := time.Now()
	res, err := c.client.Insert(ctx, pollArgs(feeds[0].Name, now), scheduleAt(now, now))
	if err != nil {
		t.Fatal(err)
	}
	l, ok, err := db.AcquireLease(ctx, "a", time.Minute)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	ts := &termState{pl: c.placer, lease: l, db: db.WithLease(l), renewed: time.Now()}
	ts.pipe = pipeline.New(ts.db, testLog(t))
	wait, err := ts.step(ctx)
	if err != nil || wait != pollWait {
		t.Fatalf("step with a poll in flight = %v, %v; want to wait %v", wait, err, pollWait)
	}
	if n, _, _ := db.InboxLag(ctx); n != 6 {
		t.Fatalf("the inbox holds %d, want 6: placed while a poll was in flight", n)
	}
	if _, err := db.Pool().Exec(ctx, "UPDATE river_job SET state = 'completed', finalized_at = now() WHERE id = $1", res.Job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.step(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := db.InboxLag(ctx); n != 0 {
		t.Errorf("the inbox holds %d after a step with no poll in flight", n)
	}
	// A lease lost: the next placement writes nothing and says so.
	if _, err := db.Pool().Exec(ctx, "UPDATE placer_lease SET term = term + 1"); err != nil {
		t.Fatal(err)
	}
	ingest(t, db, s, []news.Feed{{Name: "late", URL: feeds[0].URL}})
	if _, err := ts.step(ctx); !errors.Is(err, postgres.ErrLeaseLost) {
		t.Errorf("step with a lost lease = %v, want ErrLeaseLost", err)
	}
}
