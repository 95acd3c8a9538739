package store

import "database/sql"

// checkpointer copies the WAL into the database file on a connection of
// its own, after the writer's large transactions (Ingest's and Place's),
// so that the writer does not wait for the copy and its fsyncs: with the
// writer checkpointing at every walCheckpointPages pages, the writer of a
// first poll of 1,000 × 50 spent 3.7 s waiting in fsync (runtime trace). A
// checkpoint never blocks the writer or the readers (SQLite's PASSIVE
// mode); kicks that arrive while one runs make one more. The writer's own
// automatic checkpoint stays, at a higher mark, for when this one lags.
type checkpointer struct {
	c    *sql.DB
	kick chan struct{}
	done chan struct{}
	// ran, when set (by tests, before the first poke), is called after
	// each checkpoint with its error.
	ran func(error)
}

// startCheckpointer opens the checkpointing connection on path.
func startCheckpointer(path string) (*checkpointer, error) {
	c, err := sql.Open(driverName, dsn(path, false))
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	c.SetConnMaxIdleTime(0)
	cp := &checkpointer{c: c, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go cp.run()
	return cp, nil
}

func (cp *checkpointer) run() {
	defer close(cp.done)
	for range cp.kick {
		// A failed checkpoint only leaves the WAL longer: the writer's
		// automatic checkpoint or the next kick copies it.
		_, err := cp.c.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		if cp.ran != nil {
			cp.ran(err)
		}
	}
}

// poke asks for a checkpoint without waiting for it.
func (cp *checkpointer) poke() {
	if cp == nil {
		return
	}
	select {
	case cp.kick <- struct{}{}:
	default: // one is pending already
	}
}

// close waits for a running checkpoint and closes the connection.
func (cp *checkpointer) close() error {
	if cp == nil {
		return nil
	}
	close(cp.kick)
	<-cp.done
	return cp.c.Close()
}
