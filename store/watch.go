package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// fileID is a file's identity: its device and inode.
type fileID struct{ dev, ino uint64 }

func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, errors.New("no device and inode")
	}
	return fileID{dev: uint64(st.Dev), ino: st.Ino}, nil
}

// ErrReplaced is wrapped by CheckFile's error when the store's path no
// longer names the file that was opened.
var ErrReplaced = errors.New("the store file was deleted or replaced")

// CheckFile reports whether the store's path still names the file that was
// opened (same device and inode). A store deleted or replaced under a
// running daemon would take its writes into an unlinked file, lost at the
// next start: the daemon checks before each poll.
func (db *DB) CheckFile() error {
	id, err := statID(db.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("store %s: %w (it is gone)", db.path, ErrReplaced)
	case err != nil:
		return fmt.Errorf("store %s: %w", db.path, err)
	case id != db.id:
		return fmt.Errorf("store %s: %w (another file is at the path now)", db.path, ErrReplaced)
	}
	return nil
}

// DataVersion is a number that changes whenever a connection other than
// the one asking (another process, or this process's writer) commits a
// change: SQLite's PRAGMA data_version, asked on one read connection kept
// for it. A daemon compares it across calls to see the changes another
// process made.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	db.watchMu.Lock()
	defer db.watchMu.Unlock()
	if db.watch == nil {
		c, err := db.r.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("store: data version: %w", err)
		}
		db.watch = c
	}
	var v int64
	if err := db.watch.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return v, nil
}

// watchConn is the read connection DataVersion keeps.
type watchConn struct {
	watchMu sync.Mutex
	watch   *sql.Conn
}

func (w *watchConn) closeWatch() error {
	w.watchMu.Lock()
	defer w.watchMu.Unlock()
	if w.watch == nil {
		return nil
	}
	err := w.watch.Close()
	w.watch = nil
	return err
}

// ErrBusy is returned by TryLockPolls when another process polls the
// store.
var ErrBusy = errors.New("another process is polling this store")

// LockPolls takes the store's poll lock, waiting while another process
// holds it, until ctx ends: one process polls a store at a time, so that
// each run's report counts what it stored. The lock is an flock(2) on the
// file PATH-poll.lock beside the store, released by unlock or when the
// process ends, however it ends.
func (db *DB) LockPolls(ctx context.Context) (unlock func(), err error) {
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		unlock, err := db.TryLockPolls()
		if !errors.Is(err, ErrBusy) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store %s: wait for the poll lock: %w", db.path, context.Cause(ctx))
		case <-time.After(wait):
		}
	}
}

// TryLockPolls takes the poll lock (see LockPolls) or returns an error
// wrapping ErrBusy at once.
func (db *DB) TryLockPolls() (unlock func(), err error) {
	name := db.path + "-poll.lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: poll lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("store %s: %w", db.path, ErrBusy)
		}
		return nil, fmt.Errorf("store: poll lock %s: %w", name, err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}
