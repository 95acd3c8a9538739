package jobs

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store/postgres"
)

// TestPollCommitsAndQueuesNext: every configured feed gets a poll job at
// start; each poll is committed once with its feed's next poll queued (due
// at the next tick) and the feed's due time moved to it; the placer then
// empties the inbox.
func TestPollCommitsAndQueuesNext(t *testing.T) {
	db := newDB(t)
	fs := newFeedServer(t)
	feeds := fs.generated(3, 4)
	ev := newEvents()
	before := time.Now().Truncate(time.Second)
	start(t, newCluster(t, db, "a", settingsFor(feeds), ev))
	ev.waitFor(t, "3 polls committed", func() bool { return ev.count(Committed) == 3 })
	for _, f := range feeds {
		var due int64
		if err := db.Pool().QueryRow(context.Background(), "SELECT due FROM feeds WHERE name = $1", f.Name).Scan(&due); err != nil {
			t.Fatal(err)
		}
		next := time.Unix(0, due)
		if next.Before(before.Add(time.Hour)) || next.After(time.Now().Add(time.Hour)) {
			t.Errorf("%s: due %v, want an hour after its poll", f.Name, next)
		}
		live := query[int](t, db, `SELECT count(*) FROM river_job WHERE kind = 'poll' AND state = 'scheduled'
			AND args->>'feed' = $1 AND (args->>'due')::timestamptz = $2`, f.Name, next)
		done := query[int](t, db, `SELECT count(*) FROM river_job WHERE kind = 'poll' AND state = 'completed'
			AND args->>'feed' = $1 AND metadata->'output'->>'committed' = 'true' AND metadata->'output'->>'by' = 'a'`, f.Name)
		if live != 1 || done != 1 {
			t.Errorf("%s: %d next polls queued, %d polls committed; want 1 and 1", f.Name, live, done)
		}
		if fs.hitCount(feedPath(t, f)) != 1 {
			t.Errorf("%s fetched %d times", f.Name, fs.hitCount(feedPath(t, f)))
		}
	}
	ev.waitFor(t, "the inbox placed", func() bool {
		n, _, err := db.InboxLag(context.Background())
		return err == nil && n == 0
	})
	if items := query[int](t, db, "SELECT count(*) FROM items"); items != 12 {
		t.Errorf("%d items stored, want 12", items)
	}
}

func feedPath(t *testing.T, f news.Feed) string {
	t.Helper()
	u, err := url.Parse(f.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// TestZombieAttemptRefused: an attempt whose job was fetched again
// meanwhile (an instance paused past the rescue time, whose job another
// instance runs now) commits nothing: the fence refuses it and the worker
// returns nil, so River does not make the newer attempt's job retryable.
// The feed is polled again by the next re-queuing pass.
func TestZombieAttemptRefused(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	fs := newFeedServer(t)
	feeds := fs.generated(1, 4)
	release := fs.hold("/f/0.xml")
	ev := newEvents()
	c := newCluster(t, db, "a", settingsFor(feeds), ev)
	start(t, c)
	<-fs.arrived // the attempt fetches: it waits at the gate
	due := query[int64](t, db, "SELECT due FROM feeds WHERE name = $1", feeds[0].Name)
	gen := query[int64](t, db, "SELECT generation FROM feeds WHERE name = $1", feeds[0].Name)
	// What River's fetch of the job by another instance does.
	if _, err := db.Pool().Exec(ctx, "UPDATE river_job SET attempt = attempt + 1 WHERE kind = 'poll'"); err != nil {
		t.Fatal(err)
	}
	release()
	ev.waitFor(t, "the refusal", func() bool { return ev.count(Refused) == 1 })
	ev.waitFor(t, "the job completed", func() bool {
		return query[string](t, db, "SELECT state::text FROM river_job WHERE kind = 'poll'") == "completed"
	})
	if n := query[int](t, db, "SELECT count(*) FROM river_job WHERE kind = 'poll' AND errors IS NOT NULL"); n != 0 {
		t.Errorf("the refused attempt recorded an error on the job")
	}
	if n := query[int](t, db, "SELECT count(*) FROM items"); n != 0 {
		t.Errorf("the refused attempt stored %d items", n)
	}
	if d, g := query[int64](t, db, "SELECT due FROM feeds"), query[int64](t, db, "SELECT generation FROM feeds"); d != due || g != gen {
		t.Errorf("the refused attempt moved the feed: due %d → %d, generation %d → %d", due, d, gen, g)
	}
	if n := query[int](t, db, "SELECT count(*) FROM river_job WHERE kind = 'poll'"); n != 1 {
		t.Errorf("%d poll jobs, want the refused one only", n)
	}
	if n, err := c.Requeue(ctx); err != nil || n != 1 {
		t.Fatalf("Requeue = %d, %v; want the feed queued again", n, err)
	}
	ev.waitFor(t, "the poll committed", func() bool { return ev.count(Committed) == 1 })
	if n := query[int](t, db, "SELECT count(*) FROM items"); n != 4 {
		t.Errorf("%d items stored, want 4", n)
	}
}

// TestRequeuedWhileFetching: an attempt whose feed was re-queued for
// another time while it fetched is refused by the feed's due time.
func TestRequeuedWhileFetching(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	fs := newFeedServer(t)
	feeds := fs.generated(1, 2)
	release := fs.hold("/f/0.xml")
	ev := newEvents()
	start(t, newCluster(t, db, "a", settingsFor(feeds), ev))
	<-fs.arrived
	err := pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
		return postgres.SetDue(ctx, tx, []news.FeedState{{Name: feeds[0].Name}}, []time.Time{time.Now().Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	release()
	ev.waitFor(t, "the refusal", func() bool { return ev.count(Refused) == 1 })
	if n := query[int](t, db, "SELECT count(*) FROM items"); n != 0 {
		t.Errorf("the refused attempt stored %d items", n)
	}
}

// TestFreshInstanceSteadyPoll: an instance started after the first poll
// (a new process: its pipeline has loaded nothing) polls feeds whose
// models are stored, one of them changed: its polls commit.
func TestFreshInstanceSteadyPoll(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	fs := newFeedServer(t)
	feeds := fs.generated(3, 4)
	ev := newEvents()
	a := newCluster(t, db, "a", settingsFor(feeds), ev)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ev.waitFor(t, "3 polls committed", func() bool { return ev.count(Committed) == 3 })
	if err := a.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if n := query[int](t, db, "SELECT count(*) FROM feed_models"); n != 3 {
		t.Fatalf("%d models stored, want 3", n)
	}
	fs.mu.Lock()
	fs.bodies["/f/1.xml"] = fs.bodies["/f/2.xml"] // feed 1 now carries other items
	fs.mu.Unlock()
	evB := newEvents()
	start(t, newCluster(t, db, "b", settingsFor(feeds), evB))
	if _, err := db.Pool().Exec(ctx, "UPDATE river_job SET state = 'available', scheduled_at = now() WHERE kind = 'poll' AND state = 'scheduled'"); err != nil {
		t.Fatal(err)
	}
	evB.waitFor(t, "3 polls committed by b", func() bool { return evB.count(Committed) == 3 })
	if n := query[int](t, db, "SELECT count(*) FROM river_job WHERE kind = 'poll' AND state = 'discarded' OR errors IS NOT NULL"); n != 0 {
		t.Errorf("%d poll jobs failed", n)
	}
}

// TestNextRetry: a job River's rescuer took from a lost instance (it has
// run for the rescue time) is retried at once; a failed one soon.
func TestNextRetry(t *testing.T) {
	w := &pollWorker{c: &Cluster{cfg: Config{RescueAfter: time.Hour}}}
	long, recent := time.Now().Add(-2*time.Hour), time.Now().Add(-time.Second)
	job := func(attempted time.Time, attempt int) *river.Job[PollArgs] {
		return &river.Job[PollArgs]{JobRow: &rivertype.JobRow{AttemptedAt: &attempted, Attempt: attempt}}
	}
	if d := time.Until(w.NextRetry(job(long, 1))); d > time.Second {
		t.Errorf("a rescued job retries in %v, want at once", d)
	}
	if d := time.Until(w.NextRetry(job(recent, 2))); d < 19*time.Second || d > 20*time.Second {
		t.Errorf("a failed second attempt retries in %v, want 20 s", d)
	}
	if d := time.Until(w.NextRetry(job(recent, 9))); d > time.Minute {
		t.Errorf("a failed ninth attempt retries in %v, want a minute at most", d)
	}
}
