package store

import (
	"context"
	"fmt"

	"github.com/wirestory/aggregator/news"
)

// ErrNotFound is returned (wrapped) by lookups that find nothing. It is
// news.ErrNotFound, which every store's lookups wrap.
var ErrNotFound = news.ErrNotFound

const itemByLinkSQL = `SELECT s.id, s.updated, i.id, i.feed, i.first_seen, i.published, i.updated,
	i.guid, i.link, i.canonical_link, i.title, i.author, i.categories,
	i.summary, i.content, i.clean_html
FROM items i JOIN stories s ON s.id = i.story_id
WHERE i.canonical_link = ?1
ORDER BY i.first_seen, i.id LIMIT 1`

// ItemByLink returns the first-seen item whose canonical link is link, or
// ErrNotFound. Safe for concurrent use.
func (db *DB) ItemByLink(ctx context.Context, link string) (news.StoredItem, error) {
	rows, err := db.r.QueryContext(ctx, itemByLinkSQL, link)
	if err != nil {
		return news.StoredItem{}, fmt.Errorf("store: item by link: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return news.StoredItem{}, fmt.Errorf("store: item by link: %w", err)
		}
		return news.StoredItem{}, fmt.Errorf("store: item by link %s: %w", link, ErrNotFound)
	}
	_, _, m, err := scanMember(rows)
	if err != nil {
		return news.StoredItem{}, fmt.Errorf("store: item by link: %w", err)
	}
	return m, nil
}
