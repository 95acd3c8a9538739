package output

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirestory/aggregator/news"
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
	sum  [32]byte // fingerprint of the input rendered
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

// Update re-renders every document from stories (newest first,
// representative first) and feed health. Documents whose bytes did not
// change keep their ETag and Last-Modified; it reports whether any
// document changed, was added or was removed. After a change, when a
// WebSub hub is set, the changed feeds are announced in the background.
func (s *Server) Update(stories []news.Story, feeds []news.FeedState) (changed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	sum, err := fingerprint(stories, feeds, s.opts)
	if err != nil {
		return false, err
	}
	if old.res != nil && sum == old.sum {
		s.cur.Store(&snapshot{res: old.res, opts: s.opts, sum: sum})
		return false, nil
	}
	docs, err := renderAll(stories, feeds, s.opts)
	if err != nil {
		return false, err
	}
	next := &snapshot{res: make(map[string]*resource, len(docs)), opts: s.opts, sum: sum}
	var topics []string
	for path, d := range docs {
		prev := old.res[path]
		if prev != nil && prev.ctype == d.ctype && prev.self == d.self && bytes.Equal(prev.body, d.body) {
			next.res[path] = prev
			continue
		}
		r, err := newResource(d, s.modTime(prev))
		if err != nil {
			return false, err
		}
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
	return changed, nil
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

// doc is one rendered document before compression.
type doc struct {
	body  []byte
	ctype string
	self  string
}

// renderAll renders the main feeds, the tag feeds and the page.
func renderAll(stories []news.Story, states []news.FeedState, opts Options) (map[string]doc, error) {
	entries := newEntries(stories, opts.FeedTags)
	main := limit(entries, opts.MaxItems)
	tags := tagsOf(opts.FeedTags)
	docs := make(map[string]doc, 1+len(Formats)*(1+len(tags)))
	add := func(path, tag string, es []entry) error {
		for _, f := range Formats {
			m := newMeta(opts, path, f, tag, es)
			b, err := renderEntries(f, es, m)
			if err != nil {
				return err
			}
			docs["/"+path+"."+f] = doc{body: b, ctype: contentTypes[f], self: m.Self}
		}
		return nil
	}
	if err := add("feed", "", main); err != nil {
		return nil, err
	}
	for _, t := range tags {
		if err := add("tags/"+t, t, limit(withTag(entries, t), opts.MaxItems)); err != nil {
			return nil, err
		}
	}
	page, err := renderPage(main, states, tags, opts)
	if err != nil {
		return nil, err
	}
	docs["/"] = doc{body: page, ctype: contentTypes["html"]}
	return docs, nil
}

// newResource compresses d once and computes both strong ETags.
func newResource(d doc, mod time.Time) (*resource, error) {
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if _, err := zw.Write(d.body); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	sum := sha256.Sum256(d.body)
	tag := hex.EncodeToString(sum[:16])
	return &resource{
		body: d.body, gz: gz.Bytes(),
		etag: `"` + tag + `"`, gzETag: `"` + tag + `-gzip"`,
		modTime: mod, ctype: d.ctype, self: d.self, page: d.ctype == contentTypes["html"],
	}, nil
}

// defaultHubClient sends WebSub pings when Options.HubClient is nil.
var defaultHubClient = &http.Client{Timeout: 10 * time.Second}
