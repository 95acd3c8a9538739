package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestTestDatabasesAreNotByteOrdered: the test databases' default
// collation orders "a" before "B", so the suite's byte-order tests fail
// for a column that lacks COLLATE "C".
func TestTestDatabasesAreNotByteOrdered(t *testing.T) {
	db := openTest(t)
	var icuLess, columnLess bool
	err := db.pool.QueryRow(context.Background(),
		`SELECT 'a'::text < 'B'::text, 'a'::text COLLATE "C" < 'B'::text COLLATE "C"`).Scan(&icuLess, &columnLess)
	if err != nil || !icuLess || columnLess {
		t.Fatalf("'a' < 'B': %v by default, %v in byte order, %v; want true, false", icuLess, columnLess, err)
	}
}

// TestQueryPlans checks that the hot queries can be answered from indexes:
// with sequential scans priced out, none of them scans items (a full scan
// would make every poll slower as history grows).
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	ids := []string{"a", "b"}
	for _, tc := range []struct {
		name, sql string
		args      []any
	}{
		{"known", knownSQL, []any{ids}},
		{"by link", byLinkSQL, []any{ids}},
		{"item by link", itemByLinkSQL, []any{"x"}},
		{"window", windowSQL, []any{int64(0)}},
		{"unplaced", unplacedSQL, []any{int64(100), int64(0), "x"}},
		{"uncarry", uncarrySQL, []any{"f", ids}},
		{"carry", carrySQL, []any{"f", ids}},
		{"update items", updateItemsSQL, updateArgs()},
		{"delete emptied", deleteEmptiedSQL, []any{ids}},
		{"place lookup", placeLookupSQL, []any{ids}},
		{"purge items", `DELETE FROM items WHERE NOT in_feed AND first_seen < $1`, []any{int64(0)}},
		{"stories", storiesSQL, []any{ids, int64(10)}},
		{"stories, no filter", storiesAllSQL, []any{int64(10)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := explain(t, conn.Conn(), tc.sql, tc.args)
			if strings.Contains(plan, "Seq Scan on items") {
				t.Errorf("plan scans items:\n%s", plan)
			}
		})
	}
}

func updateArgs() []any {
	var c itemColumns
	return c.args("f")[1:]
}

func explain(t *testing.T, conn *pgx.Conn, sql string, args []any) string {
	t.Helper()
	rows, err := conn.Query(context.Background(), "EXPLAIN "+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
