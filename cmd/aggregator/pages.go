package main

import (
	"container/list"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
)

// The pages the daemon renders when asked, from the store: a story's page
// (/stories/ID) and a day's archive (/archive/YYYY-MM-DD.atom). Each is
// kept in a bounded cache until the store changes (the next publish) or
// the config is reloaded.

// Bounds of the cache of rendered pages.
const (
	pageCacheEntries = 512
	pageCacheBytes   = 64 << 20
	// pageRenderTimeout bounds the store reads of one page.
	pageRenderTimeout = 15 * time.Second
)

// pageHandlers returns the handlers of the story pages and the archives,
// sharing one cache.
func (d *daemon) pageHandlers() (stories, archives http.Handler) {
	c := newPageCache(pageCacheEntries, pageCacheBytes)
	stories = d.pageHandler(c, "/stories/{id}", func(ctx context.Context, cur *current, r *http.Request) (*output.Resource, error) {
		id := r.PathValue("id")
		if !storyID(id) {
			return nil, news.ErrNotFound
		}
		st, err := d.app.pipe.Story(ctx, id, cur.pipe.Priority)
		if err != nil {
			return nil, err
		}
		doc, err := output.RenderStory(st, cur.out)
		if err != nil {
			return nil, err
		}
		return output.NewResource(doc, st.Updated, cur.out.MaxAge), nil
	})
	archives = d.pageHandler(c, "/archive/{day}.atom", func(ctx context.Context, cur *current, r *http.Request) (*output.Resource, error) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".atom")
		day, err := time.Parse(time.DateOnly, name)
		if !ok || err != nil {
			return nil, news.ErrNotFound
		}
		a, err := d.app.pipe.Archive(ctx, day, time.Now(), cur.pipe.Priority)
		if err != nil {
			return nil, err
		}
		doc, err := output.RenderArchive(a, cur.out)
		if err != nil {
			return nil, err
		}
		return output.NewResource(doc, a.Day.AddDate(0, 0, 1), output.ArchiveMaxAge), nil
	})
	return stories, archives
}

// storyID reports whether id can be a story id (news.StoryID), so that
// other paths never reach the store.
func storyID(id string) bool {
	if len(id) < 2 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// renderFunc renders the page a request asks for; an error wrapping
// news.ErrNotFound is a 404.
type renderFunc func(ctx context.Context, cur *current, r *http.Request) (*output.Resource, error)

// pageHandler serves what render makes, from c while the store and the
// config are those it was rendered with; route names it in the metrics.
func (d *daemon) pageHandler(c *pageCache, route string, render renderFunc) http.Handler {
	return output.Observed(route, d.met.observeOutput, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := d.cur.Load()
		gen := pageGen{cur: cur, version: d.published.Load()}
		key := r.URL.Path
		res := c.get(key, gen)
		if res == nil {
			ctx, cancel := context.WithTimeout(r.Context(), pageRenderTimeout)
			defer cancel()
			var err error
			switch res, err = render(ctx, cur, r); {
			case errors.Is(err, news.ErrNotFound):
				http.NotFound(w, r)
				return
			case err != nil:
				d.app.log.Error("render a page", "path", key, "err", err)
				http.Error(w, "could not render the page; see the log", http.StatusInternalServerError)
				return
			}
			c.put(key, gen, res)
		}
		res.ServeHTTP(w, r)
	}))
}

// pageGen is what a rendered page depends on besides its path: the
// settings in force and the store as last published.
type pageGen struct {
	cur     *current
	version int64
}

// pageCache is a least-recently-used cache of rendered pages, bounded in
// entries and bytes. Safe for concurrent use.
type pageCache struct {
	mu                 sync.Mutex
	maxEntries, budget int
	size               int
	order              *list.List // of *pageEntry, most recent first
	byKey              map[string]*list.Element
}

type pageEntry struct {
	key string
	gen pageGen
	res *output.Resource
}

func newPageCache(maxEntries, maxBytes int) *pageCache {
	return &pageCache{maxEntries: maxEntries, budget: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the page of key rendered for gen, or nil.
func (c *pageCache) get(key string, gen pageGen) *output.Resource {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	e := el.Value.(*pageEntry)
	if e.gen != gen {
		c.remove(el)
		return nil
	}
	c.order.MoveToFront(el)
	return e.res
}

// put keeps res as the page of key for gen, dropping the least recently
// used pages beyond the bounds; a page larger than the byte bound is not
// kept.
func (c *pageCache) put(key string, gen pageGen, res *output.Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	if res.Size() > c.budget {
		return
	}
	c.byKey[key] = c.order.PushFront(&pageEntry{key: key, gen: gen, res: res})
	c.size += res.Size()
	for c.order.Len() > c.maxEntries || c.size > c.budget {
		c.remove(c.order.Back())
	}
}

// remove drops el; the caller holds mu.
func (c *pageCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*pageEntry)
	delete(c.byKey, e.key)
	c.size -= e.res.Size()
}
