package fetch

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirestory/aggregator/news"
)

// isLocal reports whether a feed URL names a file: a file:// URL or an
// absolute or explicitly relative path.
func isLocal(raw string) bool {
	return strings.HasPrefix(raw, "file:") || strings.HasPrefix(raw, "/") ||
		strings.HasPrefix(raw, "./") || strings.HasPrefix(raw, "../")
}

// localPath returns the file a local feed URL names.
func localPath(raw string) (string, error) {
	if !strings.HasPrefix(raw, "file:") {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL %q names another host", raw)
	}
	if u.Path == "" {
		return u.Opaque, nil
	}
	return u.Path, nil
}

// fetchLocal reads a feed from disk with the same size cap as a body. The
// file's modification time and size serve as its validator (kept in
// State.ETag), the body hash as a second one. LastStatus is 304 when the
// stamp is unchanged and 200 when the file was read.
func (c *Client) fetchLocal(st news.FeedState, now time.Time) Result {
	path, err := localPath(st.URL)
	if err != nil {
		return c.failed(st, now, 0, nil, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return c.failed(st, now, 0, nil, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return c.failed(st, now, 0, nil, err)
	}
	if !fi.Mode().IsRegular() {
		return c.failed(st, now, 0, nil, fmt.Errorf("%s is not a regular file", path))
	}
	stamp := fmt.Sprintf("file:%d:%d", fi.ModTime().UnixNano(), fi.Size())
	resp := &response{status: http.StatusNotModified, header: http.Header{"Etag": {stamp}}}
	if stamp == st.ETag && st.BodyHash != "" {
		return c.unchanged(st, now, resp)
	}
	body, err := readCapped(f, c.opts.MaxBodyBytes)
	if err != nil {
		return c.failed(st, now, 0, nil, fmt.Errorf("read %s: %w", path, err))
	}
	resp.status, resp.body = http.StatusOK, body
	resp.url = fileURL(path)
	return c.changed(st, now, resp)
}

// fileURL returns the file:// URL of path, the base for relative links.
func fileURL(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}
