package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/demo"
)

// demoServer serves the embedded demo feeds on a loopback port, so that
// --demo exercises the same HTTP path as real feeds.
type demoServer struct {
	srv   *http.Server
	base  string
	done  chan struct{}
	store string // the store's path
	tmp   string // a directory of this run to remove at close, or ""
}

func startDemo(ctx context.Context) (*demoServer, error) {
	store, tmp, err := demoStore()
	if err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
		return nil, fmt.Errorf("demo feed server: %w", err)
	}
	d := &demoServer{
		srv:   &http.Server{Handler: http.FileServerFS(demo.FS), ReadHeaderTimeout: 5 * time.Second},
		base:  "http://" + ln.Addr().String() + "/",
		done:  make(chan struct{}),
		store: store,
		tmp:   tmp,
	}
	go func() {
		defer close(d.done)
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "demo feed server:", err)
		}
	}()
	return d, nil
}

// demoStore returns the path of the demo's store: in the user's cache
// directory (such as ~/.cache/aggregator/demo/), so that no other user can
// read, replace or lock it (a shared $TMPDIR/aggregator-demo allowed all
// three) and so that feeds, stats and explain --demo see what the user's
// last demo run stored. Without a cache directory (no $HOME) the store is
// in a temporary directory of this run, tmp, which the caller removes.
func demoStore() (store, tmp string, err error) {
	if dir, ok := demoStoreDir(); ok {
		if err := os.MkdirAll(dir, 0o700); err == nil {
			return filepath.Join(dir, "aggregator.db"), "", nil
		}
	}
	tmp, err = os.MkdirTemp("", "aggregator-demo-")
	if err != nil {
		return "", "", fmt.Errorf("demo store: %w", err)
	}
	return filepath.Join(tmp, "aggregator.db"), tmp, nil
}

// demoStoreDir returns the directory of the demo's store in the user's
// cache directory, and false when the user has none.
func demoStoreDir() (string, bool) {
	dir, err := os.UserCacheDir()
	if err != nil || !filepath.IsAbs(dir) {
		return "", false
	}
	return filepath.Join(dir, "aggregator", "demo"), true
}

// demoStoreConfig returns the demo's configuration for a command that
// reads its store and polls nothing (feeds, stats): no feed server is
// started, and the store must be there, made by the user's last fetch or
// serve --demo.
func demoStoreConfig() (*config.Config, error) {
	dir, ok := demoStoreDir()
	if !ok {
		return nil, errors.New("no demo store: the user has no cache directory (fetch --demo keeps its store for its own run only)")
	}
	store := filepath.Join(dir, "aggregator.db")
	if _, err := os.Stat(store); err != nil {
		return nil, fmt.Errorf("no demo store at %s: run aggregator fetch --demo (or serve --demo) first", store)
	}
	d := &demoServer{store: store, base: "http://127.0.0.1/"}
	return d.config(), nil
}

// config returns the configuration of the demo: the embedded feeds, the
// store of demoStore, the output on 127.0.0.1:8080.
func (d *demoServer) config() *config.Config {
	cfg := &config.Config{
		Schedule: "@every 1m",
		Store:    d.store,
		Dedupe:   config.Dedupe{Window: 10 * 365 * 24 * time.Hour},
		Output: config.Output{
			Title:       "Aggregator demo: merged wire stories",
			Description: "Fictional agency stories as several fictional outlets republished them, merged into one story each.",
			Listen:      config.DefaultListen,
			MaxItems:    config.DefaultMaxItems,
		},
		Log: config.Log{Level: "info", Format: "text"},
		// The demo feeds come from our own loopback server: no need to
		// space requests as for a real host.
		Fetch: config.Fetch{PerHost: 8, HostDelay: new(time.Duration)},
	}
	cfg.Output.Link = "http://" + cfg.Output.Listen + "/"
	for _, f := range demo.Feeds() {
		cfg.Feeds = append(cfg.Feeds, config.Feed{Name: f.Name, URL: d.base + f.File, Tags: f.Tags})
		if f.Agency {
			cfg.Dedupe.Priority = append(cfg.Dedupe.Priority, f.Name)
		}
	}
	return cfg
}

func (d *demoServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.srv.Shutdown(ctx)
	<-d.done
	if d.tmp != "" {
		os.RemoveAll(d.tmp)
	}
}
