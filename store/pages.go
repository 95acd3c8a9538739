package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// The reads of the story pages and the archives: one story by id, the
// stories created in a span of time as they stood at its end, and when the
// oldest story was created.

// storySQL: ?1 the story id; its members in publish order, then item id
// (items_by_story).
const storySQL = `SELECT s.id, s.updated, i.id, i.feed, i.first_seen, i.published, i.updated,
	i.guid, i.link, i.canonical_link, i.title, i.author, i.categories,
	i.summary, i.content, i.clean_html
FROM stories s JOIN items i ON i.story_id = s.id
WHERE s.id = ?1
ORDER BY i.published, i.id`

// createdSQL: ?1 and ?2 the span [from, to). The stories created in it
// (stories_by_created), in the order of storiesSQL, each joined to its
// members first seen before ?2; the story's updated time is the latest
// first-seen time among those members, so that what it returns for a span
// in the past does not change when members join later.
const createdSQL = `WITH s AS (
	SELECT id, created,
		(SELECT min(coalesce(i.published, i.first_seen)) FROM items i
			WHERE i.story_id = stories.id AND i.first_seen < ?2) AS first,
		(SELECT max(i.first_seen) FROM items i
			WHERE i.story_id = stories.id AND i.first_seen < ?2) AS seen
	FROM stories
	WHERE created >= ?1 AND created < ?2
)
SELECT s.id, s.seen, i.id, i.feed, i.first_seen, i.published, i.updated,
	i.guid, i.link, i.canonical_link, i.title, i.author, i.categories,
	i.summary, i.content, i.clean_html
FROM s JOIN items i ON i.story_id = s.id AND i.first_seen < ?2
ORDER BY s.created DESC, s.first DESC, s.id, i.published, i.id`

// Story returns the story id with all its members in publish order, then
// item id; Story.Published is the earliest member publish time and
// Story.Updated the time the story last changed. An id the store does not
// hold is an error wrapping ErrNotFound. Safe for concurrent use.
func (db *DB) Story(ctx context.Context, id string) (news.Story, error) {
	ss, err := db.queryStories(ctx, storySQL, id)
	if err != nil {
		return news.Story{}, fmt.Errorf("store: story %s: %w", id, err)
	}
	if len(ss) == 0 {
		return news.Story{}, fmt.Errorf("store: story %s: %w", id, ErrNotFound)
	}
	return ss[0], nil
}

// StoriesCreated returns the stories created at or after from and before
// to, in the order of Stories, each as it stood at to: with only its
// members first seen before to (a story none of whose members remain is
// left out), and Story.Updated the latest first-seen time among them. Once
// to has passed, what it returns changes only when an item's text is
// updated or items are purged. Safe for concurrent use.
func (db *DB) StoriesCreated(ctx context.Context, from, to time.Time) ([]news.Story, error) {
	ss, err := db.queryStories(ctx, createdSQL, toDB(from), toDB(to))
	if err != nil {
		return nil, fmt.Errorf("store: stories created from %s to %s: %w", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), err)
	}
	return ss, nil
}

// FirstCreated returns when the oldest story the store holds was created;
// the zero time when it holds none. Safe for concurrent use.
func (db *DB) FirstCreated(ctx context.Context) (time.Time, error) {
	var first sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT min(created) FROM stories`).Scan(&first); err != nil {
		return time.Time{}, fmt.Errorf("store: first story: %w", err)
	}
	return fromDB(first), nil
}

// queryStories runs a query whose rows are those of storiesSQL (story id
// and updated time, then the member) and groups them into stories.
func (db *DB) queryStories(ctx context.Context, query string, args ...any) ([]news.Story, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
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
