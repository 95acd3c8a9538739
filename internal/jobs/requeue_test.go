package jobs

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// TestRequeue: a pass queues a poll for each configured feed without a
// live job, not gone, at its first due time (now for a feed that may be
// polled now; its schedule's first tick at or after the time its server
// asked for otherwise); it leaves a live job's row alone (a duplicate
// insert would rewrite it), and two passes at once queue each feed once.
func TestRequeue(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	feeds := []news.Feed{
		{Name: "new", URL: "http://127.0.0.1:1/new"},
		{Name: "gone", URL: "http://127.0.0.1:1/gone"},
		{Name: "live", URL: "http://127.0.0.1:1/live"},
		{Name: "waiting", URL: "http://127.0.0.1:1/waiting"},
	}
	s := settingsFor(feeds)
	now := time.Now().UTC()
	wait := now.Add(90 * time.Minute)
	for _, st := range []news.FeedState{
		{Name: "gone", URL: feeds[1].URL, ConfigURL: feeds[1].URL, Gone: true},
		{Name: "waiting", URL: feeds[3].URL, ConfigURL: feeds[3].URL, NextPoll: wait},
	} {
		if err := db.SaveFeedState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	c := newCluster(t, db, "a", s, nil) // not started: it only inserts
	liveDue := now.Add(time.Hour).Truncate(time.Second)
	res, err := c.client.Insert(ctx, pollArgs("live", liveDue), scheduleAt(liveDue, now))
	if err != nil {
		t.Fatal(err)
	}
	xmin := query[string](t, db, "SELECT xmin::text FROM river_job WHERE id = $1", res.Job.ID)

	var wg sync.WaitGroup
	queued := make([]int, 2)
	for i := range queued {
		wg.Go(func() {
			n, err := requeue(ctx, c, s, now)
			if err != nil {
				t.Error(err)
			}
			queued[i] = n
		})
	}
	wg.Wait()
	if queued[0]+queued[1] != 2 {
		t.Errorf("the passes queued %v, want 2 feeds in all", queued)
	}
	if x := query[string](t, db, "SELECT xmin::text FROM river_job WHERE id = $1", res.Job.ID); x != xmin {
		t.Error("a pass rewrote the live job's row")
	}
	want := map[string]time.Time{
		"new":     now.Truncate(time.Second),
		"waiting": s.Schedules["waiting"].Next(wait.Add(-time.Nanosecond)).UTC(),
		"live":    liveDue,
	}
	rows, err := db.Pool().Query(ctx, `SELECT args->>'feed', (args->>'due')::timestamptz, state::text FROM river_job WHERE kind = 'poll'`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]time.Time{}
	for rows.Next() {
		var feed, state string
		var due time.Time
		if err := rows.Scan(&feed, &due, &state); err != nil {
			t.Fatal(err)
		}
		if _, dup := got[feed]; dup {
			t.Errorf("%s queued twice", feed)
		}
		got[feed] = due.UTC()
		if wantState := map[bool]string{true: "available", false: "scheduled"}[feed == "new"]; state != wantState {
			t.Errorf("%s is %s, want %s", feed, state, wantState)
		}
	}
	if len(got) != len(want) {
		t.Errorf("jobs for %v, want %v", got, want)
	}
	for feed, due := range want {
		if !got[feed].Equal(due) {
			t.Errorf("%s due %v, want %v", feed, got[feed], due)
		}
		if feed == "live" {
			continue
		}
		ps, err := db.PollStart(ctx, feed)
		if err != nil || !ps.Due.Equal(due) || ps.State.URL == "" {
			t.Errorf("%s: feed row %+v, %v; want due %v and its state", feed, ps, err, due)
		}
	}
	if n, err := c.Requeue(ctx); err != nil || n != 0 {
		t.Errorf("a third pass queued %d, %v; want none", n, err)
	}
}
