package fetch

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wirestory/aggregator/news"
)

// redirectServer serves a feed at /new, /other and /feed, and redirects
// /old with the status and target that the test sets.
type redirectServer struct {
	mu     sync.Mutex
	status int
	target string
	paths  []string
}

func (rs *redirectServer) set(status int, target string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.status, rs.target = status, target
}

func (rs *redirectServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rs.mu.Lock()
	rs.paths = append(rs.paths, r.URL.Path)
	status, target := rs.status, rs.target
	rs.mu.Unlock()
	if r.URL.Path == "/old" {
		http.Redirect(w, r, target, status)
		return
	}
	w.Write([]byte(rssFeed(1, "")))
}

func TestPermanentRedirectRewrittenAfterThreshold(t *testing.T) {
	for _, status := range []int{301, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			rs := &redirectServer{}
			rs.set(status, "/new")
			srv := serve(t, rs.ServeHTTP)
			c := newTestClient(Options{})
			st := news.FeedState{Name: "moved", URL: srv.URL + "/old"}
			for poll := 1; poll <= 2; poll++ {
				res := c.Fetch(context.Background(), st, testNow)
				st = res.State
				if res.Err != nil || res.Rewritten != "" || st.URL != srv.URL+"/old" ||
					st.RedirectTo != srv.URL+"/new" || st.RedirectCount != poll {
					t.Fatalf("poll %d: err %v, rewritten %q, state %+v", poll, res.Err, res.Rewritten, st)
				}
			}
			res := c.Fetch(context.Background(), st, testNow)
			st = res.State
			if res.Err != nil || res.Rewritten != srv.URL+"/old" || st.URL != srv.URL+"/new" || st.RedirectTo != "" || st.RedirectCount != 0 {
				t.Fatalf("poll 3: err %v, rewritten %q, state %+v", res.Err, res.Rewritten, st)
			}
			rs.mu.Lock()
			before := len(rs.paths)
			rs.mu.Unlock()
			if res := c.Fetch(context.Background(), st, testNow); res.Err != nil {
				t.Fatal(res.Err)
			}
			if rs.paths[before] != "/new" {
				t.Errorf("poll 4 requested %s, want /new", rs.paths[before])
			}
		})
	}
}

func TestPermanentRedirectNewTargetResetsCount(t *testing.T) {
	rs := &redirectServer{}
	srv := serve(t, rs.ServeHTTP)
	c := newTestClient(Options{})
	st := news.FeedState{URL: srv.URL + "/old"}
	for i, target := range []string{"/new", "/new", "/other", "/other", "/new"} {
		rs.set(301, target)
		res := c.Fetch(context.Background(), st, testNow)
		st = res.State
		want := map[int]int{0: 1, 1: 2, 2: 1, 3: 2, 4: 1}[i]
		if res.Err != nil || res.Rewritten != "" || st.RedirectTo != srv.URL+target || st.RedirectCount != want {
			t.Fatalf("poll %d: err %v, rewritten %q, RedirectTo %q count %d (want %d)", i+1, res.Err, res.Rewritten, st.RedirectTo, st.RedirectCount, want)
		}
	}
	rs.set(302, "/new")
	res := c.Fetch(context.Background(), st, testNow)
	if res.State.RedirectTo != "" || res.State.RedirectCount != 0 {
		t.Errorf("a temporary redirect kept the count: %+v", res.State)
	}
}

func TestTemporaryRedirectNeverRewritten(t *testing.T) {
	for _, status := range []int{302, 303, 307} {
		rs := &redirectServer{}
		rs.set(status, "/new")
		srv := serve(t, rs.ServeHTTP)
		c := newTestClient(Options{})
		st := news.FeedState{URL: srv.URL + "/old"}
		for poll := 1; poll <= 5; poll++ {
			res := c.Fetch(context.Background(), st, testNow)
			st = res.State
			if res.Err != nil || res.Rewritten != "" || st.URL != srv.URL+"/old" || st.RedirectCount != 0 {
				t.Fatalf("%d poll %d: err %v, state %+v", status, poll, res.Err, st)
			}
		}
	}
}

func TestRedirectLoopAndTooManyHops(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		switch {
		case r.URL.Path == "/a":
			http.Redirect(w, r, "/b", 301)
		case r.URL.Path == "/b":
			http.Redirect(w, r, "/a", 302)
		case strings.HasPrefix(r.URL.Path, "/chain/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/chain/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), 307)
		case r.URL.Path == "/file":
			w.Header().Set("Location", "file:///etc/passwd")
			w.WriteHeader(302)
		}
	})
	c := newTestClient(Options{})
	for _, tc := range []struct {
		path, want string
		hits       int
	}{
		{"/a", "redirect loop", 2},
		{"/chain/0", "more than 10 redirects", 11},
		{"/file", "unsupported URL", 1},
	} {
		mu.Lock()
		hits = 0
		mu.Unlock()
		res := c.Fetch(context.Background(), news.FeedState{Name: "loopy", URL: srv.URL + tc.path}, testNow)
		if res.Err == nil || !strings.Contains(res.Err.Error(), tc.want) || res.State.Failures != 1 {
			t.Errorf("%s: err %v, want %q", tc.path, res.Err, tc.want)
		}
		mu.Lock()
		if hits != tc.hits {
			t.Errorf("%s: %d requests, want %d", tc.path, hits, tc.hits)
		}
		mu.Unlock()
	}
}
