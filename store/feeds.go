package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

const feedColumns = `name, url, config_url, etag, last_modified, body_hash, redirect_to, redirect_count,
	last_attempt, last_success, last_status, last_error, failures, next_poll, gone, poll_interval, last_new`

// FeedStates returns the saved state of every feed, keyed by name. Feeds
// never saved are absent.
func (db *DB) FeedStates(ctx context.Context) (map[string]news.FeedState, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+feedColumns+" FROM feeds")
	if err != nil {
		return nil, fmt.Errorf("store: feed states: %w", err)
	}
	defer rows.Close()
	out := make(map[string]news.FeedState)
	for rows.Next() {
		var (
			st                                    news.FeedState
			attempt, success, next, gone, lastNew sql.NullInt64
			interval                              int64
		)
		err := rows.Scan(&st.Name, &st.URL, &st.ConfigURL, &st.ETag, &st.LastModified, &st.BodyHash,
			&st.RedirectTo, &st.RedirectCount, &attempt, &success, &st.LastStatus,
			&st.LastError, &st.Failures, &next, &gone, &interval, &lastNew)
		if err != nil {
			return nil, fmt.Errorf("store: feed states: %w", err)
		}
		st.LastAttempt, st.LastSuccess, st.NextPoll = fromDB(attempt), fromDB(success), fromDB(next)
		st.Gone = gone.Int64 != 0
		st.Interval, st.LastNew = time.Duration(interval), fromDB(lastNew)
		out[st.Name] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feed states: %w", err)
	}
	return out, nil
}

// SaveFeedState inserts or replaces the state of the feed st.Name.
func (db *DB) SaveFeedState(ctx context.Context, st news.FeedState) error {
	if err := saveFeedState(ctx, db.w, st); err != nil {
		return fmt.Errorf("store: save feed state %q: %w", st.Name, err)
	}
	return nil
}

// execer is what both *sql.DB and *sql.Tx offer for writing.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func saveFeedState(ctx context.Context, e execer, st news.FeedState) error {
	if st.Name == "" {
		return fmt.Errorf("feed state has no name")
	}
	_, err := e.ExecContext(ctx, "INSERT OR REPLACE INTO feeds ("+feedColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.Name, st.URL, st.ConfigURL, st.ETag, st.LastModified, st.BodyHash, st.RedirectTo,
		st.RedirectCount, toDB(st.LastAttempt), toDB(st.LastSuccess), st.LastStatus,
		st.LastError, st.Failures, toDB(st.NextPoll), st.Gone, int64(st.Interval), toDB(st.LastNew))
	return err
}

// DeleteFeedState forgets the feed name, typically one removed from the
// config. Its items stay (they may be members of stories other feeds still
// carry) but count as no longer carried, so Purge removes them once they
// are old enough. Deleting an unknown feed is not an error.
func (db *DB) DeleteFeedState(ctx context.Context, name string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: delete feed state %q: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM feeds WHERE name = ?", name); err != nil {
		return fmt.Errorf("store: delete feed state %q: %w", name, err)
	}
	_, err = tx.ExecContext(ctx, "UPDATE items SET in_feed = 0 WHERE feed = ? AND in_feed = 1", name)
	if err != nil {
		return fmt.Errorf("store: delete feed state %q: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: delete feed state %q: %w", name, err)
	}
	return nil
}
