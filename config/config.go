// Package config reads and validates the aggregator's YAML configuration.
//
// Parsing is strict: an unknown key, a value of the wrong type or an invalid
// value is an error that names the file, the line and the key, and nothing
// starts. A Config is a plain value; the packages it configures take plain
// parameters, never the Config itself.
package config

import (
	"strings"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Config is the whole configuration file. Load fills in defaults and
// validates it; the zero value is not valid.
type Config struct {
	// Schedule is a robfig/cron/v3 expression: 5 fields, an optional
	// leading seconds field, descriptors such as @every 10m, and CRON_TZ=.
	Schedule string `yaml:"schedule"`
	// Store is the path of the SQLite database, or a postgres:// (or
	// postgresql://) URL selecting PostgreSQL, which several instances
	// can share (docs/scale-out.md). IsPostgres tells them apart.
	Store string `yaml:"store"`
	// Retention is how long items no longer carried by their feed are
	// kept; 0 keeps them for ever.
	Retention time.Duration `yaml:"retention"`
	// MemoryLimit is the Go runtime's soft memory limit
	// (debug.SetMemoryLimit): a size such as 512MiB or 1GB, or "off".
	// Empty is the default: 3/4 of the cgroup's memory limit, else of the
	// machine's memory. MemoryLimitBytes reads it.
	MemoryLimit string `yaml:"memory_limit"`
	Log         Log    `yaml:"log"`
	Fetch       Fetch  `yaml:"fetch"`
	Dedupe      Dedupe `yaml:"dedupe"`
	Output      Output `yaml:"output"`
	// Cluster tunes the instances sharing a PostgreSQL store; SQLite
	// ignores it.
	Cluster Cluster `yaml:"cluster"`
	Feeds   []Feed  `yaml:"feeds"`
}

// Cluster tunes several instances sharing a PostgreSQL store: the poll
// jobs River distributes and the placer's lease (docs/scale-out.md).
type Cluster struct {
	// Workers is how many poll jobs one instance runs at once; 0 means
	// fetch.concurrency.
	Workers int `yaml:"workers"`
	// JobTimeout bounds one poll job: fetch, analysis and commit.
	JobTimeout time.Duration `yaml:"job_timeout"`
	// RescueAfter is how long a poll job may run before River's leader
	// presumes its instance lost and has another run it; at least
	// JobTimeout.
	RescueAfter time.Duration `yaml:"rescue_after"`
	// PlacerLease is how long the placer's lease lasts unrenewed: when
	// the placing instance dies, another takes over within about this.
	PlacerLease time.Duration `yaml:"placer_lease"`
}

// IsPostgres reports whether a store setting names a PostgreSQL database
// (a postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(store string) bool {
	lower := strings.ToLower(store)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

// Fetch configures the poller.
type Fetch struct {
	UserAgent    string        `yaml:"user_agent"`
	Timeout      time.Duration `yaml:"timeout"`
	MaxBodyBytes int64         `yaml:"max_body_bytes"`
	MaxItems     int           `yaml:"max_items"`
	Concurrency  int           `yaml:"concurrency"`
	PerHost      int           `yaml:"per_host"`
	// HostDelay is the minimum spacing between requests to one host; nil
	// (key absent) means the fetcher's default, 0 means no spacing.
	HostDelay  *time.Duration `yaml:"host_delay"`
	MaxBackoff time.Duration  `yaml:"max_backoff"`
	// MinInterval and MaxInterval bound each feed's poll interval, learned
	// from what it delivers (adaptive polling); a feed's own min_interval
	// and max_interval override them. Defaults 5m and 24h.
	MinInterval time.Duration `yaml:"min_interval"`
	MaxInterval time.Duration `yaml:"max_interval"`
	// BlockPrivate is the internal-address policy (see fetch.Options):
	// absent, a feed configured at a literal internal address or
	// localhost is fetched and every other internal address (reached by a
	// redirect, or a name resolving to one) is refused; true refuses
	// internal addresses even when configured; false allows everything,
	// and sets AllowPrivate.
	BlockPrivate bool `yaml:"block_private"`
	// AllowPrivate is set when the file says block_private: false.
	AllowPrivate bool `yaml:"-"`
	// AllowFiles lets feeds be local files (a path or file:// URL); they
	// are refused without it.
	AllowFiles bool `yaml:"allow_files"`
	// SecretParams names query parameters whose values are secrets, shown
	// as *** wherever a URL is shown, besides the common ones (token, key,
	// api_key, apikey, access_token, auth, password, passwd, secret, sig,
	// signature).
	SecretParams []string `yaml:"secret_params"`
}

// Dedupe configures story merging.
type Dedupe struct {
	// Window is how far back a new item is compared.
	Window time.Duration `yaml:"window"`
	// Priority lists feed names whose copy represents a story first
	// (agencies before outlets); others follow. Within one of them, the
	// newest version of the story represents it, its earliest copy first.
	Priority []string `yaml:"priority"`
}

// Output configures the merged feed.
type Output struct {
	Title       string `yaml:"title"`
	Link        string `yaml:"link"`
	Description string `yaml:"description"`
	// MaxItems is the number of stories in each feed; 0 means no limit,
	// an absent key DefaultMaxItems.
	MaxItems int    `yaml:"max_items"`
	Listen   string `yaml:"listen"`
	// Files maps a format (rss, atom, json) to a path written atomically
	// after every poll that changed the output.
	Files     map[string]string `yaml:"files"`
	WebSubHub string            `yaml:"websub_hub"`
	// ShowFeedURLs shows the feeds' URLs (redacted) on the public page;
	// by default the page names feeds only.
	ShowFeedURLs bool `yaml:"show_feed_urls"`
}

// Feed is one polled feed.
type Feed = news.Feed

// Defaults for keys the file leaves out.
const (
	DefaultSchedule = "*/10 * * * *"
	DefaultStore    = "aggregator.db"
	DefaultListen   = "127.0.0.1:8080"
	DefaultWindow   = 72 * time.Hour
	DefaultMaxItems = 200

	DefaultJobTimeout  = time.Minute
	DefaultRescueAfter = 5 * time.Minute
	DefaultPlacerLease = 10 * time.Second
)

func (c *Config) setDefaults() {
	if c.Schedule == "" {
		c.Schedule = DefaultSchedule
	}
	if c.Store == "" {
		c.Store = DefaultStore
	}
	if c.Dedupe.Window == 0 {
		c.Dedupe.Window = DefaultWindow
	}
	if c.Output.Listen == "" {
		c.Output.Listen = DefaultListen
	}
	if c.Output.Title == "" {
		c.Output.Title = "Aggregated news"
	}
	if c.Output.Link == "" {
		c.Output.Link = "http://" + c.Output.Listen + "/"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Cluster.JobTimeout == 0 {
		c.Cluster.JobTimeout = DefaultJobTimeout
	}
	if c.Cluster.RescueAfter == 0 {
		c.Cluster.RescueAfter = max(DefaultRescueAfter, c.Cluster.JobTimeout)
	}
	if c.Cluster.PlacerLease == 0 {
		c.Cluster.PlacerLease = DefaultPlacerLease
	}
	c.Fetch.setPaceDefaults()
}
