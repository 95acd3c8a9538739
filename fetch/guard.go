package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// privateMode is how a Client treats internal addresses (see
// Options.BlockPrivate and Options.AllowPrivate).
type privateMode int

const (
	// privateLiteral, the default: the host of the feed's configured URL
	// may be a literal internal address or localhost; anything reached
	// otherwise (a redirect, a name that resolves to one) may not.
	privateLiteral privateMode = iota
	// privateStrict refuses every internal address, configured or not.
	privateStrict
	// privateAllowed checks nothing.
	privateAllowed
)

func (o Options) privateMode() privateMode {
	switch {
	case o.BlockPrivate:
		return privateStrict
	case o.AllowPrivate:
		return privateAllowed
	}
	return privateLiteral
}

// lookupFunc resolves a host name to its addresses.
type lookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

func systemLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// cgnat is the carrier-grade NAT range of RFC 6598; thisNet is 0.0.0.0/8
// ("this network", which Linux dials as the local machine); v4compat is
// ::/96 (the IPv4-compatible IPv6 addresses, ::1 and :: among them), and
// nat64 the well-known NAT64 prefix of RFC 6052, whose addresses reach the
// IPv4 address embedded in them.
var (
	cgnat    = netip.MustParsePrefix("100.64.0.0/10")
	thisNet  = netip.MustParsePrefix("0.0.0.0/8")
	v4compat = netip.MustParsePrefix("::/96")
	nat64    = netip.MustParsePrefix("64:ff9b::/96")
)

// isInternal reports whether a is an address no public feed lives at:
// loopback, private (RFC 1918, unique-local fc00::/7), link-local,
// unspecified and 0.0.0.0/8, CGNAT (100.64.0.0/10), multicast, and the
// same in IPv4-mapped, IPv4-compatible and NAT64 IPv6 forms.
func isInternal(a netip.Addr) bool {
	a = a.Unmap()
	switch {
	case v4compat.Contains(a):
		return true // nothing public lives in ::/96
	case nat64.Contains(a):
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() ||
		cgnat.Contains(a) || thisNet.Contains(a)
}

// isLocalName reports whether host is localhost or a name under
// .localhost (RFC 6761), which always resolve to the local machine.
func isLocalName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// isLiteral reports whether host is written as an address or as a local
// name: the hosts an operator can allow by writing them in the config.
func isLiteral(host string) bool {
	_, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil || isLocalName(host)
}

// authority returns u's host and port in a comparable form: lower case,
// no trailing dot, addresses in their canonical spelling, the scheme's
// default port made explicit.
func authority(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return normalHostPort(u.Hostname(), port)
}

func normalHostPort(host, port string) string {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.String()
	}
	return net.JoinHostPort(host, port)
}

type allowKey struct{}

// withAllowed returns ctx carrying authorities (host:port, see authority)
// that may be connected to whatever their address.
func withAllowed(ctx context.Context, auths ...string) context.Context {
	prev, _ := ctx.Value(allowKey{}).([]string)
	return context.WithValue(ctx, allowKey{}, append(slices.Clip(prev), auths...))
}

func allowed(ctx context.Context, auth string) bool {
	auths, _ := ctx.Value(allowKey{}).([]string)
	return slices.Contains(auths, auth)
}

// allowConfigured returns ctx allowing the authority of the feed's
// configured URL when the mode lets a literal internal address through
// and that URL names one.
func (c *Client) allowConfigured(ctx context.Context, configured string) context.Context {
	if c.opts.privateMode() != privateLiteral {
		return ctx
	}
	u, err := url.Parse(configured)
	if err != nil || !isLiteral(u.Hostname()) {
		return ctx
	}
	return withAllowed(ctx, authority(u))
}

// admit checks one request before it is sent: a literal internal host
// that ctx does not allow is refused here, before any connection (an idle
// pooled one included) is used. With a proxy, the proxy's address is
// allowed (the operator set it) and the target's name is resolved here,
// since the proxy connects to it, not us.
func (c *Client) admit(ctx context.Context, req *http.Request) (context.Context, error) {
	if c.opts.privateMode() == privateAllowed {
		return ctx, nil
	}
	auth := authority(req.URL)
	if allowed(ctx, auth) {
		return ctx, nil
	}
	host := req.URL.Hostname()
	if isLocalName(host) {
		return ctx, fmt.Errorf("%s: %w", host, ErrBlocked)
	}
	if a, err := netip.ParseAddr(host); err == nil && isInternal(a) {
		return ctx, fmt.Errorf("%s: %w", host, ErrBlocked)
	}
	proxy, err := c.proxy(req)
	if err != nil || proxy == nil {
		return ctx, nil // the dialer checks the addresses it connects to
	}
	if _, err := c.publicAddrs(ctx, host); err != nil {
		return ctx, err
	}
	return withAllowed(ctx, authority(proxy)), nil
}

// publicAddrs resolves host (or parses it, when it is an address) and
// returns its addresses that are not internal; none is an error wrapping
// ErrBlocked.
func (c *Client) publicAddrs(ctx context.Context, host string) ([]netip.Addr, error) {
	addrs, err := c.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	public := slices.DeleteFunc(addrs, isInternal)
	if len(public) == 0 {
		return nil, fmt.Errorf("%s: %w", host, ErrBlocked)
	}
	return public, nil
}

func (c *Client) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	addrs, err := c.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

// dial is the transport's DialContext. It resolves the host itself (with
// the Client's resolver) and, unless the mode allows everything or ctx
// allows this authority, drops internal addresses and connects only to
// the rest, so that neither a redirect nor a name resolving to an
// internal address (DNS rebinding included: the check is on the address
// actually dialled) reaches one.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("dial %s: bad port %q", host, port)
	}
	check := c.opts.privateMode() != privateAllowed && !allowed(ctx, normalHostPort(host, port))
	dialer, resolve := c.dialer, c.resolve
	if check {
		dialer, resolve = c.checked, c.publicAddrs
	}
	addrs, err := resolve(ctx, host)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	var firstErr error
	for _, a := range addrs {
		conn, err := dialer.DialContext(ctx, network, netip.AddrPortFrom(a, uint16(p)).String())
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// refusePrivate is a net.Dialer Control function: it runs on the address
// actually dialled, a second line behind dial's own check.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(host)
	if err != nil || isInternal(a) {
		return ErrBlocked
	}
	return nil
}
