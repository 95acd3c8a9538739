package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wirestory/aggregator/news"
)

// countingServer serves a one-item feed, or redirects to redirect when
// it is set, and counts its requests.
type countingServer struct {
	*httptest.Server
	hits     atomic.Int64
	redirect string
}

func newCountingServer(t *testing.T, redirect string) *countingServer {
	t.Helper()
	cs := &countingServer{redirect: redirect}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.hits.Add(1)
		if cs.redirect != "" && r.URL.Path == "/feed" {
			http.Redirect(w, r, cs.redirect, http.StatusFound)
			return
		}
		w.Write([]byte(rssFeed(1, "")))
	}))
	t.Cleanup(cs.Close)
	return cs
}

// configured is the state of a feed whose configured URL is u.
func configured(u string) news.FeedState {
	return news.FeedState{Name: "f", URL: u, ConfigURL: u}
}

// TestRedirectIntoInternalAddressRefused: with the default options a feed
// configured at a literal loopback address is fetched, also through a
// redirect on its own host and port, but a redirect to another loopback
// server (standing for any internal address reached from elsewhere) is
// refused before it connects.
func TestRedirectIntoInternalAddressRefused(t *testing.T) {
	inner := newCountingServer(t, "")
	outer := newCountingServer(t, inner.URL+"/feed")
	c := newTestClient(Options{})
	if res := c.Fetch(context.Background(), configured(outer.URL+"/other"), testNow); res.Err != nil {
		t.Fatalf("configured loopback feed: %v", res.Err)
	}
	res := c.Fetch(context.Background(), configured(outer.URL+"/feed"), testNow)
	if !errors.Is(res.Err, ErrBlocked) {
		t.Fatalf("redirect into another loopback server: err %v, want ErrBlocked", res.Err)
	}
	if n := inner.hits.Load(); n != 0 {
		t.Errorf("the internal server got %d requests, want 0", n)
	}
	same := newCountingServer(t, "/other")
	if res := c.Fetch(context.Background(), configured(same.URL+"/feed"), testNow); res.Err != nil || len(res.Items) != 1 {
		t.Errorf("redirect on the configured host and port: err %v, %d items", res.Err, len(res.Items))
	}
}

// TestRedirectCannotReuseAllowedConnection: a connection left idle by a
// feed configured at a loopback address is not reused by another feed's
// redirect to that address (the pool is keyed by address, so the check
// must come before the request, not only at dial time).
func TestRedirectCannotReuseAllowedConnection(t *testing.T) {
	inner := newCountingServer(t, "")
	outer := newCountingServer(t, inner.URL+"/feed")
	c := newTestClient(Options{PerHost: 4})
	if res := c.Fetch(context.Background(), configured(inner.URL+"/feed"), testNow); res.Err != nil {
		t.Fatalf("inner feed: %v", res.Err)
	}
	res := c.Fetch(context.Background(), configured(outer.URL+"/feed"), testNow)
	if !errors.Is(res.Err, ErrBlocked) || inner.hits.Load() != 1 {
		t.Fatalf("err %v, inner requests %d (want ErrBlocked, 1)", res.Err, inner.hits.Load())
	}
}

// TestNameResolvingToInternalRefused: a host name that resolves to a
// loopback address is refused by default and in strict mode, and fetched
// with AllowPrivate; the resolver is the test's.
func TestNameResolvingToInternalRefused(t *testing.T) {
	srv := newCountingServer(t, "")
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	u := "http://feeds.public.example:" + port + "/feed"
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host != "feeds.public.example" {
			return nil, &net.DNSError{Err: "unknown", Name: host, IsNotFound: true}
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	for _, tc := range []struct {
		name    string
		opts    Options
		blocked bool
	}{
		{"default", Options{}, true},
		{"strict", Options{BlockPrivate: true}, true},
		{"allowed", Options{AllowPrivate: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.hits.Load()
			c := newTestClient(tc.opts)
			c.lookup = lookup
			res := c.Fetch(context.Background(), configured(u), testNow)
			if got := errors.Is(res.Err, ErrBlocked); got != tc.blocked {
				t.Fatalf("blocked %v, want %v (err %v)", got, tc.blocked, res.Err)
			}
			if hits := srv.hits.Load() - before; (hits == 0) != tc.blocked {
				t.Errorf("%d requests reached the server", hits)
			}
		})
	}
}

// TestLiteralSpellingsOfLoopback: every spelling of a loopback address is
// allowed when configured and refused when reached by a redirect.
func TestLiteralSpellingsOfLoopback(t *testing.T) {
	srv := newCountingServer(t, "")
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	hosts := []string{"127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "0.0.0.0"}
	for _, h := range hosts {
		t.Run(h, func(t *testing.T) {
			target := "http://" + h + ":" + port + "/feed"
			c := newTestClient(Options{})
			if res := c.Fetch(context.Background(), configured(target), testNow); res.Err != nil {
				t.Errorf("configured %s: %v", target, res.Err)
			}
			outer := newCountingServer(t, target)
			before := srv.hits.Load()
			res := c.Fetch(context.Background(), configured(outer.URL+"/feed"), testNow)
			if !errors.Is(res.Err, ErrBlocked) || srv.hits.Load() != before {
				t.Errorf("redirect to %s: err %v, requests %d", target, res.Err, srv.hits.Load()-before)
			}
		})
	}
}

// TestProxyChecksTarget: through a proxy the proxy itself may be on a
// loopback address (the operator set it), while a target whose name
// resolves to an internal address is refused before the request.
func TestProxyChecksTarget(t *testing.T) {
	var proxied atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1) // a forward proxy gets the absolute URL
		w.Write([]byte(rssFeed(1, "")))
	}))
	defer proxy.Close()
	proxyURL, _ := url.Parse(proxy.URL)
	c := newTestClient(Options{})
	c.proxy = http.ProxyURL(proxyURL)
	c.lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
		if strings.HasPrefix(host, "intranet.") {
			return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}
	if res := c.Fetch(context.Background(), configured("http://news.example/feed"), testNow); res.Err != nil || proxied.Load() != 1 {
		t.Fatalf("public target through the proxy: err %v, proxied %d", res.Err, proxied.Load())
	}
	res := c.Fetch(context.Background(), configured("http://intranet.example/feed"), testNow)
	if !errors.Is(res.Err, ErrBlocked) || proxied.Load() != 1 {
		t.Fatalf("internal target through the proxy: err %v, proxied %d", res.Err, proxied.Load())
	}
}

func TestIsInternal(t *testing.T) {
	for addr, internal := range map[string]bool{
		"127.0.0.1": true, "127.9.9.9": true, "10.1.2.3": true, "172.16.0.9": true, "192.168.1.1": true,
		"169.254.169.254": true, "100.64.0.1": true, "100.127.255.254": true, "0.0.0.0": true, "0.1.2.3": true,
		"::": true, "::1": true, "fe80::1": true, "fc00::1": true, "fd12:3456::1": true,
		"::ffff:127.0.0.1": true, "::ffff:7f00:1": true, "::ffff:10.0.0.1": true, "::127.0.0.1": true,
		"64:ff9b::7f00:1": true, "64:ff9b::a00:1": true, "224.0.0.1": true, "ff02::1": true,
		"93.184.216.34": false, "100.128.0.1": false, "2001:db8::1": false, "8.8.8.8": false,
		"64:ff9b::808:808": false, "::ffff:8.8.8.8": false,
	} {
		if got := isInternal(netip.MustParseAddr(addr)); got != internal {
			t.Errorf("isInternal(%s) = %v, want %v", addr, got, internal)
		}
	}
}
