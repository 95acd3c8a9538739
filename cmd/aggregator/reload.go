package main

import (
	"runtime/debug"
	"slices"

	"github.com/wirestory/aggregator/config"
)

// reload re-reads the config on SIGHUP, telling systemd (RELOADING=1, then
// READY=1). A valid config applies at once: feeds added and removed,
// schedules, output settings, log level; new feeds are polled right away.
// An invalid one is logged and the running one stays. The listener and
// its connections are not touched.
func (d *daemon) reload() {
	log := d.app.log
	if err := d.notify.reloading(); err != nil {
		log.Warn("notify systemd", "err", err)
	}
	defer d.notifyState("READY=1")
	defer func() {
		if v := recover(); v != nil {
			log.Error("panic in reload", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	if d.cf.demo {
		log.Info("reload: the demo has no config file to re-read")
		return
	}
	cfg, err := config.LoadFile(d.cf.path)
	if err != nil {
		log.Error("reload: invalid config, keeping the running one", "err", err)
		return
	}
	d.cf.apply(cfg)
	d.apply(cfg)
}

// apply switches the daemon to cfg, a valid config: new settings are
// swapped in whole, and the next poll runs with them.
func (d *daemon) apply(cfg *config.Config) {
	log := d.app.log
	old := d.cur.Load()
	d.keepRestartOnly(old.cfg, cfg)
	if err := d.sched.set(feedsBySchedule(cfg)); err != nil {
		log.Error("reload: keeping the running config", "err", err)
		return
	}
	cur := d.currentOf(cfg, old)
	d.cur.Store(cur)
	if cur.pipe.Fetcher != old.pipe.Fetcher {
		log.Info("reload: new fetch settings apply from the next poll")
	}
	d.out.SetOptions(cur.out)
	d.app.level.Set(parseLevel(cfg.Log.Level))
	added := addedFeeds(old.cfg, cfg)
	log.Info("reloaded config", "feeds", len(cfg.Feeds), "added", added, "schedule", cfg.Schedule)
	if len(added) > 0 {
		d.polls.request(added) // it publishes when done
	} else {
		d.polls.republish()
	}
}

// keepRestartOnly keeps in cfg the old values of the settings that take a
// restart (store, listener, log format), warning when the file changed them.
func (d *daemon) keepRestartOnly(old, cfg *config.Config) {
	log := d.app.log
	if cfg.Store != old.Store {
		log.Warn("reload: a new store path takes a restart; keeping the open store", "store", storeName(old.Store))
		cfg.Store = old.Store
	}
	if cfg.Cluster != old.Cluster {
		log.Warn("reload: new cluster settings take a restart")
		cfg.Cluster = old.Cluster
	}
	if cfg.Output.Listen != old.Output.Listen {
		log.Warn("reload: a new listen address takes a restart", "listen", old.Output.Listen)
		cfg.Output.Listen = old.Output.Listen
	}
	if cfg.Log.Format != old.Log.Format {
		log.Warn("reload: a new log format takes a restart", "format", old.Log.Format)
		cfg.Log.Format = old.Log.Format
	}
}

// addedFeeds returns the feeds of cfg that old did not have with the same
// URL.
func addedFeeds(old, cfg *config.Config) []string {
	var added []string
	for _, f := range cfg.Feeds {
		if !slices.ContainsFunc(old.Feeds, func(o config.Feed) bool { return o.Name == f.Name && o.URL == f.URL }) {
			added = append(added, f.Name)
		}
	}
	return added
}
