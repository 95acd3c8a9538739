package main

import (
	"context"
	"net/http"
	"slices"
	"time"

	"aggregator/config"
	"aggregator/news"
	"aggregator/output"
)

// routes is the daemon's HTTP surface: health, readiness and metrics
// beside the output server's feeds and page.
func (d *daemon) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", d.readyz)
	mux.Handle("GET /metrics", d.met.handler())
	mux.Handle("/", d.met.countRequests(d.out))
	return mux
}

// readyz answers 200 once the store answers and a poll has finished.
func (d *daemon) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := d.app.store.Ping(ctx); err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if !d.ready.Load() {
		http.Error(w, "no poll has finished yet", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// orderStates returns the states of the configured feeds in config order,
// with a blank state for a feed never polled.
func orderStates(cfg *config.Config, states map[string]news.FeedState) []news.FeedState {
	out := make([]news.FeedState, 0, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		st, ok := states[f.Name]
		if !ok {
			st = news.FeedState{Name: f.Name, URL: f.URL}
		}
		out = append(out, st)
	}
	return out
}

func writeFiles(cfg *config.Config, stories []news.Story) error {
	return output.WriteFiles(cfg.Output.Files, stories, outputOptions(cfg, pollInterval(cfg.Schedule), nil))
}

// reload re-reads the config on SIGHUP. A valid config applies at once:
// feeds added and removed, schedules, output settings; new feeds are
// polled right away. An invalid one is logged and the old one stays.
func (d *daemon) reload(ctx context.Context) {
	log := d.app.log
	_ = d.notify.reloading()
	defer func() { _ = d.notify.send("READY=1") }()
	if d.cf.demo {
		log.Info("reload: the demo has no config file to re-read")
		return
	}
	cfg, err := config.LoadFile(d.cf.path)
	if err != nil {
		log.Error("reload: invalid config, keeping the running one", "err", err)
		return
	}
	d.mu.Lock()
	old := d.cfg
	d.mu.Unlock()
	if cfg.Store != old.Store && d.cf.store == "" {
		log.Warn("reload: a new store path takes a restart; keeping the open store", "store", old.Store)
	}
	cfg.Store = old.Store
	if cfg.Output.Listen != old.Output.Listen {
		log.Warn("reload: a new listen address takes a restart", "listen", old.Output.Listen)
		cfg.Output.Listen = old.Output.Listen
	}
	d.app.pipe.SetConfig(pipelineConfig(cfg))
	d.out.SetOptions(outputOptions(cfg, pollInterval(cfg.Schedule), d.outputError))
	if err := d.schedule(cfg); err != nil {
		log.Error("reload: schedule", "err", err)
		return
	}
	d.mu.Lock()
	d.cfg = cfg
	d.app.cfg = cfg
	d.mu.Unlock()
	added := addedFeeds(old, cfg)
	log.Info("reloaded config", "feeds", len(cfg.Feeds), "added", added, "schedule", cfg.Schedule)
	if len(added) > 0 {
		d.startPoll(added)
	} else {
		d.publish(ctx)
	}
}

func addedFeeds(old, cfg *config.Config) []string {
	var added []string
	for _, f := range cfg.Feeds {
		if !slices.ContainsFunc(old.Feeds, func(o config.Feed) bool { return o.Name == f.Name && o.URL == f.URL }) {
			added = append(added, f.Name)
		}
	}
	return added
}
