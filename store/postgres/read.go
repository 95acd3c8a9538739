package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wirestory/aggregator/news"
)

// ErrNotFound is returned by lookups that find nothing.
var ErrNotFound = news.ErrNotFound

const (
	knownSQL = `SELECT id, story_id, content_hash FROM items WHERE id = ANY($1::text[])`

	// byLinkSQL: $1 canonical links; the first stored item of a link that
	// is not waiting to be placed for the first time wins.
	byLinkSQL = `SELECT canonical_link, story_id FROM items
		WHERE seq IN (SELECT min(seq) FROM items
			WHERE canonical_link = ANY($1::text[]) AND canonical_link <> ''
				AND NOT EXISTS (SELECT 1 FROM inbox b WHERE b.item = items.seq AND NOT b.changed)
			GROUP BY canonical_link)`

	// windowSQL: $1 the window's start; ties in the order items were
	// stored (seq).
	windowSQL = `SELECT i.id, i.feed, i.story_id, coalesce(i.published, i.first_seen), r.item, r.record
		FROM item_records r JOIN items i ON i.seq = r.item
		WHERE r.window_at >= $1
			AND NOT EXISTS (SELECT 1 FROM inbox b WHERE b.item = r.item AND NOT b.changed)
		ORDER BY r.window_at, r.item`
)

// Known returns what the store has for the given item ids; ids not stored
// are absent from the map.
func (db *DB) Known(ctx context.Context, ids []string) (map[string]news.Known, error) {
	out := make(map[string]news.Known, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := db.each(ctx, knownSQL, []any{ids}, func(rows pgx.Rows) error {
		var id string
		var k news.Known
		if err := rows.Scan(&id, &k.StoryID, &k.ContentHash); err != nil {
			return err
		}
		out[id] = k
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: known items: %w", err)
	}
	return out, nil
}

// StoriesByLink returns, for each canonical link that some placed item (of
// any feed) has, the story of that item; when several items share a link,
// the one stored first wins. Empty and unknown links are absent.
func (db *DB) StoriesByLink(ctx context.Context, links []string) (map[string]string, error) {
	out := make(map[string]string, len(links))
	if len(links) == 0 {
		return out, nil
	}
	err := db.each(ctx, byLinkSQL, []any{links}, func(rows pgx.Rows) error {
		var link, story string
		if err := rows.Scan(&link, &story); err != nil {
			return err
		}
		out[link] = story
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: stories by link: %w", err)
	}
	return out, nil
}

// each runs query and calls scan on each row.
func (db *DB) each(ctx context.Context, query string, args []any, scan func(pgx.Rows) error) error {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Window calls fn for every placed item published at or after since (first
// seen, when it has no publish time), in the window's order (see
// news.WindowItem), which callers do not rely on. Items that wait in the
// inbox to be placed for the first time are left out. It stops at the
// first error from fn and returns it unwrapped. The items come from one
// snapshot; fn runs while the query is open and holds a connection.
func (db *DB) Window(ctx context.Context, since time.Time, fn func(news.WindowItem) error) error {
	from := int64(math.MinInt64)
	if n := nanos(since); n.Valid {
		from = n.Int64
	}
	rows, err := db.pool.Query(ctx, windowSQL, from)
	if err != nil {
		return fmt.Errorf("postgres: window: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it news.WindowItem
		var published int64
		if err := rows.Scan(&it.ID, &it.Feed, &it.StoryID, &published, &it.Seq, &it.Record); err != nil {
			return fmt.Errorf("postgres: window: %w", err)
		}
		it.Published = time.Unix(0, published).UTC()
		if err := fn(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: window: %w", err)
	}
	return nil
}

// memberColumns are the columns scanMember reads: the story's id and
// updated time, and the member.
const memberColumns = `s.id, s.updated, i.id, i.feed, i.first_seen, i.published, i.updated,
	i.guid, i.link, i.canonical_link, i.title, i.author, i.categories,
	i.summary, i.content, i.clean_html`

const itemByLinkSQL = `SELECT ` + memberColumns + `
	FROM items i JOIN stories s ON s.id = i.story_id
	WHERE i.canonical_link = $1
	ORDER BY i.first_seen, i.id LIMIT 1`

// ItemByLink returns the first-seen item whose canonical link is link, or
// an error wrapping ErrNotFound.
func (db *DB) ItemByLink(ctx context.Context, link string) (news.StoredItem, error) {
	rows, err := db.pool.Query(ctx, itemByLinkSQL, link)
	if err != nil {
		return news.StoredItem{}, fmt.Errorf("postgres: item by link: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return news.StoredItem{}, fmt.Errorf("postgres: item by link: %w", err)
		}
		return news.StoredItem{}, fmt.Errorf("postgres: item by link %s: %w", link, ErrNotFound)
	}
	_, _, m, err := scanMember(rows)
	if err != nil {
		return news.StoredItem{}, fmt.Errorf("postgres: item by link: %w", err)
	}
	return m, nil
}

// scanMember reads one row of memberColumns.
func scanMember(rows pgx.Rows) (story string, updated time.Time, m news.StoredItem, err error) {
	var (
		storyUpdated, firstSeen, published, itemUpdated pgtype.Int8
		cats                                            string
	)
	err = rows.Scan(&story, &storyUpdated, &m.ID, &m.Feed, &firstSeen, &published, &itemUpdated,
		&m.GUID, &m.Link, &m.CanonicalLink, &m.Title, &m.Author, &cats,
		&m.Summary, &m.Content, &m.CleanHTML)
	if err != nil {
		return "", time.Time{}, m, err
	}
	m.StoryID = story
	m.FirstSeen, m.Published, m.Updated = fromNanos(firstSeen), fromNanos(published), fromNanos(itemUpdated)
	if m.Categories, err = decodeCategories(cats); err != nil {
		return "", time.Time{}, m, fmt.Errorf("item %s: %w", m.ID, err)
	}
	return story, fromNanos(storyUpdated), m, nil
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
