package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// units are the size suffixes ParseSize takes, longest first.
var units = []struct {
	suffix string
	n      int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"B", 1},
}

// ParseSize reads a memory size: a whole number of bytes with a unit (B,
// KB, MB, GB, TB: powers of 1000; KiB, MiB, GiB, TiB: powers of 1024),
// such as "512MiB" or "1.5GB", or "off". ok is false for "" (the default)
// and for "off" (no limit), with n 0.
func ParseSize(s string) (n int64, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" {
		return 0, false, nil
	}
	for _, u := range units {
		num, found := strings.CutSuffix(s, u.suffix)
		if !found {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false, fmt.Errorf("%q is not a size: want a positive number and a unit, such as 512MiB or 1GB, or off", s)
		}
		if f*float64(u.n) >= math.MaxInt64 {
			return 0, false, fmt.Errorf("%q is too large", s)
		}
		n = int64(f * float64(u.n))
		if n < 1<<20 {
			return 0, false, fmt.Errorf("%q is below 1MiB: no process runs in that", s)
		}
		return n, true, nil
	}
	return 0, false, errors.New("a size needs a unit (B, KB, MB, GB, KiB, MiB, GiB), or off: not " + strconv.Quote(s))
}

// MemoryLimitBytes is the configured memory limit: set false for the
// default (limit 0) and for "off" (off true).
func (c *Config) MemoryLimitBytes() (limit int64, set, off bool) {
	n, ok, _ := ParseSize(c.MemoryLimit)
	return n, ok, strings.TrimSpace(c.MemoryLimit) == "off"
}
