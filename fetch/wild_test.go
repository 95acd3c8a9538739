package fetch

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirestory/aggregator/news"
)

// wildDir is the corpus of feeds from other parsers' test suites, beside
// the repository; tests that need it skip when it is absent.
const wildDir = "../../shared/corpus/feeds-wild"

func wildFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(wildDir); err != nil {
		t.Skipf("corpus %s absent: %v", wildDir, err)
	}
	var files []string
	err := filepath.WalkDir(wildDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".xml" || ext == ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestWildCorpus parses every file of feeds-wild: none may panic or hang,
// each is parsed or rejected with an error naming the operation, and all
// text that comes out is valid UTF-8.
func TestWildCorpus(t *testing.T) {
	files := wildFiles(t)
	var parsed, rejected, items int
	for _, path := range files {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		type outcome struct {
			items []news.Item
			err   error
		}
		done := make(chan outcome, 1)
		go func() {
			its, err := Parse(strings.NewReader(string(body)), "wild", "https://wild.example/feed", 0, testNow)
			done <- outcome{its, err}
		}()
		var o outcome
		select {
		case o = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Parse hung", path)
		}
		if o.err != nil {
			rejected++
			if !strings.HasPrefix(o.err.Error(), "parse feed: ") || strings.Contains(o.err.Error(), "panic") {
				t.Errorf("%s: unclear error %q", path, o.err)
			}
			continue
		}
		parsed++
		items += len(o.items)
		for _, it := range o.items {
			checkValidItem(t, path, it)
		}
	}
	t.Logf("feeds-wild: %d files, %d parsed, %d rejected, %d items", len(files), parsed, rejected, items)
}

func checkValidItem(t testing.TB, where string, it news.Item) {
	t.Helper()
	fields := append([]string{it.GUID, it.Link, it.CanonicalLink, it.Title, it.Content, it.Summary, it.Author}, it.Categories...)
	for _, s := range fields {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Errorf("%s: invalid text %q in item %q", where, s, it.GUID)
		}
	}
	if it.Published.IsZero() {
		t.Errorf("%s: item %q without Published", where, it.GUID)
	}
}
