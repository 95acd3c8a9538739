package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store/storetest"
)

// TestConformance runs the stores' conformance suite on SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "agg.db"))
		if err != nil {
			t.Fatal(err)
		}
		return conformant{db}
	})
}

// conformant adapts *DB to storetest.Store.
type conformant struct{ *DB }

func (c conformant) Stats(ctx context.Context) (storetest.Stats, error) {
	st, err := c.DB.Stats(ctx)
	return storetest.Stats(st), err
}

func (c conformant) ItemByLink(ctx context.Context, link string) (news.StoredItem, error) {
	it, err := c.DB.ItemByLink(ctx, link)
	if errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("%w (%w)", storetest.ErrNotFound, err)
	}
	return it, err
}

func (c conformant) FailRecords(t *testing.T) {
	if _, err := c.w.Exec(failRecordsTrigger); err != nil {
		t.Fatal(err)
	}
}

func (c conformant) InFeed(t *testing.T, id string) bool {
	var in bool
	if err := c.r.QueryRow("SELECT in_feed FROM items WHERE id = ?", id).Scan(&in); err != nil {
		t.Fatalf("in_feed of %s: %v", id, err)
	}
	return in
}

// BenchmarkSuiteIngestFirstPoll is storetest's BenchIngestFirstPoll on
// SQLite, the code that measures PostgreSQL too.
func BenchmarkSuiteIngestFirstPoll(b *testing.B) {
	storetest.BenchIngestFirstPoll(b, openTest(b, filepath.Join(b.TempDir(), "bench.db")), storetest.ProcessCPU)
}

// BenchmarkPlace is storetest's BenchPlace on SQLite.
func BenchmarkPlace(b *testing.B) {
	storetest.BenchPlace(b, openTest(b, filepath.Join(b.TempDir(), "bench.db")), storetest.ProcessCPU)
}
