package store

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

func TestCheckFile(t *testing.T) {
	db, path := newTestDB(t)
	if err := db.CheckFile(); err != nil {
		t.Fatalf("CheckFile of the file opened: %v", err)
	}
	if err := os.Rename(path, path+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckFile(); !errors.Is(err, ErrReplaced) {
		t.Errorf("CheckFile after the file was moved away = %v", err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckFile(); !errors.Is(err, ErrReplaced) {
		t.Errorf("CheckFile after another file took the path = %v", err)
	}
}

// TestDataVersion: the version changes when another process commits (a
// second DB on the file stands for it), and not when nothing was written.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	db, path := newTestDB(t)
	v0, err := db.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.DataVersion(ctx); err != nil || v != v0 {
		t.Fatalf("version moved without a write: %d, %d, %v", v0, v, err)
	}
	other := openTest(t, path)
	mustApply(t, other, batch("ap", t0, entry("ap", "a", "a", t0)))
	if v, err := db.DataVersion(ctx); err != nil || v == v0 {
		t.Errorf("version after another process's commit = %d (was %d), %v", v, v0, err)
	}
}

// TestPollLock: one process holds the poll lock at a time; a waiter gets
// it once the holder lets go, and gives up when its context ends.
func TestPollLock(t *testing.T) {
	db, path := newTestDB(t)
	other := openTest(t, path)
	unlock, err := db.TryLockPolls()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.TryLockPolls(); !errors.Is(err, ErrBusy) {
		t.Fatalf("second lock = %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := other.LockPolls(ctx); err == nil {
		t.Fatal("LockPolls took a held lock")
	}
	got := make(chan error, 1)
	go func() {
		u, err := other.LockPolls(context.Background())
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("waiter after release: %v", err)
	}
}
