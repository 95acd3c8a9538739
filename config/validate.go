package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/wirestory/aggregator/news"
)

// CronParser parses schedules the way the daemon runs them: five fields
// with an optional leading seconds field, descriptors (@every, @hourly) and
// a CRON_TZ= or TZ= prefix.
var CronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour |
	cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

var formats = map[string]bool{"rss": true, "atom": true, "json": true}

type validator struct {
	file string
	doc  *yaml.Node
	errs Errors
}

func (v *validator) fail(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: lookup(v.doc, key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (c *Config) validate(file string, doc *yaml.Node) Errors {
	v := &validator{file: file, doc: doc}
	v.checkCron("schedule", c.Schedule)
	if c.Retention < 0 {
		v.fail("retention", "must not be negative")
	}
	if _, _, err := ParseSize(c.MemoryLimit); err != nil {
		v.fail("memory_limit", "%v", err)
	}
	c.validateLog(v)
	c.validateFetch(v)
	if c.Dedupe.Window < 0 {
		v.fail("dedupe.window", "must not be negative")
	}
	c.validateOutput(v)
	c.validateStore(v)
	c.validateFeeds(v)
	c.validatePace(v)
	return v.errs
}

// validateStore checks a PostgreSQL store's URL and the cluster keys. The
// URL is never quoted: it may hold a password.
func (c *Config) validateStore(v *validator) {
	if IsPostgres(c.Store) {
		if _, err := url.Parse(c.Store); err != nil {
			v.fail("store", "not a valid postgres:// URL (the value is not shown: it may hold a password)")
		}
	}
	cl := c.Cluster
	if cl.Workers < 0 || cl.Workers > 10000 {
		v.fail("cluster.workers", "must be between 0 (fetch.concurrency) and 10000, not %d", cl.Workers)
	}
	durations := []struct {
		key string
		d   time.Duration
	}{{"cluster.job_timeout", cl.JobTimeout}, {"cluster.rescue_after", cl.RescueAfter}, {"cluster.placer_lease", cl.PlacerLease}}
	for _, kd := range durations {
		if kd.d < time.Second {
			v.fail(kd.key, "must be at least 1s, not %s", kd.d)
		}
	}
	if cl.RescueAfter < cl.JobTimeout {
		v.fail("cluster.rescue_after", "must be at least cluster.job_timeout (%s), not %s", cl.JobTimeout, cl.RescueAfter)
	}
}

// checkCron fails key when expr is not a cron expression the daemon can
// run, or has a step larger than its field's range.
func (v *validator) checkCron(key, expr string) {
	if _, err := CronParser.Parse(expr); err != nil {
		v.fail(key, "invalid cron expression %q: %v", expr, err)
	} else if err := checkCronSteps(expr); err != nil {
		v.fail(key, "invalid cron expression %q: %v", expr, err)
	}
}

func (c *Config) validateLog(v *validator) {
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		v.fail("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		v.fail("log.format", "must be text or json, not %q", c.Log.Format)
	}
}

func (c *Config) validateFetch(v *validator) {
	f := c.Fetch
	checks := []struct {
		key string
		bad bool
	}{
		{"fetch.timeout", f.Timeout < 0},
		{"fetch.max_body_bytes", f.MaxBodyBytes < 0},
		{"fetch.max_items", f.MaxItems < 0},
		{"fetch.concurrency", f.Concurrency < 0},
		{"fetch.per_host", f.PerHost < 0},
		{"fetch.host_delay", f.HostDelay != nil && *f.HostDelay < 0},
		{"fetch.max_backoff", f.MaxBackoff < 0},
	}
	for _, ch := range checks {
		if ch.bad {
			v.fail(ch.key, "must not be negative")
		}
	}
	for i, p := range f.SecretParams {
		if strings.TrimSpace(p) == "" {
			v.fail(fmt.Sprintf("fetch.secret_params[%d]", i), "is empty")
		}
	}
}

func (c *Config) validateOutput(v *validator) {
	o := c.Output
	if o.MaxItems < 0 {
		v.fail("output.max_items", "must not be negative (0 means no limit)")
	}
	if _, _, err := net.SplitHostPort(o.Listen); err != nil {
		v.fail("output.listen", "must be host:port: %v", err)
	}
	if u, err := url.Parse(o.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail("output.link", "must be an absolute http(s) URL, not %q", news.RedactURL(o.Link))
	}
	for format, path := range o.Files {
		if !formats[format] {
			v.fail("output.files."+format, "unknown format %q (want rss, atom or json)", format)
		} else if path == "" {
			v.fail("output.files."+format, "path is empty")
		}
	}
	if o.WebSubHub != "" {
		if u, err := url.Parse(o.WebSubHub); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			v.fail("output.websub_hub", "must be an http(s) URL, not %q", news.RedactURL(o.WebSubHub))
		}
	}
}

func (c *Config) validateFeeds(v *validator) {
	if len(c.Feeds) == 0 {
		v.fail("feeds", "at least one feed is required")
	}
	seen := make(map[string]int)
	urls := make(map[string]int)
	for i, f := range c.Feeds {
		key := fmt.Sprintf("feeds[%d]", i)
		switch err := checkName(f.Name); {
		case strings.TrimSpace(f.Name) == "":
			v.fail(key+".name", "missing feed name")
		case err != nil:
			v.fail(key+".name", "feed name %v", err)
		default:
			if j, dup := seen[f.Name]; dup {
				v.fail(key+".name", "duplicate feed name %q (also feeds[%d])", f.Name, j)
			}
			seen[f.Name] = i
		}
		for j, t := range f.Tags {
			if err := checkName(t); err != nil {
				v.fail(fmt.Sprintf("%s.tags[%d]", key, j), "tag %v", err)
			}
		}
		c.validateFeedURL(v, i, urls)
		if f.Schedule != "" {
			v.checkCron(key+".schedule", f.Schedule)
		}
	}
	for i, name := range c.Dedupe.Priority {
		if _, ok := seen[name]; !ok {
			v.fail(fmt.Sprintf("dedupe.priority[%d]", i), "names no feed: %q", name)
		}
	}
}

// validateFeedURL checks the URL of feed i: its form, local files only
// with fetch.allow_files, and no second entry for the same URL (urls maps
// the urlKey of each URL seen to its entry).
func (c *Config) validateFeedURL(v *validator, i int, urls map[string]int) {
	f, key := c.Feeds[i], fmt.Sprintf("feeds[%d].url", i)
	shown := news.RedactURL(f.URL, c.Fetch.SecretParams...)
	if err := checkFeedURL(f.URL, shown); err != nil {
		v.fail(key, "%v", err)
		return
	}
	if isLocalFeed(f.URL) && !c.Fetch.AllowFiles {
		v.fail(key, "%q is a local file: file feeds are read only with fetch.allow_files: true", shown)
	}
	k := urlKey(f.URL)
	if j, dup := urls[k]; dup {
		v.fail(key, "same feed URL as feeds[%d] %q (line %d): %q; a feed is listed once",
			j, c.Feeds[j].Name, lookup(v.doc, fmt.Sprintf("feeds[%d]", j)), shown)
		return
	}
	urls[k] = i
}

// checkFeedURL checks the form of a feed URL; shown is raw redacted, for
// the messages.
func checkFeedURL(raw, shown string) error {
	if strings.TrimSpace(raw) == "" {
		return fmt.Errorf("missing feed URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %s", shown, news.RedactText(err.Error()))
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("URL %q has no host", shown)
		}
	case "file", "":
		// A local feed: a file path.
	default:
		return fmt.Errorf("unsupported URL scheme %q (want http, https or a file path)", u.Scheme)
	}
	return nil
}
