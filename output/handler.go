package output

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A response may take writeBase plus the time to send its body at
// minWriteRate to write (a 1 MiB feed: 10 s + 64 s); a reader slower than
// that, or one that stops reading, has its connection closed, so that
// readers who never read cannot hold connections (and descriptors) for
// ever. They are variables for the tests.
var (
	writeBase    = 10 * time.Second
	minWriteRate = 16 << 10 // bytes per second
)

// writeTimeout is how long a response of n bytes may take to write.
func writeTimeout(n int) time.Duration {
	return writeBase + time.Duration(n)*time.Second/time.Duration(minWriteRate)
}

// ServeHTTP serves "/" (the page), "/feed.rss", "/feed.atom", "/feed.json"
// and "/tags/NAME.EXT" for every tag rendered, answering GET
// and HEAD with strong ETags, Last-Modified, 304s, gzip when accepted, and
// Cache-Control. Before the first Update these paths answer 503 with
// Retry-After; other paths answer 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	snap := s.cur.Load()
	route := routeOf(r.URL.Path)
	if snap.opts.Observe != nil {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() { snap.opts.Observe(route, rec.status) }()
		w = rec
	}
	switch {
	case route == "other":
		http.NotFound(w, r)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case snap.res == nil:
		w.Header().Set("Retry-After", "5")
		http.Error(w, "feeds not rendered yet", http.StatusServiceUnavailable)
	case snap.res[r.URL.Path] == nil:
		http.NotFound(w, r)
	default:
		serve(w, r, snap.res[r.URL.Path], snap.opts)
	}
}

// serve answers with res, compressed when the client accepts gzip, through
// http.ServeContent, which handles HEAD, If-None-Match, If-Modified-Since
// and ranges.
func serve(w http.ResponseWriter, r *http.Request, res *resource, opts Options) {
	h := w.Header()
	h.Set("Content-Type", res.ctype)
	h.Set("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(opts.MaxAge.Seconds())))
	h.Set("X-Content-Type-Options", "nosniff")
	if res.page {
		for k, v := range pageSecurity {
			h.Set(k, v)
		}
	}
	body, etag := res.body, res.etag
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = res.gz, res.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	// Not supported by every ResponseWriter (tests' recorders); the
	// server's own WriteTimeout then stands.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeTimeout(len(body))))
	http.ServeContent(w, ignoreFutureIMS(r, time.Now()), "", res.modTime, bytes.NewReader(body))
}

// ignoreFutureIMS returns r without its If-Modified-Since when that names
// a time after now: RFC 9110 13.1.3 makes such a date invalid, and
// honouring it would answer 304 to every request until that time, whatever
// changed.
func ignoreFutureIMS(r *http.Request, now time.Time) *http.Request {
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" {
		return r
	}
	if t, err := http.ParseTime(ims); err != nil || !t.After(now) {
		return r
	}
	r = r.Clone(r.Context())
	r.Header.Del("If-Modified-Since")
	return r
}

// routeOf names the route of path for metrics, with tags folded into one
// label so that label values stay few.
func routeOf(path string) string {
	if path == "/" {
		return "/"
	}
	for _, f := range Formats {
		switch {
		case path == "/feed."+f:
			return path
		case strings.HasPrefix(path, "/tags/") && strings.HasSuffix(path, "."+f) && len(path) > len("/tags/."+f):
			return "/tags/{tag}." + f
		}
	}
	return "other"
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip: named
// with a non-zero q, or covered by "*" when not named.
func acceptsGzip(header string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				f = 0
			}
			q = f
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// Observed returns h, calling observe with route and the status code
// written after each request h serves (the metrics of a handler beside
// the Server's).
func Observed(route string, observe func(route string, status int), h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() { observe(route, rec.status) }()
		h.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status code written, for Observe.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
