package output

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server serves the rendered feeds and the HTML page. Its zero value is not
// usable: create it with NewServer. All methods are safe for concurrent
// use; ServeHTTP only reads an immutable snapshot, so serving is a memory
// copy that never waits for an Update.
type Server struct {
	mu     sync.Mutex // serialises Update and guards opts, closed and the pinger
	opts   Options
	closed bool
	cur    atomic.Pointer[snapshot]
	now    func() time.Time
	hub    pinger
}

// snapshot is one immutable rendering of everything served.
type snapshot struct {
	res  map[string]*resource // by URL path; nil before the first Update
	opts Options
}

// resource is one rendered document with its precompressed variant.
type resource struct {
	body, gz     []byte
	etag, gzETag string
	modTime      time.Time
	ctype        string
	self         string // public URL, for WebSub; "" for the page
	page         bool
}

// NewServer returns a Server with opts that serves 503 until the first
// Update. Call Close to stop its background work.
func NewServer(opts Options) *Server {
	s := &Server{opts: opts, now: time.Now}
	s.hub.ctx, s.hub.cancel = context.WithCancel(context.Background())
	s.cur.Store(&snapshot{opts: opts}) // res nil: not rendered yet
	return s
}

// SetOptions replaces the options (a config reload); they take effect at
// the next Update.
func (s *Server) SetOptions(opts Options) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts = opts
}

// Update swaps in docs (a rendering of everything served). Documents whose
// bytes did not change keep their ETag and Last-Modified; it reports
// whether any document changed, was added or was removed. After a change,
// when a WebSub hub is set, the changed feeds are announced in the
// background.
func (s *Server) Update(docs Docs) (changed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	next := &snapshot{res: make(map[string]*resource, len(docs)), opts: s.opts}
	var topics []string
	for path, d := range docs {
		prev := old.res[path]
		if prev != nil && prev.ctype == d.ContentType && prev.self == d.Self && bytes.Equal(prev.body, d.Body) {
			next.res[path] = prev
			continue
		}
		r := newResource(d, s.modTime(prev))
		next.res[path] = r
		changed = true
		if r.self != "" {
			topics = append(topics, r.self)
		}
	}
	if old.res == nil || len(old.res) != len(next.res) {
		changed = true
	}
	s.cur.Store(next)
	if len(topics) > 0 && s.opts.WebSubHub != "" && !s.closed {
		s.hub.publish(s.opts, topics)
	}
	return changed
}

// modTime is the Last-Modified of a document replacing prev: now, but
// always later than prev's, so If-Modified-Since never hides a change.
func (s *Server) modTime(prev *resource) time.Time {
	t := s.now().UTC().Truncate(time.Second)
	if prev != nil && !t.After(prev.modTime) {
		t = prev.modTime.Add(time.Second)
	}
	return t
}

// Close stops the background WebSub pings, waits for them to return, and
// makes later Updates announce nothing. Serving goes on. It is safe to
// call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.hub.close()
}

// newResource compresses d once and computes both strong ETags.
func newResource(d Doc, mod time.Time) *resource {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // a valid level: no error
	zw.Write(d.Body)                                        // writes to a bytes.Buffer do not fail
	zw.Close()
	sum := sha256.Sum256(d.Body)
	tag := hex.EncodeToString(sum[:16])
	return &resource{
		body: d.Body, gz: gz.Bytes(),
		etag: `"` + tag + `"`, gzETag: `"` + tag + `-gzip"`,
		modTime: mod, ctype: d.ContentType, self: d.Self, page: d.ContentType == contentTypes["html"],
	}
}

// defaultHubClient sends WebSub pings when Options.HubClient is nil.
var defaultHubClient = &http.Client{Timeout: 10 * time.Second}
