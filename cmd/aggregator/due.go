package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// nothingDue explains a fetch that polled no feed, from the feeds' saved
// states: how many are backing off after failures, waiting for their
// learned interval to pass or because their server asked, or gone, and
// until when. It returns an error (exit status
// 1) when no feed is healthy, so that cron reports that everything is
// failing; otherwise it writes the explanation to w and returns nil.
func nothingDue(ctx context.Context, w io.Writer, states func(context.Context) (map[string]news.FeedState, error), rep *pipeline.Report) error {
	if len(rep.Feeds) == 0 {
		return nil
	}
	saved, err := states(ctx)
	if err != nil {
		return err
	}
	var backoff, waiting, gone int
	var backoffUntil, waitUntil time.Time
	for _, f := range rep.Feeds {
		st := saved[f.Name]
		switch {
		case st.Gone:
			gone++
		case st.Failures > 0:
			backoff++
			backoffUntil = earliest(backoffUntil, st.NextPoll)
		default:
			waiting++
			waitUntil = earliest(waitUntil, st.NextPoll)
		}
	}
	var parts []string
	if backoff > 0 {
		parts = append(parts, fmt.Sprintf("%d in backoff until %s", backoff, stamp(backoffUntil)))
	}
	if waiting > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting until %s (their learned intervals, or as their servers asked)", waiting, stamp(waitUntil)))
	}
	if gone > 0 {
		parts = append(parts, fmt.Sprintf("%d gone (410: remove them from the config)", gone))
	}
	msg := "no feed was due: " + strings.Join(parts, ", ")
	if backoff+waiting > 0 {
		msg += " (--force polls them now)"
	}
	if waiting == 0 {
		return errors.New(msg)
	}
	fmt.Fprintln(w, msg)
	return nil
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// stamp formats a time for a message: local, to the second, with its zone.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "now"
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}
