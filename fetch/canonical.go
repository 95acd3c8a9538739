package fetch

import (
	"net/url"
	"path"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

// trackingParams are query parameters that identify a campaign or a click,
// not a resource; CanonicalURL drops them (and every utm_* parameter).
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true,
	"mc_eid": true, "igshid": true, "yclid": true, "_ga": true, "ref": true,
	"ref_src": true, "cmpid": true, "ocid": true, "smid": true, "sr_share": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "wt.mc_id": true, "ncid": true,
	"icid": true, "at_medium": true, "at_campaign": true, "guccounter": true,
	"oly_anon_id": true, "oly_enc_id": true, "rb_clickid": true, "s_cid": true,
}

// CanonicalURL returns raw without its fragment, user info and tracking
// parameters (utm_*, fbclid, gclid and the like), with a lower-case scheme
// and host (internationalised names in their ASCII form, no trailing dot),
// no default port, dot segments resolved, at least "/" as path, and the
// remaining query parameters sorted (their escaping kept as given). A string
// that is not an absolute http(s) URL is returned trimmed, unchanged
// otherwise. It is safe for concurrent use.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return raw
	}
	host := canonicalHost(u.Hostname())
	if host == "" {
		return raw
	}
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host = joinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery, u.ForceQuery = cleanQuery(u.RawQuery), false
	cleanPath(u)
	return u.String()
}

func canonicalHost(h string) string {
	h = strings.TrimRight(strings.ToLower(h), ".")
	if ascii, err := idna.Lookup.ToASCII(h); err == nil && ascii != "" {
		return ascii
	}
	return h
}

func joinHostPort(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// cleanPath resolves the dot segments of u's path, keeping a trailing
// slash, and makes an empty path "/".
func cleanPath(u *url.URL) {
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
		return
	}
	if !strings.Contains(u.Path, "/.") {
		return
	}
	p := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	u.Path, u.RawPath = p, ""
}

// cleanQuery drops the tracking parameters of a raw query and sorts the
// rest. Pairs are kept as written, so nothing the server may rely on
// (escaping, semicolons, empty values) is lost.
func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var kept []string
	for _, pair := range strings.Split(raw, "&") {
		// White space ending a pair is not part of any valid URL; kept, it
		// could end the result, which CanonicalURL would then trim.
		pair = strings.TrimRightFunc(pair, unicode.IsSpace)
		if pair == "" {
			continue
		}
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		key = strings.ToLower(key)
		if strings.HasPrefix(key, "utm_") || trackingParams[key] {
			continue
		}
		kept = append(kept, pair)
	}
	sort.Strings(kept)
	return strings.Join(kept, "&")
}
