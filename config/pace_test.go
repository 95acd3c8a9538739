package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// withPace returns valid with lines added to the fetch section and to the
// first feed.
func withPace(fetchLines, feedLines string) []byte {
	s := strings.Replace(valid, "fetch:\n", "fetch:\n"+fetchLines, 1)
	return []byte(strings.Replace(s, "    tags: [world]\n", "    tags: [world]\n"+feedLines, 1))
}

// TestPaceDefaultsAndOverrides: the bounds default to 5m and 24h
// (news.DefaultMinInterval and DefaultMaxInterval, which fetch also
// takes); each feed carries the global bounds unless it sets its
// own.
func TestPaceDefaultsAndOverrides(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if news.DefaultMinInterval != 5*time.Minute || news.DefaultMaxInterval != 24*time.Hour {
		t.Errorf("news defaults %v-%v, want 5m-24h", news.DefaultMinInterval, news.DefaultMaxInterval)
	}
	if f := cfg.Fetch; f.MinInterval != news.DefaultMinInterval || f.MaxInterval != news.DefaultMaxInterval {
		t.Errorf("defaults %v-%v, want 5m-24h", f.MinInterval, f.MaxInterval)
	}
	cfg, err = Parse("c.yaml", withPace("  min_interval: 2m\n  max_interval: 6h\n", "    min_interval: 30s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f := cfg.Feeds[0]; f.MinInterval != 30*time.Second || f.MaxInterval != 6*time.Hour {
		t.Errorf("feed with its own minimum: %v-%v, want 30s-6h", f.MinInterval, f.MaxInterval)
	}
	if f := cfg.Feeds[1]; f.MinInterval != 2*time.Minute || f.MaxInterval != 6*time.Hour {
		t.Errorf("feed without bounds: %v-%v, want the fetch section's 2m-6h", f.MinInterval, f.MaxInterval)
	}
}

// TestPaceErrors: a bad bound names its key and line, and the bound the
// other came from.
func TestPaceErrors(t *testing.T) {
	for _, tc := range []struct {
		name, fetchLines, feedLines string
		line                        int
		key, msg                    string
	}{
		{"negative", "  min_interval: -1m\n", "", 12, "fetch.min_interval", "must not be negative"},
		{"min above max", "  min_interval: 2h\n  max_interval: 1h\n", "", 13, "fetch.max_interval", "1h0m0s is below the minimum interval 2h0m0s (fetch.min_interval)"},
		{"min above the default max", "  min_interval: 48h\n", "", 12, "fetch.min_interval", "above the maximum interval 24h0m0s (the default)"},
		{"not a duration", "  max_interval: daily\n", "", 12, "fetch.max_interval", "wrong type"},
		{"feed negative", "", "    max_interval: -5m\n", 17, "feeds[0].max_interval", "must not be negative"},
		{"feed max below global min", "  min_interval: 10m\n", "    max_interval: 5m\n", 18, "feeds[0].max_interval", "below the minimum interval 10m0s (fetch.min_interval)"},
		{"feed min above default max", "", "    min_interval: 25h\n", 17, "feeds[0].min_interval", "above the maximum interval 24h0m0s (the default)"},
		{"feed min above own max", "", "    min_interval: 2h\n    max_interval: 1h\n", 18, "feeds[0].max_interval", "(feeds[0].min_interval)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", withPace(tc.fetchLines, tc.feedLines))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Parse = %v, want config errors", err)
			}
			e := es[0]
			if len(es) != 1 || e.Line != tc.line || e.Key != tc.key || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %q (line %d, key %q); want line %d, key %q, message containing %q", err, e.Line, e.Key, tc.line, tc.key, tc.msg)
			}
		})
	}
}
