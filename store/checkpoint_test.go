package store

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/wirestory/aggregator/news"
)

// TestCheckpointerCopiesWAL: after Ingest, the checkpointer (not the
// writer, whose automatic checkpoint is far off) copies what Ingest wrote
// from the WAL into the database file.
func TestCheckpointerCopiesWAL(t *testing.T) {
	db, path := newTestDB(t)
	ran := make(chan error, 1)
	db.cp.ran = func(err error) { ran <- err }
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	if err := errors.Join(db.Ingest(context.Background(), []news.Batch{firstPollBatch(0), firstPollBatch(1)})...); err != nil {
		t.Fatal(err)
	}
	if err := <-ran; err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	if after := size(); after <= before {
		t.Errorf("database file %d bytes after the checkpoint, %d before: the WAL was not copied", after, before)
	}
}
