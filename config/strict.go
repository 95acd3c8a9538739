package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/wirestory/aggregator/news"
)

// checkName returns an error when a feed name or tag cannot be shown as
// it is in a table, a page or a log line: empty, or holding a character
// that is not printable (controls, line breaks, tabs, format characters),
// a bidirectional control (which can reorder the text around it), or
// markup (< and >).
func checkName(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("is empty")
	}
	for _, r := range s {
		switch {
		case news.IsBidiControl(r):
			return fmt.Errorf("%q holds the bidirectional control %U", s, r)
		case r == '<' || r == '>':
			return fmt.Errorf("%q holds markup (%q)", s, r)
		case !unicode.IsPrint(r):
			return fmt.Errorf("%q holds the control or invisible character %U", s, r)
		}
	}
	return nil
}

// urlKey is the form of a feed URL under which two entries are the same
// feed: scheme and host in lower case, no trailing dot, no default port,
// no fragment, "/" for an empty path; a file path cleaned. Anything else
// (path, query, user information) is kept as written.
func urlKey(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.Scheme == "" || u.Scheme == "file" {
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		return "file:" + filepath.Clean(p)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host += ":" + port
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// isLocalFeed reports whether a feed URL names a file (as fetch reads
// it): a file: URL or a path.
func isLocalFeed(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	return err == nil && (u.Scheme == "" || u.Scheme == "file")
}

// cronFields are the fields of a cron expression with their ranges, the
// seconds field first (present when the expression has six fields).
var cronFields = []struct {
	name   string
	lo, hi int
}{
	{"second", 0, 59}, {"minute", 0, 59}, {"hour", 0, 23},
	{"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 6},
}

// checkCronSteps rejects a step that is larger than its field's range,
// such as */70 in the minutes: robfig/cron accepts it and runs once an
// hour, which is never what the writer meant. Descriptors (@every) and
// names (JAN, MON) are left to the parser.
func checkCronSteps(expr string) error {
	fields := strings.Fields(expr)
	if len(fields) > 0 && (strings.HasPrefix(fields[0], "CRON_TZ=") || strings.HasPrefix(fields[0], "TZ=")) {
		fields = fields[1:]
	}
	if len(fields) == 0 || strings.HasPrefix(fields[0], "@") {
		return nil
	}
	spec := cronFields[1:]
	if len(fields) == 6 {
		spec = cronFields
	}
	for i, f := range fields {
		if i >= len(spec) {
			break
		}
		for part := range strings.SplitSeq(f, ",") {
			if err := checkStep(part, spec[i].lo, spec[i].hi); err != nil {
				return fmt.Errorf("%s field %q: %w", spec[i].name, f, err)
			}
		}
	}
	return nil
}

// checkStep checks one range/step part of a field whose values run from
// lo to hi.
func checkStep(part string, lo, hi int) error {
	rng, stepText, ok := strings.Cut(part, "/")
	if !ok {
		return nil
	}
	step, err := strconv.Atoi(stepText)
	if err != nil {
		return nil // the parser reports it
	}
	from, to := lo, hi
	if rng != "*" && rng != "?" {
		a, b, isRange := strings.Cut(rng, "-")
		if from, err = strconv.Atoi(a); err != nil {
			return nil
		}
		if isRange {
			if to, err = strconv.Atoi(b); err != nil {
				return nil
			}
		}
	}
	if span := to - from; step > 1 && step > span {
		return fmt.Errorf("step %d is larger than the range %d-%d: it would match %d only", step, from, to, from)
	}
	return nil
}
