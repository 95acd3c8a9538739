package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wirestory/aggregator/news"
)

const feedColumns = `name, url, config_url, etag, last_modified, body_hash, redirect_to, redirect_count,
	last_attempt, last_success, last_status, last_error, failures, next_poll, gone, poll_interval, last_new`

// saveFeedSQL upserts a feed's state and bumps its generation; due is
// left as it is.
const saveFeedSQL = `INSERT INTO feeds (` + feedColumns + `, generation)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1)
	ON CONFLICT (name) DO UPDATE SET url = excluded.url, config_url = excluded.config_url,
		etag = excluded.etag, last_modified = excluded.last_modified, body_hash = excluded.body_hash,
		redirect_to = excluded.redirect_to, redirect_count = excluded.redirect_count,
		last_attempt = excluded.last_attempt, last_success = excluded.last_success,
		last_status = excluded.last_status, last_error = excluded.last_error,
		failures = excluded.failures, next_poll = excluded.next_poll, gone = excluded.gone,
		poll_interval = excluded.poll_interval, last_new = excluded.last_new,
		generation = feeds.generation + 1`

// FeedStates returns the saved state of every feed, keyed by name. Feeds
// never saved are absent.
func (db *DB) FeedStates(ctx context.Context) (map[string]news.FeedState, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+feedColumns+" FROM feeds")
	if err != nil {
		return nil, fmt.Errorf("postgres: feed states: %w", err)
	}
	defer rows.Close()
	out := make(map[string]news.FeedState)
	for rows.Next() {
		var (
			st                              news.FeedState
			attempt, success, next, lastNew pgtype.Int8
			count, status, fails, interval  int64
		)
		err := rows.Scan(&st.Name, &st.URL, &st.ConfigURL, &st.ETag, &st.LastModified, &st.BodyHash,
			&st.RedirectTo, &count, &attempt, &success, &status,
			&st.LastError, &fails, &next, &st.Gone, &interval, &lastNew)
		if err != nil {
			return nil, fmt.Errorf("postgres: feed states: %w", err)
		}
		st.RedirectCount, st.LastStatus, st.Failures = int(count), int(status), int(fails)
		st.LastAttempt, st.LastSuccess, st.NextPoll = fromNanos(attempt), fromNanos(success), fromNanos(next)
		st.Interval, st.LastNew = time.Duration(interval), fromNanos(lastNew)
		out[st.Name] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: feed states: %w", err)
	}
	return out, nil
}

// SaveFeedState inserts or replaces the state of the feed st.Name and
// bumps its generation.
func (db *DB) SaveFeedState(ctx context.Context, st news.FeedState) error {
	if err := saveFeedState(ctx, db.pool, st); err != nil {
		return fmt.Errorf("postgres: save feed state %q: %w", st.Name, err)
	}
	return nil
}

// execer is what a pool, a connection and a transaction offer for writing.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

var errNoName = errors.New("feed state has no name")

func saveFeedState(ctx context.Context, e execer, st news.FeedState) error {
	if st.Name == "" {
		return errNoName
	}
	_, err := e.Exec(ctx, saveFeedSQL, feedArgs(st)...)
	return err
}

func feedArgs(st news.FeedState) []any {
	return []any{st.Name, st.URL, st.ConfigURL, st.ETag, st.LastModified, st.BodyHash, st.RedirectTo,
		int64(st.RedirectCount), nanos(st.LastAttempt), nanos(st.LastSuccess), int64(st.LastStatus),
		st.LastError, int64(st.Failures), nanos(st.NextPoll), st.Gone, int64(st.Interval), nanos(st.LastNew)}
}

// DeleteFeedState forgets the feed name, typically one removed from the
// config. Its items stay (they may be members of stories other feeds still
// carry) but count as no longer carried, so Purge removes them once they
// are old enough. Deleting an unknown feed is not an error.
func (db *DB) DeleteFeedState(ctx context.Context, name string) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM feeds WHERE name = $1", name); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE items SET in_feed = false WHERE feed = $1 AND in_feed", name)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: delete feed state %q: %w", name, err)
	}
	return nil
}
