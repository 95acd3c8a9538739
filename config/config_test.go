package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

const valid = `schedule: "*/5 * * * *"
store: /tmp/a.db
dedupe:
  window: 48h
  priority: [agency]
output:
  title: Test
  link: https://news.example/
  max_items: 10
  listen: 127.0.0.1:9090
fetch:
  allow_files: true
feeds:
  - name: agency
    url: https://agency.example/rss
    tags: [world]
  - name: local
    url: /srv/feeds/local.xml
`

func TestParseValid(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(valid))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.Dedupe.Window != 48*time.Hour || cfg.Output.MaxItems != 10 || len(cfg.Feeds) != 2 {
		t.Errorf("unexpected config: %+v", cfg)
	}
	if cfg.Feeds[0].Tags[0] != "world" || cfg.Log.Level != "info" {
		t.Errorf("tags or defaults wrong: %+v", cfg)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		line int
		key  string
		msg  string
	}{
		{"unknown top-level key", func(s string) string { return s + "colour: red\n" }, 19, "colour", "unknown key"},
		{"unknown nested key", func(s string) string {
			return strings.Replace(s, "    tags: [world]", "    tags: [world]\n    polll: 5m", 1)
		}, 17, "feeds[0].polll", "unknown key"},
		{"bad cron", func(s string) string { return strings.Replace(s, `"*/5 * * * *"`, `"every tuesday"`, 1) }, 1, "schedule", "invalid cron"},
		{"duplicate feed name", func(s string) string { return strings.Replace(s, "name: local", "name: agency", 1) }, 17, "feeds[1].name", "duplicate feed name"},
		{"missing url", func(s string) string { return strings.Replace(s, "    url: /srv/feeds/local.xml\n", "", 1) }, 17, "feeds[1].url", "missing feed URL"},
		{"wrong type", func(s string) string { return strings.Replace(s, "max_items: 10", "max_items: lots", 1) }, 9, "output.max_items", "wrong type"},
		{"bad duration", func(s string) string { return strings.Replace(s, "48h", "two days", 1) }, 4, "dedupe.window", "wrong type"},
		{"bad scheme", func(s string) string { return strings.Replace(s, "https://agency.example/rss", "ftp://x/y", 1) }, 15, "feeds[0].url", "unsupported URL scheme"},
		{"priority names no feed", func(s string) string { return strings.Replace(s, "[agency]", "[agnecy]", 1) }, 5, "dedupe.priority[0]", "names no feed"},
		{"syntax", func(s string) string { return s + "feeds: [\n" }, 19, "", "syntax error"},
		{"size without unit", func(s string) string { return s + "memory_limit: 512\n" }, 19, "memory_limit", "needs a unit"},
		{"size too small", func(s string) string { return s + "memory_limit: 10KiB\n" }, 19, "memory_limit", "below 1MiB"},
		{"size not a number", func(s string) string { return s + "memory_limit: lotsMB\n" }, 19, "memory_limit", "not a size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.edit(valid)))
			if err == nil {
				t.Fatal("Parse accepted a bad config")
			}
			var es Errors
			var e *Error
			switch {
			case errors.As(err, &es):
				e = es[0]
			case errors.As(err, &e):
			default:
				t.Fatalf("error %T %v is not a config error", err, err)
			}
			if e.Line != tt.line || !strings.HasPrefix(e.Key, tt.key) || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %q (line %d, key %q); want line %d, key %q, message containing %q", err, e.Line, e.Key, tt.line, tt.key, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "c.yaml:") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	if _, err := Parse("c.yaml", nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("want an empty-config error, got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("feeds: [{name: a, url: 'http://x/'}]\n"))
	f.Add([]byte("schedule: '@every 1m'\nfeeds:\n - {name: a, url: /x}\n - {name: a}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil && (cfg == nil || len(cfg.Feeds) == 0) {
			t.Fatalf("accepted a config without feeds")
		}
	})
}

func TestAddFeeds(t *testing.T) {
	path := t.TempDir() + "/config.yaml"
	if err := os.WriteFile(path, []byte("# keep me\n"+valid), 0o600); err != nil {
		t.Fatal(err)
	}
	added, skipped, err := AddFeeds(path, []Feed{
		{Name: "Agency", URL: "https://agency.example/rss"}, // configured already
		{Name: "New Outlet", URL: "https://outlet.example/feed", Tags: []string{"local"}},
		{Name: "agency", URL: "https://other.example/feed"}, // name taken
	})
	if err != nil {
		t.Fatalf("AddFeeds: %v", err)
	}
	if len(skipped) != 1 || skipped[0].Feed.URL != "https://agency.example/rss" || !strings.Contains(skipped[0].Reason, `"agency"`) {
		t.Errorf("skipped %+v", skipped)
	}
	if len(added) != 2 || added[0].Name != "new-outlet" || added[1].Name != "agency-2" {
		t.Fatalf("added %+v", added)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "# keep me") {
		t.Error("comment lost")
	}
	cfg, err := Parse(path, data)
	if err != nil {
		t.Fatalf("result does not parse: %v", err)
	}
	if len(cfg.Feeds) != 4 || cfg.Feeds[2].Tags[0] != "local" {
		t.Errorf("feeds after import: %+v", cfg.Feeds)
	}
}

// TestAddFeedsToConfigWithoutFeeds: import starts from a config that
// lists no feed yet (no feeds key, or an empty list); another error still
// refuses the file.
func TestAddFeedsToConfigWithoutFeeds(t *testing.T) {
	for _, start := range []string{"store: x.db\n", "store: x.db\nfeeds: []\n"} {
		path := t.TempDir() + "/config.yaml"
		if err := os.WriteFile(path, []byte(start), 0o600); err != nil {
			t.Fatal(err)
		}
		added, _, err := AddFeeds(path, []Feed{{Name: "Outlet", URL: "https://outlet.example/feed"}})
		if err != nil || len(added) != 1 {
			t.Fatalf("%q: added %v, %v", start, added, err)
		}
		cfg, err := LoadFile(path)
		if err != nil || len(cfg.Feeds) != 1 || cfg.Store != "x.db" {
			t.Fatalf("%q: after import: %+v, %v", start, cfg, err)
		}
	}
	path := t.TempDir() + "/config.yaml"
	if err := os.WriteFile(path, []byte("store: x.db\nschedule: often\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AddFeeds(path, []Feed{{Name: "Outlet", URL: "https://outlet.example/feed"}}); err == nil || !strings.Contains(err.Error(), "schedule") {
		t.Errorf("a config with a bad schedule and no feeds: %v, want the schedule named", err)
	}
}

func TestAddFeedsInvalidChangesNothing(t *testing.T) {
	path := t.TempDir() + "/config.yaml"
	bad := valid + "colour: red\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AddFeeds(path, []Feed{{Name: "x", URL: "https://x.example/"}}); err == nil {
		t.Fatal("AddFeeds accepted an invalid config")
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != bad {
		t.Fatalf("file changed: %v", err)
	}
}

// TestHostDelay: absent means the fetcher's default, 0 means no spacing,
// a negative value is an error naming the key.
func TestHostDelay(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(valid))
	if err != nil || cfg.Fetch.HostDelay != nil {
		t.Fatalf("absent host_delay: %v, %v", cfg.Fetch.HostDelay, err)
	}
	withDelay := func(d string) []byte {
		return []byte(strings.Replace(valid, "fetch:\n", "fetch:\n  host_delay: "+d+"\n", 1))
	}
	cfg, err = Parse("c.yaml", withDelay("0s"))
	if err != nil || cfg.Fetch.HostDelay == nil || *cfg.Fetch.HostDelay != 0 {
		t.Fatalf("host_delay 0s: %v, %v", cfg.Fetch.HostDelay, err)
	}
	if _, err := Parse("c.yaml", withDelay("-1s")); err == nil || !strings.Contains(err.Error(), "fetch.host_delay") {
		t.Fatalf("negative host_delay: %v", err)
	}
}

// TestMaxItemsDefault: an absent output.max_items is DefaultMaxItems (the
// documented 200), an explicit 0 no limit.
func TestMaxItemsDefault(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       int
	}{
		{"set", valid, 10},
		{"absent", strings.Replace(valid, "  max_items: 10\n", "", 1), DefaultMaxItems},
		{"zero", strings.Replace(valid, "max_items: 10", "max_items: 0", 1), 0},
		{"no output", "feeds:\n  - name: a\n    url: https://example.com/feed.xml\n", DefaultMaxItems},
	} {
		cfg, err := Parse("c.yaml", []byte(tc.yaml))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.Output.MaxItems != tc.want {
			t.Errorf("%s: max_items %d, want %d", tc.name, cfg.Output.MaxItems, tc.want)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	tests := []struct {
		value    string
		limit    int64
		set, off bool
	}{
		{"", 0, false, false},
		{"off", 0, false, true},
		{"512MiB", 512 << 20, true, false},
		{"1.5GB", 1_500_000_000, true, false},
		{"2 GiB", 2 << 30, true, false},
		{"3000000B", 3_000_000, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			doc := valid
			if tt.value != "" {
				doc += "memory_limit: " + tt.value + "\n"
			}
			cfg, err := Parse("c.yaml", []byte(doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			limit, set, off := cfg.MemoryLimitBytes()
			if limit != tt.limit || set != tt.set || off != tt.off {
				t.Errorf("MemoryLimitBytes() = %d, %v, %v; want %d, %v, %v", limit, set, off, tt.limit, tt.set, tt.off)
			}
		})
	}
}
