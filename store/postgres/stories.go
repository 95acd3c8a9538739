package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wirestory/aggregator/news"
)

// storiesSQL lists the selected stories in order, each joined to all its
// members in order: $1 the feed filter, $2 the limit (NULL: none).
// storiesAllSQL is the same without a filter. The NULLS FIRST and LAST
// give SQLite's order (NULL is the smallest value there).
const (
	storiesSQL = `WITH s AS (
	SELECT id, created, updated,
		(SELECT min(coalesce(i.published, i.first_seen)) FROM items i WHERE i.story_id = stories.id) AS first
	FROM stories
	WHERE EXISTS (SELECT 1 FROM items i WHERE i.story_id = stories.id AND i.feed = ANY($1::text[]))
	ORDER BY created DESC, first DESC NULLS LAST, id LIMIT $2
)` + storiesRestSQL

	storiesAllSQL = `WITH s AS (
	SELECT id, created, updated,
		(SELECT min(coalesce(i.published, i.first_seen)) FROM items i WHERE i.story_id = stories.id) AS first
	FROM stories
	ORDER BY created DESC, first DESC NULLS LAST, id LIMIT $1
)` + storiesRestSQL

	storiesRestSQL = `
SELECT ` + memberColumns + `
FROM s JOIN items i ON i.story_id = s.id
ORDER BY s.created DESC, s.first DESC NULLS LAST, s.id, i.published NULLS FIRST, i.id`
)

// Stories returns stories newest-created first; stories created together
// (in one poll) newest first by their earliest member's publish time
// (first seen when it has none), then by id. Each comes with all its
// members ordered by published time, then item id. Story.Published is the
// earliest non-zero member publish time and Story.Updated the time the
// story last changed. The result is one committed snapshot.
func (db *DB) Stories(ctx context.Context, q news.StoryQuery) ([]news.Story, error) {
	limit := pgtype.Int8{Int64: int64(q.Limit), Valid: q.Limit > 0}
	query, args := storiesAllSQL, []any{limit}
	if q.Feeds != nil {
		query, args = storiesSQL, []any{q.Feeds, limit}
	}
	out, err := db.queryStories(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: stories: %w", err)
	}
	return out, nil
}
