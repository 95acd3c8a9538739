package news

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Redacted stands for a secret removed from a URL.
const Redacted = "***"

// secretParams are the query parameters treated as secrets by every
// redaction, whatever the configuration adds (compared without regard to
// case).
var secretParams = []string{
	"token", "key", "api_key", "apikey", "access_token", "auth",
	"password", "passwd", "secret", "sig", "signature",
}

// IsSecretParam reports whether the query parameter name is a secret: one
// of the common names (token, key, api_key, apikey, access_token, auth,
// password, passwd, secret, sig, signature) or one of extra, without
// regard to case.
func IsSecretParam(name string, extra ...string) bool {
	for _, s := range secretParams {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	for _, s := range extra {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}

// RedactURL returns raw with its secrets replaced by "***": the user
// information (user name and password) and the values of the query
// parameters that IsSecretParam(name, extra...) names. Everything else is
// kept as written. A string that does not parse as a URL is returned with
// anything that looks like user information redacted. Every place that
// shows a URL (pages, logs, errors, command output) goes through it or
// RedactText. It is safe for concurrent use.
func RedactURL(raw string, extra ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactUnparsed(raw, extra)
	}
	changed := false
	if u.User != nil {
		u.User = url.User(Redacted)
		changed = true
	}
	if q, ok := redactQuery(u.RawQuery, extra); ok {
		u.RawQuery = q
		changed = true
	}
	if !changed {
		return raw
	}
	// url.URL escapes "*" in user information; a literal "***" reads
	// better and is what the docs promise.
	return strings.Replace(u.String(), "%2A%2A%2A@", Redacted+"@", 1)
}

// redactQuery replaces the values of secret parameters in a raw query,
// keeping every other pair as written; ok is false when nothing changed.
func redactQuery(raw string, extra []string) (string, bool) {
	if raw == "" {
		return raw, false
	}
	pairs := strings.Split(raw, "&")
	changed := false
	for i, pair := range pairs {
		key, _, _ := strings.Cut(pair, "=")
		name := key
		if k, err := url.QueryUnescape(key); err == nil {
			name = k
		}
		if IsSecretParam(strings.TrimSpace(name), extra...) {
			pairs[i] = key + "=" + Redacted
			changed = true
		}
	}
	return strings.Join(pairs, "&"), changed
}

// userInfoRE matches the user information of a URL-like string that does
// not parse: scheme://anything-without-slash@.
var userInfoRE = regexp.MustCompile(`(?i)^([a-z][a-z0-9+.-]*://)[^/?#@\s]*@`)

func redactUnparsed(raw string, extra []string) string {
	s := userInfoRE.ReplaceAllString(raw, "${1}"+Redacted+"@")
	if base, query, ok := strings.Cut(s, "?"); ok {
		if q, changed := redactQuery(query, extra); changed {
			s = base + "?" + q
		}
	}
	return s
}

// urlInTextRE finds the URLs in free text such as error messages: a
// scheme, "://", and everything up to white space or a quote.
var urlInTextRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)

// RedactText returns s with every URL in it (scheme://...) passed
// through RedactURL. Errors of net/http and net/url embed the URL they
// failed on; RedactText makes such messages safe to show. It is safe for
// concurrent use.
func RedactText(s string, extra ...string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInTextRE.ReplaceAllStringFunc(s, func(u string) string {
		// A URL quoted by %q ends with the quote, which the pattern
		// excludes; trailing punctuation of a sentence is kept apart.
		trimmed := strings.TrimRight(u, ".,;:)")
		return RedactURL(trimmed, extra...) + u[len(trimmed):]
	})
}

// SecretParams is a set of query parameter names to redact besides the
// common ones. The zero value is the empty set. Unlike a slice it is
// comparable: two sets of the same names (in any order or case) are ==,
// so options holding one can be compared.
type SecretParams struct{ joined string }

// NewSecretParams returns the set of names, folded to lower case, without
// empty names and duplicates.
func NewSecretParams(names ...string) SecretParams {
	var list []string
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	slices.Sort(list)
	return SecretParams{joined: strings.Join(list, "\n")}
}

// Names returns the names of the set, sorted; nil for the empty set.
func (p SecretParams) Names() []string {
	if p.joined == "" {
		return nil
	}
	return strings.Split(p.joined, "\n")
}
