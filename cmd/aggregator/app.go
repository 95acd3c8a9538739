package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/fetch"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// configFlags are the flags every command that reads the config takes;
// they override the file's values, also when serve reloads it.
type configFlags struct {
	path     string
	demo     bool
	store    string
	logLevel string
	logJSON  bool
	listen   string // serve only
}

func (c *configFlags) register(fs *flag.FlagSet, withDemo bool) {
	fs.StringVar(&c.path, "config", "config.yaml", "configuration `file`")
	fs.StringVar(&c.store, "store", "", "override the store `path` of the config")
	fs.StringVar(&c.logLevel, "log-level", "", "override log.level: debug, info, warn or error")
	fs.BoolVar(&c.logJSON, "log-json", false, "log as JSON lines instead of text")
	if withDemo {
		fs.BoolVar(&c.demo, "demo", false, "run on the demo feeds embedded in the binary (no network needed)")
	}
}

// app is the wired aggregator: config, logger, store, pipeline. The
// daemon does not change cfg after start; it keeps its own current
// settings.
type app struct {
	cfg   *config.Config
	log   *slog.Logger
	level *slog.LevelVar // the logger's level; a reload may change it
	store storage
	pg    *postgres.DB // the same store when it is PostgreSQL; nil for SQLite
	pipe  *pipeline.Pipeline
	demo  *demoServer // nil unless --demo
	// fetcherFor makes the fetcher of a config: a fetch.Client with its
	// fetch options, unless a test wraps it.
	fetcherFor func(*config.Config) pipeline.Fetcher
}

// loadConfig reads the config named by the flags, or builds the demo one.
func loadConfig(ctx context.Context, e *env, cf *configFlags) (*config.Config, *demoServer, error) {
	var (
		cfg  *config.Config
		demo *demoServer
		err  error
	)
	if cf.demo {
		demo, err = startDemo(ctx)
		if err != nil {
			return nil, nil, err
		}
		cfg = demo.config()
	} else if cfg, err = config.LoadFile(cf.path); err != nil {
		return nil, nil, &exitError{code: 2, err: err}
	}
	cf.apply(cfg)
	if _, err := levelOf(cfg.Log.Level); err != nil {
		if demo != nil {
			demo.close()
		}
		return nil, nil, &exitError{code: 2, err: fmt.Errorf("--log-level: %w", err)}
	}
	return cfg, demo, nil
}

// apply writes the flags that were given over cfg.
func (cf *configFlags) apply(cfg *config.Config) {
	if cf.store != "" {
		cfg.Store = cf.store
	}
	if cf.logLevel != "" {
		cfg.Log.Level = cf.logLevel
	}
	if cf.logJSON {
		cfg.Log.Format = "json"
	}
	if cf.listen != "" {
		cfg.Output.Listen = cf.listen
	}
}

// openApp loads the config and opens the store and the pipeline.
func openApp(ctx context.Context, e *env, cf *configFlags) (*app, error) {
	cfg, demo, err := loadConfig(ctx, e, cf)
	if err != nil {
		return nil, err
	}
	return newApp(ctx, cfg, demo, e.stderr, newFetcher)
}

// newFetcher is the fetcher of cfg.
func newFetcher(cfg *config.Config) pipeline.Fetcher { return fetch.NewClient(fetchOptions(cfg)) }

// newApp opens the store of cfg and a pipeline over it, logging to stderr;
// fetcherFor makes the fetcher of a config. On error it closes what it
// opened, demo included.
func newApp(ctx context.Context, cfg *config.Config, demo *demoServer, stderr io.Writer, fetcherFor func(*config.Config) pipeline.Fetcher) (*app, error) {
	a := &app{cfg: cfg, demo: demo, level: new(slog.LevelVar), fetcherFor: fetcherFor}
	a.level.Set(parseLevel(cfg.Log.Level))
	a.log = newLogger(stderr, a.level, cfg.Log.Format)
	setMemoryLimit(cfg, a.log)
	var err error
	if !config.IsPostgres(cfg.Store) {
		if err = os.MkdirAll(filepath.Dir(cfg.Store), 0o750); err != nil {
			a.close()
			return nil, fmt.Errorf("create store directory: %w", err)
		}
	}
	if a.store, a.pg, err = openStorage(ctx, cfg); err != nil {
		a.close()
		return nil, err
	}
	a.pipe = pipeline.New(a.store, a.log)
	return a, nil
}

// setMemoryLimit sets the Go runtime's soft memory limit from the
// config's memory_limit: the size given, none for "off", and by default
// 3/4 of the cgroup's memory limit, else of the machine's memory. A
// GOMEMLIMIT in the environment wins over all of them (the runtime has
// read it).
func setMemoryLimit(cfg *config.Config, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		log.Debug("memory limit from GOMEMLIMIT", "bytes", debug.SetMemoryLimit(-1))
		return
	}
	limit, set, off := cfg.MemoryLimitBytes()
	switch {
	case off:
		limit = math.MaxInt64
	case !set:
		limit = defaultMemoryLimit()
	}
	if limit <= 0 {
		return
	}
	debug.SetMemoryLimit(limit)
	log.Debug("memory limit", "bytes", limit)
}

// defaultMemoryLimit is 3/4 of the memory this process may use: its
// cgroup's limit (v2, then v1), else the machine's memory; 0 when neither
// can be read.
func defaultMemoryLimit() int64 {
	avail := int64(0)
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// "max" (v2) and a huge number (v1) mean no limit.
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < 1<<50 {
			avail = n
			break
		}
	}
	if mem := machineMemory(); avail == 0 || (mem > 0 && mem < avail) {
		avail = mem
	}
	return avail / 4 * 3
}

// machineMemory is MemTotal of /proc/meminfo in bytes; 0 when unknown.
func machineMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for l := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

func (a *app) close() {
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Error("close store", "err", err)
		}
	}
	if a.demo != nil {
		a.demo.close()
	}
}

// hostDelay maps the config's host_delay to fetch's: absent is the
// default (0 for fetch), 0 is no spacing (negative for fetch).
func hostDelay(d *time.Duration) time.Duration {
	switch {
	case d == nil:
		return 0
	case *d == 0:
		return -1
	}
	return *d
}

func fetchOptions(cfg *config.Config) fetch.Options {
	f := cfg.Fetch
	return fetch.Options{
		UserAgent:    f.UserAgent,
		Timeout:      f.Timeout,
		MaxBodyBytes: f.MaxBodyBytes,
		MaxItems:     f.MaxItems,
		Concurrency:  f.Concurrency,
		PerHost:      f.PerHost,
		HostDelay:    hostDelay(f.HostDelay),
		MaxBackoff:   f.MaxBackoff,
		BlockPrivate: f.BlockPrivate,
		AllowPrivate: f.AllowPrivate,
		SecretParams: news.NewSecretParams(f.SecretParams...),
	}
}

// settingsOf is the pipeline settings of cfg, fetching with f.
func settingsOf(cfg *config.Config, f pipeline.Fetcher) *pipeline.Settings {
	return &pipeline.Settings{
		Feeds:        slices.Clone(cfg.Feeds),
		Window:       cfg.Dedupe.Window,
		Retention:    cfg.Retention,
		Priority:     slices.Clone(cfg.Dedupe.Priority),
		Fetcher:      f,
		SecretParams: slices.Clone(cfg.Fetch.SecretParams),
		// As many feeds in flight as fetches: a feed waiting for its
		// server holds no memory.
		InFlight: cfg.Fetch.Concurrency,
	}
}

// outputOptions maps the config to output's options; maxAge is the
// interval between polls, used for Cache-Control.
func outputOptions(cfg *config.Config, maxAge time.Duration, onError func(error)) output.Options {
	return output.Options{
		Title:        cfg.Output.Title,
		Link:         cfg.Output.Link,
		Description:  cfg.Output.Description,
		MaxItems:     cfg.Output.MaxItems,
		MaxAge:       maxAge,
		WebSubHub:    cfg.Output.WebSubHub,
		OnError:      onError,
		ShowFeedURLs: cfg.Output.ShowFeedURLs,
		SecretParams: cfg.Fetch.SecretParams,
	}
}
