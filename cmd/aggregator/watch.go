package main

import (
	"context"
	"time"
)

// watchInterval is how often the daemon looks at the store for changes
// another process made (a one-shot fetch on the same store).
const watchInterval = 5 * time.Second

// watchStore republishes when another process changed the store since the
// last publish, and ends the daemon when the store file was deleted or
// replaced. The returned function stops it and waits for it.
func (d *daemon) watchStore() (stop func()) {
	return every(watchInterval, func() bool {
		if err := d.app.store.CheckFile(); err != nil {
			d.fail(err)
			return false
		}
		if v := d.version(context.Background()); v != d.published.Load() {
			d.app.log.Info("the store changed since the last publish: publishing again")
			d.polls.republish()
		}
		return true
	})
}

// every calls fn every d, until fn returns false or the returned function
// is called; that function waits for a call of fn in progress.
func every(d time.Duration, fn func() bool) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				if !fn() {
					return
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

// version returns the store's data version; 0 when it cannot be read (the
// next look tries again).
func (d *daemon) version(ctx context.Context) int64 {
	v, err := d.app.store.DataVersion(ctx)
	if err != nil {
		d.app.log.Warn("read the store's data version", "err", err)
	}
	return v
}

// fail stops reporting ready and ends the daemon with err (systemd
// restarts it).
func (d *daemon) fail(err error) {
	d.ready.Store(false)
	d.app.log.Error("the daemon cannot go on", "err", err)
	select {
	case d.fatal <- err:
	default: // already failing
	}
}
