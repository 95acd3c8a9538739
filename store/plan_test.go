package store

import (
	"strings"
	"testing"
)

// TestQueryPlans checks that the hot queries are answered from indexes: a
// full scan of items would make every poll slower as history grows.
func TestQueryPlans(t *testing.T) {
	db, _ := newTestDB(t)
	for _, tc := range []struct {
		name, sql string
		want      []string // substrings the plan must contain
	}{
		{"known", knownSQL, []string{"USING INDEX sqlite_autoindex_items_1 (id=?)"}},
		{"apply's lookup", lookupSQL, []string{"USING INDEX sqlite_autoindex_items_1 (id=?)"}},
		{"by link", byLinkSQL, []string{"items_by_link (canonical_link=?)"}},
		{"window", windowSQL, []string{"SEARCH r USING INTEGER PRIMARY KEY (rowid>?)", "item_records_by_window (window_at>?)", "COVERING INDEX items_window (seq=?)"}},
		{"uncarry", uncarrySQL, []string{"items_by_feed (feed=? AND in_feed=?)"}},
		{"carry", carrySQL, []string{"sqlite_autoindex_items_1 (id=?)"}},
		{"delete emptied", deleteEmptiedSQL, []string{"COVERING INDEX items_by_story (story_id=?)"}},
		{"purge items", purgeItemsSQL, []string{"items_purgeable (first_seen<?)"}},
		{"purge records", purgeRecordsSQL, []string{"items_purgeable (first_seen<?)"}},
		{"purge inbox", purgeInboxSQL, []string{"items_purgeable (first_seen<?)"}},
		{"unplaced", unplacedSQL, []string{"inbox_order ((at,id)>(?,?))"}},
		{"purge stories", purgeStoriesSQL, []string{"COVERING INDEX items_by_story (story_id=?)"}},
		{"item by link", itemByLinkSQL, []string{"items_by_link (canonical_link=?)"}},
		{"stories", storiesSQL, []string{"stories_by_created", "items_by_story (story_id=?)"}},
		{"stories, no filter", storiesAllSQL, []string{"stories_by_created", "items_by_story (story_id=?)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.sql)
			if strings.Contains(plan, "SCAN items") || strings.Contains(plan, "SCAN i\n") {
				t.Errorf("plan scans items:\n%s", plan)
			}
			for _, w := range tc.want {
				if !strings.Contains(plan, w) {
					t.Errorf("plan lacks %q:\n%s", w, plan)
				}
			}
		})
	}
}

func queryPlan(t *testing.T, db *DB, query string) string {
	t.Helper()
	args := []any{"[]", -1}
	if strings.Contains(query, "?3") {
		args = append(args, "")
	}
	rows, err := db.w.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
