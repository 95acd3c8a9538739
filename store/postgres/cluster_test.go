package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wirestory/aggregator/news"
)

// TestPollStartAdvance: a poll job reads its feed, and its commit moves
// the due time on once; a second commit for the same due time, one begun
// before another commit, and one for a re-queued feed are refused.
func TestPollStartAdvance(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	due, next := t0, t0.Add(10*time.Minute)
	if ps, err := db.PollStart(ctx, "ap"); err != nil || ps.Saved || ps.Generation != 0 || !ps.Due.IsZero() {
		t.Fatalf("PollStart of an unknown feed = %+v, %v", ps, err)
	}
	fresh := news.FeedState{Name: "ap", URL: "https://ap.example/rss", ConfigURL: "https://ap.example/rss"}
	inTx(t, db, func(tx pgx.Tx) error { return SetDue(ctx, tx, []news.FeedState{fresh}, []time.Time{due}) })
	ps, err := db.PollStart(ctx, "ap")
	if err != nil || !ps.Saved || ps.State != fresh || !ps.Due.Equal(due) || ps.Model != nil {
		t.Fatalf("PollStart after SetDue = %+v, %v", ps, err)
	}
	commit := func(ps PollStart, due, next time.Time) error {
		return pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
			if err := Advance(ctx, tx, "ap", ps.Generation, due, next); err != nil {
				return err
			}
			st := ps.State
			st.ETag = "e1"
			b := news.Batch{State: st, Now: due, Furniture: []byte("model"), Items: []news.Entry{testEntry("ap", "x", t0)}}
			return db.IngestTx(ctx, tx, []news.Batch{b})[0]
		})
	}
	if err := commit(ps, due, next); err != nil {
		t.Fatal(err)
	}
	if err := commit(ps, due, next); !errors.Is(err, ErrFenced) {
		t.Errorf("a second commit of (ap, due) = %v, want ErrFenced", err)
	}
	after, err := db.PollStart(ctx, "ap")
	if err != nil || !after.Due.Equal(next) || after.State.ETag != "e1" || string(after.Model) != "model" || after.Generation <= ps.Generation {
		t.Fatalf("PollStart after the commit = %+v, %v", after, err)
	}
	// A commit begun before a foreign write of the state is refused.
	if err := db.SaveFeedState(ctx, after.State); err != nil {
		t.Fatal(err)
	}
	if err := commit(after, next, next.Add(time.Hour)); !errors.Is(err, ErrFenced) {
		t.Errorf("a commit after SaveFeedState = %v, want ErrFenced", err)
	}
	// Re-queued for another time: SetDue keeps the state, and the job
	// queued for the old time can no longer commit.
	inTx(t, db, func(tx pgx.Tx) error {
		return SetDue(ctx, tx, []news.FeedState{fresh}, []time.Time{next.Add(time.Minute)})
	})
	requeued, err := db.PollStart(ctx, "ap")
	if err != nil || requeued.State.ETag != "e1" {
		t.Fatalf("SetDue of a saved feed replaced its state: %+v, %v", requeued, err)
	}
	if err := commit(requeued, next, next.Add(time.Hour)); !errors.Is(err, ErrFenced) {
		t.Errorf("a commit for the old due time = %v, want ErrFenced", err)
	}
	if err := commit(requeued, next.Add(time.Minute), next.Add(time.Hour)); err != nil {
		t.Errorf("a commit for the new due time: %v", err)
	}
}

func inTx(t *testing.T, db *DB, fn func(pgx.Tx) error) {
	t.Helper()
	if err := pgx.BeginFunc(context.Background(), db.Pool(), fn); err != nil {
		t.Fatal(err)
	}
}

// TestInboxLag: the rows waiting and the oldest one's queueing time; a
// row queued again while it waits keeps its first time.
func TestInboxLag(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if n, oldest, err := db.InboxLag(ctx); err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("InboxLag of an empty inbox = %d, %v, %v", n, oldest, err)
	}
	before := time.Now().Add(-time.Minute)
	e := testEntry("ap", "x", t0)
	mustIngest(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Items: []news.Entry{e}, Now: t0})
	_, first, err := db.InboxLag(ctx)
	if err != nil || first.Before(before) || first.After(time.Now().Add(time.Minute)) {
		t.Fatalf("InboxLag = %v, %v; want about now", first, err)
	}
	e.Title = "changed"
	mustIngest(t, db, news.Batch{State: news.FeedState{Name: "ap"}, Items: []news.Entry{e, testEntry("ap", "y", t0)}, Now: t0})
	n, oldest, err := db.InboxLag(ctx)
	if err != nil || n != 2 || !oldest.Equal(first) {
		t.Errorf("InboxLag = %d, %v, %v; want 2 rows, the oldest queued at %v", n, oldest, err, first)
	}
}

// TestPollLock: one holder at a time; a second waits, and takes it once
// the first unlocks.
func TestPollLock(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	unlock, err := db.TryLockPolls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, dsnOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.TryLockPolls(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("TryLockPolls of a held lock = %v, want ErrBusy", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := other.LockPolls(ctx)
		if err == nil {
			u()
		}
		got <- err
	}()
	// Wait until the server shows the second session waiting for the lock.
	for waiting := 0; waiting == 0; {
		select {
		case err := <-got:
			t.Fatalf("LockPolls took a held lock: %v", err)
		default:
		}
		err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
	}
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("LockPolls after the unlock: %v", err)
	}
}

// TestOpenWith: the options reach the sessions, and the DSN's own
// settings win.
func TestOpenWith(t *testing.T) {
	ctx := context.Background()
	dsn := newDSN(t)
	db, err := OpenWith(ctx, dsn, Options{AppName: "agg-1", IdleInTransaction: 7 * time.Second, MaxConns: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var app, idle string
	err = db.Pool().QueryRow(ctx, "SELECT current_setting('application_name'), current_setting('idle_in_transaction_session_timeout')").Scan(&app, &idle)
	if err != nil || app != "agg-1" || idle != "7s" || db.Pool().Config().MaxConns != 9 {
		t.Errorf("settings %q, %q, max conns %d, %v", app, idle, db.Pool().Config().MaxConns, err)
	}
	own, err := OpenWith(ctx, dsn+"&application_name=mine&pool_max_conns=3", Options{AppName: "agg-1", MaxConns: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	if err := own.Pool().QueryRow(ctx, "SELECT current_setting('application_name')").Scan(&app); err != nil || app != "mine" || own.Pool().Config().MaxConns != 3 {
		t.Errorf("the DSN's settings: %q, max conns %d, %v", app, own.Pool().Config().MaxConns, err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema of a current schema: %v", err)
	}
}
