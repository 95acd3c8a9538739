package output

import (
	"net/http"
	"time"
)

// Resource is one document served on its own, outside a Server's
// snapshot: a story page or an archive, rendered when asked for. It is
// answered like the feeds (strong ETag, Last-Modified, 304s, gzip, HEAD;
// the page's security headers for HTML). It is immutable and safe for
// concurrent use; make it with NewResource.
type Resource struct {
	res    *resource
	maxAge time.Duration
}

// NewResource prepares d for serving: compressed once, with its strong
// ETags. modTime is its Last-Modified (the time its content last changed,
// so that it stays the same across renders); maxAge goes in Cache-Control.
func NewResource(d Doc, modTime time.Time, maxAge time.Duration) *Resource {
	return &Resource{res: newResource(d, modTime.UTC().Truncate(time.Second)), maxAge: maxAge}
}

// ETag returns the strong ETag of the uncompressed body.
func (r *Resource) ETag() string { return r.res.etag }

// Size returns the bytes the resource holds, both encodings.
func (r *Resource) Size() int { return len(r.res.body) + len(r.res.gz) }

// ServeHTTP answers GET and HEAD with the document; other methods get 405.
func (r *Resource) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	serve(w, req, r.res, Options{MaxAge: r.maxAge})
}
