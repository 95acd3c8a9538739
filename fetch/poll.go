package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/wirestory/aggregator/news"
)

// ErrGone is wrapped by the error of a feed whose server answered 410 Gone
// (State.Gone is then set and the feed is not polled again).
var ErrGone = errors.New("feed is gone (410), not polled again")

// Result is the outcome of one Fetch. It is plain data.
type Result struct {
	// State is the feed's new state, always set, even on error:
	// validators, status, failures, NextPoll, LastSuccess and so on.
	State news.FeedState
	// Items are the parsed items when the feed changed; nil when
	// NotModified or on error.
	Items []news.Item
	// Dates are the publish times the document gave (of every item that
	// had one, clamped as Items' are), for Learn; nil when Items is.
	Dates []time.Time
	// NotModified is set for a 304, or a body identical to the last one.
	NotModified bool
	// Rewritten is the old URL when this poll rewrote State.URL after
	// repeated permanent redirects, or found the feed through an HTML
	// page (Discovered); empty otherwise.
	Rewritten string
	// Discovered is set when State.URL was an HTML page and the feed it
	// links with <link rel="alternate"> was polled instead: State.URL is
	// now that feed's URL (the config should say so).
	Discovered bool
	// Err is nil on success or NotModified; it names the feed and the
	// cause.
	Err error
}

// Due reports whether the feed may be polled at now: it is not Gone and its
// NextPoll is not after now. A zero FeedState is due.
func Due(st news.FeedState, now time.Time) bool {
	return !st.Gone && !st.NextPoll.After(now)
}

// Begin returns st marked as attempted at now, with a provisional NextPoll
// as if this poll were to fail (now plus the next backoff, or a later
// NextPoll st already had). Save it before Fetch, so that a crash during
// the fetch cannot make the feed be polled again at once.
func (c *Client) Begin(st news.FeedState, now time.Time) news.FeedState {
	st.LastAttempt = now
	if next := now.Add(c.backoff(st.Failures + 1)); next.After(st.NextPoll) {
		st.NextPoll = next
	}
	return st
}

// Fetch polls one feed once: st.URL over HTTP(S), or from disk when it is a
// file path or file:// URL. It waits for the feed's host and a global slot
// (see Options), sends st's validators, and returns the new state with the
// items, if any. A feed that is Gone is not requested. When ctx ends
// first, the poll is not counted as the feed's failure: State keeps its
// NextPoll and Failures. Fetch never panics
// on network input; it is safe for concurrent use.
func (c *Client) Fetch(ctx context.Context, st news.FeedState, now time.Time) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res = c.failed(st, now, 0, nil, fmt.Errorf("internal error: %v", r))
		}
	}()
	if st.Gone {
		return Result{State: st, Err: c.redactErr(fmt.Errorf("fetch %s: %w", c.feedName(st), ErrGone))}
	}
	st.LastAttempt = now
	if isLocal(st.URL) {
		return c.fetchLocal(st, now)
	}
	resp, err := c.get(ctx, &st)
	if err != nil && ctx.Err() != nil {
		// The caller gave up (shutdown): not the feed's failure.
		return Result{State: st, Err: c.redactErr(fmt.Errorf("fetch %s: %w", c.feedName(st), err))}
	}
	if err != nil {
		return c.failed(st, now, 0, nil, err)
	}
	switch resp.status {
	case http.StatusOK:
		return c.discovered(ctx, st, now, resp, c.changed(st, now, resp))
	case http.StatusNotModified:
		return c.unchanged(st, now, resp)
	case http.StatusGone:
		st.Gone = true
		return c.failed(st, now, resp.status, resp.header, ErrGone)
	default:
		return c.failed(st, now, resp.status, resp.header,
			fmt.Errorf("%s: status %d %s", c.redact(resp.url), resp.status, http.StatusText(resp.status)))
	}
}

// changed handles a 200: unchanged after all when the body hashes as the
// last one did, else parsed.
func (c *Client) changed(st news.FeedState, now time.Time, resp *response) Result {
	hash := bodyHash(resp.body)
	if hash == st.BodyHash {
		return c.unchanged(st, now, resp)
	}
	// Parsing is CPU work that allocates several times the body: more
	// parses at once than there are cores would only hold more of it.
	c.parsing <- struct{}{}
	p, err := parseBody(resp.body, resp.header.Get("Content-Type"), st.Name, resp.url, c.opts.MaxItems, now)
	<-c.parsing
	if err != nil {
		return c.failed(st, now, resp.status, resp.header, err)
	}
	st.ETag = resp.header.Get("ETag")
	st.LastModified = resp.header.Get("Last-Modified")
	st.BodyHash = hash
	res := c.succeeded(st, now, resp, p.ttl)
	res.Items, res.Dates = p.items, p.dates
	return res
}

// unchanged handles a 304 or a 200 with the last body.
func (c *Client) unchanged(st news.FeedState, now time.Time, resp *response) Result {
	if etag := resp.header.Get("ETag"); etag != "" {
		st.ETag = etag
	}
	if lm := resp.header.Get("Last-Modified"); lm != "" {
		st.LastModified = lm
	}
	res := c.succeeded(st, now, resp, 0)
	res.NotModified = true
	return res
}

func (c *Client) succeeded(st news.FeedState, now time.Time, resp *response, ttl time.Duration) Result {
	st.LastStatus = resp.status
	st.LastSuccess = now
	st.LastError = ""
	st.Failures = 0
	st.NextPoll = later(now, now.Add(maxAge(resp.header)), now.Add(ttl))
	old := c.trackRedirect(&st, resp.permanent)
	return Result{State: st, Rewritten: old}
}

// failed records a failed poll: one more failure, the next poll after the
// backoff or the server's Retry-After, whichever is later. The error, and
// so State.LastError, is redacted (see redactErr).
func (c *Client) failed(st news.FeedState, now time.Time, status int, h http.Header, err error) Result {
	err = c.redactErr(fmt.Errorf("fetch %s: %w", c.feedName(st), err))
	st.LastAttempt = now
	st.LastStatus = status
	st.LastError = err.Error()
	st.Failures++
	st.NextPoll = now.Add(c.backoff(st.Failures))
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		st.NextPoll = later(st.NextPoll, retryAfter(h, now))
	}
	return Result{State: st, Err: err}
}

// trackRedirect counts the polls in a row that ended a permanent redirect
// at the same target and rewrites st.URL once they reach the threshold,
// returning the old URL. Only successful polls are counted.
func (c *Client) trackRedirect(st *news.FeedState, target string) string {
	switch {
	case target == "":
		st.RedirectTo, st.RedirectCount = "", 0
		return ""
	case target == st.RedirectTo:
		st.RedirectCount++
	default:
		st.RedirectTo, st.RedirectCount = target, 1
	}
	if st.RedirectCount < c.opts.RedirectThreshold {
		return ""
	}
	old := st.URL
	st.URL, st.RedirectTo, st.RedirectCount = target, "", 0
	return old
}

func bodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

func (c *Client) feedName(st news.FeedState) string {
	if st.Name != "" {
		return st.Name
	}
	return c.redact(st.URL)
}
