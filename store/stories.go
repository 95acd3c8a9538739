package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// storiesSQL lists the selected stories in order, each joined to all its
// members in order. ?1 is the feed filter as a JSON array and ?2 the limit
// (-1: none). The planner walks stories_by_created and, per
// story, items_by_story; only stories created at the same instant are
// sorted, by publish time.
//
// storiesAllSQL is the same without a filter (?1 is NULL): the filter's check of every
// story's members was most of the time of a listing (130 of 160 ms for the
// newest 200 of 35,000 stories created in one poll).
const storiesSQL = `WITH s AS (
	SELECT id, created, updated,
		(SELECT min(coalesce(i.published, i.first_seen)) FROM items i WHERE i.story_id = stories.id) AS first
	FROM stories
	WHERE EXISTS (SELECT 1 FROM items i WHERE i.story_id = stories.id
		AND i.feed IN (SELECT value FROM json_each(?1)))
	ORDER BY created DESC, first DESC, id LIMIT ?2
)` + storiesRestSQL

const storiesAllSQL = `WITH s AS (
	SELECT id, created, updated,
		(SELECT min(coalesce(i.published, i.first_seen)) FROM items i WHERE i.story_id = stories.id) AS first
	FROM stories
	WHERE ?1 IS NULL
	ORDER BY created DESC, first DESC, id LIMIT ?2
)` + storiesRestSQL

const storiesRestSQL = `
SELECT s.id, s.updated, i.id, i.feed, i.first_seen, i.published, i.updated,
	i.guid, i.link, i.canonical_link, i.title, i.author, i.categories,
	i.summary, i.content, i.clean_html
FROM s JOIN items i ON i.story_id = s.id
ORDER BY s.created DESC, s.first DESC, s.id, i.published, i.id`

// Stories returns stories newest-created first; stories created together
// (in one poll) newest first by their earliest member's publish time
// (first seen when it has none), then by id. Each comes with all
// its members ordered by published time, then item id. Story.Published is
// the earliest non-zero member publish time and Story.Updated the time the
// story last changed. Safe to call while Apply runs: the result is one
// committed snapshot.
func (db *DB) Stories(ctx context.Context, q news.StoryQuery) ([]news.Story, error) {
	var out []news.Story
	err := db.EachStory(ctx, q, func(st news.Story) error {
		out = append(out, st)
		return nil
	})
	return out, err
}

// EachStory calls fn with each story Stories would return, in its order,
// as it is read: a caller that keeps a part of each story holds only that.
// An error from fn ends the read and is returned.
func (db *DB) EachStory(ctx context.Context, q news.StoryQuery, fn func(news.Story) error) error {
	var feeds any // NULL: no filter
	if q.Feeds != nil {
		b, err := json.Marshal(q.Feeds)
		if err != nil {
			return fmt.Errorf("store: stories: %w", err)
		}
		feeds = string(b)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	query := storiesSQL
	if feeds == nil {
		query = storiesAllSQL
	}
	rows, err := db.r.QueryContext(ctx, query, feeds, limit)
	if err != nil {
		return fmt.Errorf("store: stories: %w", err)
	}
	defer rows.Close()
	var cur news.Story
	for rows.Next() {
		id, updated, m, err := scanMember(rows)
		if err != nil {
			return fmt.Errorf("store: stories: %w", err)
		}
		if cur.ID != id {
			if cur.ID != "" {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur = news.Story{ID: id, Updated: updated}
		}
		cur.AddMember(m)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: stories: %w", err)
	}
	if cur.ID != "" {
		return fn(cur)
	}
	return nil
}

// scanMember reads one row of storiesSQL: the story's id and updated time,
// and the member.
func scanMember(rows *sql.Rows) (story string, updated time.Time, m news.StoredItem, err error) {
	var (
		storyUpdated, firstSeen, published, itemUpdated sql.NullInt64
		cats                                            string
	)
	err = rows.Scan(&story, &storyUpdated, &m.ID, &m.Feed, &firstSeen, &published, &itemUpdated,
		&m.GUID, &m.Link, &m.CanonicalLink, &m.Title, &m.Author, &cats,
		&m.Summary, &m.Content, &m.CleanHTML)
	if err != nil {
		return "", time.Time{}, m, err
	}
	m.StoryID = story
	m.FirstSeen, m.Published, m.Updated = fromDB(firstSeen), fromDB(published), fromDB(itemUpdated)
	if m.Categories, err = decodeCategories(cats); err != nil {
		return "", time.Time{}, m, fmt.Errorf("item %s: %w", m.ID, err)
	}
	return story, fromDB(storyUpdated), m, nil
}

// decodeCategories reads the JSON array stored for Categories; an empty
// array reads as nil.
func decodeCategories(s string) ([]string, error) {
	var cats []string
	if err := json.Unmarshal([]byte(s), &cats); err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	if len(cats) == 0 {
		return nil, nil
	}
	return cats, nil
}
