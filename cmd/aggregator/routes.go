package main

import (
	"context"
	"net/http"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/news"
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
	stories, archives := d.pageHandlers()
	mux.Handle("GET /stories/{id}", stories)
	mux.Handle("GET /archive/{file}", archives)
	mux.Handle("/", d.out)
	return mux
}

// readyz answers 200 once the store answers and a poll has finished,
// and 503 again once shutdown has begun.
func (d *daemon) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := d.app.store.Ping(ctx); err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if d.stopping.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
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
