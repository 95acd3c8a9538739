package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// TestMigrationFixtureIsFirstMigration keeps migration 1 frozen: databases
// in the field were created from it, and TestMigrateFromV1 relies on it.
func TestMigrationFixtureIsFirstMigration(t *testing.T) {
	fixture, err := os.ReadFile("testdata/schema_v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 || ms[0] != string(fixture) {
		t.Fatalf("migration 1 differs from testdata/schema_v1.sql (or only %d migrations)", len(ms))
	}
}

// TestMigrateFromV1 builds a version-1 database from the fixture with raw
// SQL, then opens it with the current code and reads the rows back.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	fixture, err := os.ReadFile("testdata/schema_v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	pub := t0.Add(-time.Hour).UnixNano()
	for _, q := range []string{
		string(fixture),
		`INSERT INTO feeds (name, url, etag, failures, next_poll) VALUES ('ap', 'https://ap.example/rss', '"e1"', 2, ` + itoa(t0.UnixNano()) + `)`,
		`INSERT INTO stories (id, created, updated) VALUES ('s1', 10, 20)`,
		`INSERT INTO items (id, feed, story_id, first_seen, published, content_hash, guid, title, categories, record, clean_html)
			VALUES ('i1', 'ap', 's1', ` + itoa(t0.UnixNano()) + `, ` + itoa(pub) + `, 'h1', 'g1', 'Old title', '["a"]', x'cafe', '<p>c</p>')`,
		`PRAGMA user_version = 1`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("build v1 database: %v", err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := openTest(t, path)
	states, err := db.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st := states["ap"]; st.ETag != `"e1"` || st.Failures != 2 || !st.NextPoll.Equal(t0) || st.ConfigURL != "" {
		t.Errorf("feed state after migration: %+v", st)
	}
	ss := mustStories(t, db, news.StoryQuery{})
	if len(ss) != 1 || ss[0].ID != "s1" || len(ss[0].Members) != 1 {
		t.Fatalf("stories after migration: %+v", ss)
	}
	m := ss[0].Members[0]
	if m.ID != "i1" || m.Title != "Old title" || !reflect.DeepEqual(m.Categories, []string{"a"}) ||
		!m.FirstSeen.Equal(t0) || m.CleanHTML != "<p>c</p>" || ss[0].Updated.UnixNano() != 20 {
		t.Errorf("member after migration: %+v", m)
	}
	var got []news.WindowItem
	err = db.Window(ctx, t0.Add(-2*time.Hour), func(w news.WindowItem) error {
		got = append(got, w)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The record moved tables; the window time is the publish time.
	if len(got) != 1 || string(got[0].Record) != "\xca\xfe" || got[0].Published.UnixNano() != pub {
		t.Errorf("window after migration: %+v", got)
	}
	err = db.Window(ctx, t0.Add(-time.Minute), func(w news.WindowItem) error {
		t.Errorf("window after the publish time holds %s", w.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, want := userVersion(t, path), len(ms); v != want {
		t.Errorf("user_version = %d after migration, want %d", v, want)
	}
	checkConsistent(t, path)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func userVersion(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE x (y); PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), path)
	var tooNew *schemaTooNewError
	if !errors.As(err, &tooNew) ||
		!strings.Contains(err.Error(), "database schema version 99 is newer than this binary supports") ||
		!strings.Contains(err.Error(), path) {
		t.Fatalf("Open = %v, want the schema-too-new error naming the path", err)
	}
	if v := userVersion(t, path); v != 99 {
		t.Errorf("Open changed user_version to %d", v)
	}
}

// TestRestartContinuity applies the same polls before and after a restart:
// no duplicates, the same story ids, the same Stories output.
func TestRestartContinuity(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "agg.db")
	polls := func(db *DB) {
		a, b := entry("ap", "a", "a", t0), entry("ap", "b", "b", t0.Add(time.Minute))
		c := entry("bbc", "c", "a", t0.Add(2*time.Minute))
		c.StoryID = a.StoryID
		mustApply(t, db, batch("ap", t0, a, b))
		mustApply(t, db, batch("bbc", t0.Add(time.Minute), c))
	}
	db1, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	polls(db1)
	before := mustStories(t, db1, news.StoryQuery{})
	stBefore, err := db1.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db1.Close(); err != nil {
		t.Fatal(err)
	}

	db2 := openTest(t, path)
	polls(db2)
	after := mustStories(t, db2, news.StoryQuery{})
	if !reflect.DeepEqual(before, after) {
		t.Errorf("Stories changed across restart:\nbefore %s\n after %s", storyShape(before), storyShape(after))
	}
	stAfter, err := db2.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stAfter.Items != 3 || stAfter.Stories != 2 || stAfter.Items != stBefore.Items {
		t.Errorf("stats before %+v after %+v", stBefore, stAfter)
	}
	checkConsistent(t, path)
}

// TestOpenNamesTheCause: SQLite says only "unable to open database file";
// Open adds why (here: the directory does not exist).
func TestOpenNamesTheCause(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "a.db")
	_, err := Open(context.Background(), path)
	if err == nil {
		t.Fatal("Open succeeded in a missing directory")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("error does not name the path and the cause: %v", err)
	}
}

// TestConcurrentCreate: processes that create one new database at once all
// open it (a lost race to switch the new file to WAL used to fail with
// "migrate: database is locked"). Connections of one process contend for
// SQLite's locks as those of several processes do.
func TestConcurrentCreate(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("new%d.db", round))
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				db, err := Open(context.Background(), path)
				if err == nil {
					err = db.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		ms, _ := migrations()
		if v := userVersion(t, path); v != len(ms) {
			t.Fatalf("round %d: schema version %d, want %d", round, v, len(ms))
		}
	}
}
