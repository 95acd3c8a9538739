package config

import (
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
)

// setPaceDefaults fills in the bounds the file leaves out.
func (f *Fetch) setPaceDefaults() {
	if f.MinInterval == 0 {
		f.MinInterval = news.DefaultMinInterval
	}
	if f.MaxInterval == 0 {
		f.MaxInterval = news.DefaultMaxInterval
	}
}

// validatePace checks the bounds of the learned poll intervals, global
// and per feed: none negative, and the minimum not above the maximum (a
// feed's own bound against the other it sets or inherits).
func (c *Config) validatePace(v *validator) {
	f := c.Fetch
	v.checkBounds(bound{"fetch.min_interval", f.MinInterval, v.source("fetch.min_interval")},
		bound{"fetch.max_interval", f.MaxInterval, v.source("fetch.max_interval")})
	for i, fd := range c.Feeds {
		if fd.MinInterval == 0 && fd.MaxInterval == 0 {
			continue // the global bounds, checked above
		}
		key := fmt.Sprintf("feeds[%d].", i)
		lo := bound{key + "min_interval", fd.MinInterval, key + "min_interval"}
		hi := bound{key + "max_interval", fd.MaxInterval, key + "max_interval"}
		if fd.MinInterval == 0 {
			lo.d, lo.from = f.MinInterval, v.source("fetch.min_interval")
		}
		if fd.MaxInterval == 0 {
			hi.d, hi.from = f.MaxInterval, v.source("fetch.max_interval")
		}
		v.checkBounds(lo, hi)
	}
}

// bound is an interval bound: its key, its value, and where the value
// came from (its key, another it inherits, or "the default").
type bound struct {
	key  string
	d    time.Duration
	from string
}

// source is key when the file sets it, else "the default".
func (v *validator) source(key string) string {
	n := v.doc
	for _, part := range splitPath(key) {
		if n, _ = child(n, part); n == nil {
			return "the default"
		}
	}
	return key
}

// checkBounds fails a negative bound, and a minimum above the maximum at
// the bound the file sets (the maximum when it sets both).
func (v *validator) checkBounds(lo, hi bound) {
	if lo.d < 0 || hi.d < 0 {
		for _, b := range []bound{lo, hi} {
			if b.d < 0 && b.from == b.key {
				v.fail(b.key, "must not be negative")
			}
		}
		return
	}
	switch {
	case lo.d <= hi.d:
	case hi.from == hi.key:
		v.fail(hi.key, "%v is below the minimum interval %v (%s)", hi.d, lo.d, lo.from)
	default:
		v.fail(lo.key, "%v is above the maximum interval %v (%s)", lo.d, hi.d, hi.from)
	}
}

// resolvePace gives every feed the bounds of the fetch section that it
// does not set itself, so that the feeds carry their own.
func (c *Config) resolvePace() {
	for i := range c.Feeds {
		if c.Feeds[i].MinInterval == 0 {
			c.Feeds[i].MinInterval = c.Fetch.MinInterval
		}
		if c.Feeds[i].MaxInterval == 0 {
			c.Feeds[i].MaxInterval = c.Fetch.MaxInterval
		}
	}
}
