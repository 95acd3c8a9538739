package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wirestory/aggregator/news"
)

// The reads of the story pages and the archives, as the SQLite store's
// (store/pages.go): one story by id, the stories created in a span of time
// as they stood at its end, and when the oldest story was created.

const (
	// storySQL: $1 the story id; its members in publish order, then id.
	storySQL = `SELECT ` + memberColumns + `
FROM stories s JOIN items i ON i.story_id = s.id
WHERE s.id = $1
ORDER BY i.published NULLS FIRST, i.id`

	// createdSQL: $1 and $2 the span [from, to); each story with its
	// members first seen before $2, its updated time the latest of their
	// first-seen times.
	createdSQL = `WITH s AS (
	SELECT id, created,
		(SELECT min(coalesce(i.published, i.first_seen)) FROM items i
			WHERE i.story_id = stories.id AND i.first_seen < $2) AS first,
		(SELECT max(i.first_seen) FROM items i
			WHERE i.story_id = stories.id AND i.first_seen < $2) AS updated
	FROM stories
	WHERE created >= $1 AND created < $2
)
SELECT ` + memberColumns + `
FROM s JOIN items i ON i.story_id = s.id AND i.first_seen < $2
ORDER BY s.created DESC, s.first DESC NULLS LAST, s.id, i.published NULLS FIRST, i.id`
)

// Story returns the story id with all its members in publish order, then
// item id; an id the store does not hold is an error wrapping ErrNotFound.
func (db *DB) Story(ctx context.Context, id string) (news.Story, error) {
	ss, err := db.queryStories(ctx, storySQL, id)
	if err != nil {
		return news.Story{}, fmt.Errorf("postgres: story %s: %w", id, err)
	}
	if len(ss) == 0 {
		return news.Story{}, fmt.Errorf("postgres: story %s: %w", id, ErrNotFound)
	}
	return ss[0], nil
}

// StoriesCreated returns the stories created at or after from and before
// to, in the order of Stories, each as it stood at to (see the SQLite
// store's StoriesCreated).
func (db *DB) StoriesCreated(ctx context.Context, from, to time.Time) ([]news.Story, error) {
	ss, err := db.queryStories(ctx, createdSQL, nanos(from), nanos(to))
	if err != nil {
		return nil, fmt.Errorf("postgres: stories created from %s to %s: %w", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), err)
	}
	return ss, nil
}

// FirstCreated returns when the oldest story was created; the zero time
// when there is none.
func (db *DB) FirstCreated(ctx context.Context) (time.Time, error) {
	var first pgtype.Int8
	if err := db.pool.QueryRow(ctx, `SELECT min(created) FROM stories`).Scan(&first); err != nil {
		return time.Time{}, fmt.Errorf("postgres: first story: %w", err)
	}
	return fromNanos(first), nil
}

// queryStories runs a query whose rows are memberColumns and groups them
// into stories.
func (db *DB) queryStories(ctx context.Context, query string, args ...any) ([]news.Story, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []news.Story
	for rows.Next() {
		id, updated, m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, news.Story{ID: id, Updated: updated})
		}
		s := &out[len(out)-1]
		s.AddMember(m)
	}
	return out, rows.Err()
}
