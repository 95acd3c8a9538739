package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/wirestory/aggregator/news"
)

// ErrTooLarge is wrapped by the error for a body, compressed or
// decompressed, over Options.MaxBodyBytes.
var ErrTooLarge = errors.New("body too large")

type sizeError struct{ limit int64 }

func (e *sizeError) Error() string        { return fmt.Sprintf("body exceeds %d bytes", e.limit) }
func (e *sizeError) Is(target error) bool { return target == ErrTooLarge }

// response is the outcome of one fetch over HTTP, redirects followed.
type response struct {
	status int
	header http.Header
	// body is the decompressed body of a 200, else nil.
	body []byte
	// url is the URL that gave the final answer.
	url string
	// permanent is where the leading run of permanent redirects (301,
	// 308) ended; empty when the first answer was no permanent redirect.
	permanent string
}

// get requests st.URL and follows redirects itself: at most maxHops, never
// in a loop, only to http and https URLs.
func (c *Client) get(ctx context.Context, st *news.FeedState) (*response, error) {
	target := st.URL
	configured := st.ConfigURL
	if configured == "" {
		configured = st.URL
	}
	ctx = c.allowConfigured(ctx, configured)
	seen := make(map[string]bool)
	permanent, leading := "", true
	var deadline time.Time
	for hops := 0; ; hops++ {
		if seen[target] {
			return nil, fmt.Errorf("redirect loop at %s", c.redact(target))
		}
		seen[target] = true
		resp, err := c.hop(ctx, target, st, &deadline)
		if err != nil {
			return nil, err
		}
		if !isRedirect(resp.status) {
			resp.url, resp.permanent = target, permanent
			return resp, nil
		}
		if hops == maxHops {
			return nil, fmt.Errorf("more than %d redirects from %s", maxHops, c.redact(st.URL))
		}
		next, err := c.location(target, resp.header.Get("Location"))
		if err != nil {
			return nil, err
		}
		if leading && (resp.status == http.StatusMovedPermanently || resp.status == http.StatusPermanentRedirect) {
			permanent = next
		} else {
			leading = false
		}
		target = next
	}
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// location resolves a Location header against the URL that sent it.
func (c *Client) location(from, loc string) (string, error) {
	if strings.TrimSpace(loc) == "" {
		return "", fmt.Errorf("redirect from %s without Location", c.redact(from))
	}
	base, err := url.Parse(from)
	if err != nil {
		return "", fmt.Errorf("redirect from %s: %w", c.redact(from), err)
	}
	u, err := base.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", fmt.Errorf("redirect from %s: %w", c.redact(from), err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("redirect from %s to unsupported URL %q", c.redact(from), c.redact(loc))
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

// hop makes one request. It waits for a slot of the target's host first and
// only then for a global slot, so a feed queued behind a busy host holds no
// global slot. deadline is set by the first hop and shared by the rest.
func (c *Client) hop(ctx context.Context, target string, st *news.FeedState, deadline *time.Time) (*response, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("unsupported URL %q", c.redact(target))
	}
	if ctx, err = c.admit(ctx, req); err != nil {
		return nil, err
	}
	releaseHost, err := c.hosts.acquire(ctx, req.URL.Host)
	if err != nil {
		return nil, err
	}
	defer releaseHost()
	releaseGlobal, err := c.acquireGlobal(ctx)
	if err != nil {
		return nil, err
	}
	defer releaseGlobal()
	if deadline.IsZero() {
		*deadline = time.Now().Add(c.opts.Timeout)
	}
	rctx, cancel := context.WithDeadline(ctx, *deadline)
	defer cancel()
	c.setHeaders(req, st)
	resp, err := c.http.Do(req.WithContext(rctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := &response{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode != http.StatusOK {
		drain(resp.Body)
		return out, nil
	}
	out.body, err = readBody(resp.Body, resp.Header.Get("Content-Encoding"), c.opts.MaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", c.redact(target), err)
	}
	return out, nil
}

func (c *Client) setHeaders(req *http.Request, st *news.FeedState) {
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("Accept-Encoding", "gzip, br")
	if st.ETag != "" {
		req.Header.Set("If-None-Match", st.ETag)
	}
	if st.LastModified != "" {
		req.Header.Set("If-Modified-Since", st.LastModified)
	}
}

// drain reads a little of an unwanted body so the connection can be
// reused; what it cannot read is dropped with the connection.
func drain(r io.Reader) {
	_, _ = io.CopyN(io.Discard, r, 4<<10)
}

// readBody reads r, decoded per contentEncoding, refusing more than limit
// bytes both before and after decompression. A body that is gzip although
// no Content-Encoding says so is decompressed too.
func readBody(r io.Reader, contentEncoding string, limit int64) ([]byte, error) {
	raw := &capReader{r: r, left: limit, limit: limit}
	var dec io.Reader
	switch enc := strings.ToLower(strings.TrimSpace(contentEncoding)); enc {
	case "", "identity":
		body, err := readCapped(raw, limit)
		if err != nil || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
			return body, err
		}
		return readBody(bytes.NewReader(body), "gzip", limit)
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		dec = zr
	case "br":
		dec = brotli.NewReader(raw)
	default:
		return nil, fmt.Errorf("unsupported content encoding %q", enc)
	}
	body, err := readCapped(dec, limit)
	if err != nil && !errors.Is(err, ErrTooLarge) {
		err = fmt.Errorf("decompress: %w", err)
	}
	return body, err
}

// readCapped reads all of r, or fails when r holds more than limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, &sizeError{limit}
	}
	return body, nil
}

// capReader fails once more than limit bytes were read through it.
type capReader struct {
	r           io.Reader
	left, limit int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, &sizeError{c.limit}
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, &sizeError{c.limit}
	}
	return n, err
}
