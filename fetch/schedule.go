package fetch

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff returns the delay before the next poll after the given number of
// consecutive failures: baseBackoff doubled per further failure, capped at
// MaxBackoff, less a random jitter of up to a quarter so that feeds that
// failed together do not retry together. It is zero for no failures.
func (c *Client) backoff(failures int) time.Duration {
	if failures < 1 {
		return 0
	}
	d := min(baseBackoff, c.opts.MaxBackoff)
	for i := 1; i < failures && d < c.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.opts.MaxBackoff)
	return d - rand.N(d/4+1)
}

// retryAfter returns the time a Retry-After header (delay in seconds or an
// HTTP date) asks for, at most maxHint after now; zero when there is none.
func retryAfter(h http.Header, now time.Time) time.Time {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return time.Time{}
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return time.Time{}
		}
		return now.Add(time.Duration(min(secs, int64(maxHint/time.Second))) * time.Second)
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return time.Time{}
	}
	return later(now, earlier(t, now.Add(maxHint)))
}

// maxAge returns the max-age of a Cache-Control header, at most maxHint;
// zero when there is none.
func maxAge(h http.Header) time.Duration {
	for _, v := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(v, ",") {
			name, val, ok := strings.Cut(strings.TrimSpace(dir), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "max-age") {
				continue
			}
			secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
			if err != nil || secs <= 0 {
				continue
			}
			return time.Duration(min(secs, int64(maxHint/time.Second))) * time.Second
		}
	}
	return 0
}

// later returns the latest of ts.
func later(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
