// Package fetch polls feeds politely and turns them into news items. Client
// does conditional GETs with one shared http.Client, honours Retry-After,
// Cache-Control, RSS <ttl> and sy:updatePeriod, backs off on errors, follows redirects itself
// (rewriting a feed's URL only after a permanent redirect persists), limits
// requests globally and per host, and caps body size, decompressed size,
// item count and time. Parse converts a feed document of any encoding to
// news.Item values; only this package sees gofeed's types. Learn sets a
// feed's poll interval from what it delivers (adaptive polling). ParseOPML
// and WriteOPML read and write subscription lists.
package fetch

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Defaults for the zero fields of Options.
const (
	// DefaultUserAgent names the software and a page about it; operators
	// should configure their own contact URL.
	DefaultUserAgent     = "github.com/wirestory/aggregator/1.0 (+https://example.invalid/configure-your-aggregator-url; feed merger)"
	DefaultTimeout       = 30 * time.Second
	DefaultMaxBodyBytes  = 16 << 20
	DefaultMaxItems      = 500
	DefaultConcurrency   = 16
	DefaultPerHost       = 1
	DefaultHostDelay     = time.Second
	DefaultMaxBackoff    = 6 * time.Hour
	DefaultRedirectLimit = 3
)

const (
	// baseBackoff is the delay after the first failure; it doubles with
	// every further consecutive failure up to Options.MaxBackoff.
	baseBackoff = time.Minute
	// maxHops is the most redirects one fetch follows.
	maxHops = 10
	// maxHint caps server hints (Retry-After, max-age, <ttl>) so that a
	// silly value cannot stop a feed for months.
	maxHint        = 24 * time.Hour
	maxHintMinutes = int(maxHint / time.Minute)
	acceptHeader   = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)

// ErrBlocked is wrapped by the error of a fetch refused because its host
// is, or resolved to, an internal address (private, loopback, link-local,
// CGNAT, unique-local, unspecified) that the Client's policy does not
// allow; see Options.BlockPrivate.
var ErrBlocked = errors.New("address is internal (private, loopback or link-local): refused")

// Options configures a Client. The zero value of every field means its
// default (see the Default constants).
type Options struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Timeout bounds the whole fetch of one feed, from the start of its
	// first request to the end of its body, redirects included (waiting
	// for a host or global slot is not counted; the caller's context
	// bounds that); default 30s.
	Timeout time.Duration
	// MaxBodyBytes caps both the body as sent and the body after
	// decompression; a larger one is an error, never truncated. Default
	// 16 MiB.
	MaxBodyBytes int64
	// MaxItems caps the items kept from one feed (the newest by date,
	// ties to the earlier in the document); 0 means the default, 500.
	MaxItems int
	// Concurrency caps the requests in flight over all hosts; default 16.
	Concurrency int
	// PerHost caps the requests in flight to one host (host:port);
	// default 1.
	PerHost int
	// HostDelay is the minimum spacing between the starts of two requests
	// to one host; default 1s, negative for none.
	HostDelay time.Duration
	// MaxBackoff caps the delay after consecutive failures; default 6h.
	MaxBackoff time.Duration
	// RedirectThreshold is how many polls in a row must see the same
	// permanent redirect before the feed's URL is rewritten; default 3.
	RedirectThreshold int
	// Internal addresses: private (RFC 1918, fc00::/7), loopback,
	// link-local, CGNAT (100.64.0.0/10), unspecified, multicast, also in
	// IPv4-mapped and NAT64 forms. By default (both fields false) a feed
	// whose configured URL (news.FeedState.ConfigURL, else URL) names a
	// literal address or localhost may be fetched from that host and
	// port, since the operator wrote it; every other connection to an
	// internal address is refused: redirects into one, and names that
	// resolve to one. The check runs on the address actually dialled, so
	// DNS rebinding is covered too. With a proxy from the environment the
	// proxy's address is allowed and the target's name is checked before
	// the request.
	//
	// BlockPrivate refuses internal addresses even when configured.
	BlockPrivate bool
	// AllowPrivate turns the check off (BlockPrivate wins over it).
	AllowPrivate bool
	// SecretParams names query parameters, besides the common ones of
	// news.IsSecretParam, whose values are redacted from errors.
	SecretParams news.SecretParams
}

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	o.Timeout = orDefault(o.Timeout, DefaultTimeout)
	o.MaxBodyBytes = orDefault(o.MaxBodyBytes, DefaultMaxBodyBytes)
	o.MaxItems = orDefault(o.MaxItems, DefaultMaxItems)
	o.Concurrency = orDefault(o.Concurrency, DefaultConcurrency)
	o.PerHost = orDefault(o.PerHost, DefaultPerHost)
	o.MaxBackoff = orDefault(o.MaxBackoff, DefaultMaxBackoff)
	o.RedirectThreshold = orDefault(o.RedirectThreshold, DefaultRedirectLimit)
	switch {
	case o.HostDelay == 0:
		o.HostDelay = DefaultHostDelay
	case o.HostDelay < 0:
		o.HostDelay = 0
	}
	return o
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Client polls feeds. Build it with NewClient; it is safe for concurrent
// use, and callers may start one goroutine per feed: the limits of Options
// are enforced inside Fetch.
type Client struct {
	opts   Options
	http   *http.Client
	global chan struct{}
	// parsing holds a slot per document being parsed: one per core.
	parsing chan struct{}
	hosts   *hostLimiter
	// clock paces requests to one host; tests replace it.
	clock clock
	// lookup resolves names for the address check; tests replace it.
	lookup lookupFunc
	// proxy is the transport's proxy selection.
	proxy func(*http.Request) (*url.URL, error)
	// dialer connects where the check allows everything; checked also
	// refuses internal addresses at the socket (a second line).
	dialer, checked *net.Dialer
}

// NewClient returns a Client with opts, zero fields taking their defaults.
func NewClient(opts Options) *Client {
	opts = opts.withDefaults()
	step := min(10*time.Second, opts.Timeout)
	c := &Client{
		opts:    opts,
		global:  make(chan struct{}, opts.Concurrency),
		parsing: make(chan struct{}, runtime.GOMAXPROCS(0)),
		clock:   realClock{},
		lookup:  systemLookup,
		proxy:   http.ProxyFromEnvironment,
		dialer:  &net.Dialer{Timeout: step, KeepAlive: 30 * time.Second},
		checked: &net.Dialer{Timeout: step, KeepAlive: 30 * time.Second, Control: refusePrivate},
	}
	c.hosts = newHostLimiter(opts.PerHost, opts.HostDelay, func() clock { return c.clock })
	c.http = &http.Client{
		Transport: c.newTransport(),
		Timeout:   opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c
}

func (c *Client) newTransport() *http.Transport {
	step := min(10*time.Second, c.opts.Timeout)
	return &http.Transport{
		Proxy:                 func(r *http.Request) (*url.URL, error) { return c.proxy(r) },
		DialContext:           c.dial,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   step,
		ResponseHeaderTimeout: c.opts.Timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(2, c.opts.PerHost),
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true, // we decompress ourselves, to cap the size
	}
}
