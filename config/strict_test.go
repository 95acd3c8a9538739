package config

import (
	"errors"
	"strings"
	"testing"
)

// firstError returns the first config error of err, failing when there is
// none.
func firstError(t *testing.T, err error) *Error {
	t.Helper()
	var es Errors
	var e *Error
	switch {
	case err == nil:
		t.Fatal("the config was accepted")
	case errors.As(err, &es):
		return es[0]
	case errors.As(err, &e):
		return e
	}
	t.Fatalf("error %T %v is not a config error", err, err)
	return nil
}

// TestSyntaxErrorLine: a syntax error is reported at the line that breaks
// the document, not where yaml.v3 says (the line its enclosing block
// began, or one before).
func TestSyntaxErrorLine(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		line int
	}{
		{"schedule: \"*/5 * * * *\"\nfeeds:\n  - name: a\n url: https://a.example/\n", 4},
		{"schedule: x\nstore: y\nretention: 1h\n- a\n", 4},
		{"schedule: x\nstore: y\nfeeds:\n  - name: a\n  url: b\n", 5},
		{"schedule: x\nstore: y\nlog:\n  level: y\n format: z\n", 5},
		{"schedule: x\nstore: y\nlog:\n  level: y\n   format: z\n", 5},
		{valid + "feeds: [\n", 19},
	} {
		e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(tc.doc)); return err }())
		if e.Line != tc.line || !strings.Contains(e.Msg, "syntax error") {
			t.Errorf("%q: %v (line %d), want line %d", tc.doc, e, e.Line, tc.line)
		}
	}
}

// TestSecondDocumentRejected: everything after a --- would be ignored, so
// a second document is an error at its line.
func TestSecondDocumentRejected(t *testing.T) {
	for _, extra := range []string{"---\nfeeds: []\n", "---\n"} {
		e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(valid+extra)); return err }())
		if e.Line != 19 || !strings.Contains(e.Msg, "second YAML document") {
			t.Errorf("%q: %v (line %d)", extra, e, e.Line)
		}
	}
	if _, err := Parse("c.yaml", []byte(valid+"...\n")); err != nil {
		t.Errorf("an end-of-document marker alone: %v", err)
	}
}

// TestDuplicateFeedURL: one URL under two names (spelt differently in the
// case of scheme and host, default port or fragment) is an error naming
// both entries and their lines.
func TestDuplicateFeedURL(t *testing.T) {
	for _, dup := range []string{
		"https://agency.example/rss", "HTTPS://Agency.Example/rss", "https://agency.example:443/rss",
		"https://agency.example/rss#top", "https://agency.example./rss",
	} {
		doc := strings.Replace(valid, "/srv/feeds/local.xml", dup, 1)
		e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(doc)); return err }())
		if e.Line != 18 || e.Key != "feeds[1].url" || !strings.Contains(e.Msg, `feeds[0] "agency" (line 14)`) {
			t.Errorf("%s: %v", dup, e)
		}
	}
	for _, other := range []string{"https://agency.example/rss2", "https://agency.example/rss?x=1", "http://agency.example/rss"} {
		doc := strings.Replace(valid, "/srv/feeds/local.xml", other, 1)
		if _, err := Parse("c.yaml", []byte(doc)); err != nil {
			t.Errorf("%s is another feed: %v", other, err)
		}
	}
}

// TestFeedNamesPrintable: names (and tags) with controls, line breaks,
// bidi controls or markup are refused, naming the key.
func TestFeedNamesPrintable(t *testing.T) {
	for _, name := range []string{`"a\nb"`, `"a\tb"`, `"a\u0007"`, `"evil\u202egnp.exe"`, `"x\u2066y"`, `"<b>x</b>"`, `"a > b"`, `"a\u200bb"`} {
		doc := strings.Replace(valid, "name: local", "name: "+name, 1)
		e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(doc)); return err }())
		if e.Key != "feeds[1].name" || e.Line != 17 {
			t.Errorf("name %s: %v", name, e)
		}
	}
	doc := strings.Replace(valid, "tags: [world]", `tags: [world, "a\u202eb"]`, 1)
	if e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(doc)); return err }()); e.Key != "feeds[0].tags[1]" {
		t.Errorf("tag: %v", e)
	}
	for _, ok := range []string{"Le Monde", "Süddeutsche Zeitung", "朝日新聞", "AP & Reuters", "ABC (AU)"} {
		doc := strings.Replace(valid, "name: local", "name: "+ok, 1)
		if _, err := Parse("c.yaml", []byte(doc)); err != nil {
			t.Errorf("name %q: %v", ok, err)
		}
	}
}

// TestCronStepOutOfRange: a step larger than its field's range is an
// error, in the global and in a feed's schedule.
func TestCronStepOutOfRange(t *testing.T) {
	for _, expr := range []string{"*/70 * * * *", "0 */25 * * *", "*/61 * * * * *", "0 0 1-10/15 * *", "CRON_TZ=UTC */60 * * * *"} {
		doc := strings.Replace(valid, `"*/5 * * * *"`, `"`+expr+`"`, 1)
		e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(doc)); return err }())
		if e.Key != "schedule" || e.Line != 1 || !strings.Contains(e.Msg, "step") {
			t.Errorf("%s: %v", expr, e)
		}
	}
	doc := strings.Replace(valid, "    tags: [world]", "    tags: [world]\n    schedule: \"*/90 * * * *\"", 1)
	if e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(doc)); return err }()); e.Key != "feeds[0].schedule" {
		t.Errorf("feed schedule: %v", e)
	}
	for _, expr := range []string{"*/59 * * * *", "*/30 */12 * * *", "@every 90m", "0 9 * * MON-FRI", "5/10 * * * *", "0 0 1 */6 *"} {
		doc := strings.Replace(valid, `"*/5 * * * *"`, `"`+expr+`"`, 1)
		if _, err := Parse("c.yaml", []byte(doc)); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
	}
}

// TestPolicyKeys: file feeds need fetch.allow_files; block_private is
// absent, true or false (AllowPrivate); secret params are read; URLs in
// errors are redacted.
func TestPolicyKeys(t *testing.T) {
	noFiles := strings.Replace(valid, "  allow_files: true\n", "", 1)
	e := firstError(t, func() error { _, err := Parse("c.yaml", []byte(noFiles)); return err }())
	if e.Key != "feeds[1].url" || !strings.Contains(e.Msg, "fetch.allow_files") {
		t.Errorf("file feed without allow_files: %v", e)
	}
	for _, tc := range []struct {
		line         string
		block, allow bool
	}{{"", false, false}, {"  block_private: true\n", true, false}, {"  block_private: false\n", false, true}} {
		cfg, err := Parse("c.yaml", []byte(strings.Replace(valid, "fetch:\n", "fetch:\n"+tc.line, 1)))
		if err != nil || cfg.Fetch.BlockPrivate != tc.block || cfg.Fetch.AllowPrivate != tc.allow {
			t.Errorf("%q: %v, block %v allow %v", tc.line, err, cfg.Fetch.BlockPrivate, cfg.Fetch.AllowPrivate)
		}
	}
	cfg, err := Parse("c.yaml", []byte(strings.Replace(valid, "fetch:\n", "fetch:\n  secret_params: [session]\n", 1)+"output2: x\n"))
	if err == nil || cfg != nil {
		t.Fatal("unknown key accepted")
	}
	doc := strings.Replace(valid, "fetch:\n", "fetch:\n  secret_params: [session]\n", 1)
	doc = strings.Replace(doc, "https://agency.example/rss", "http://bob:hunter2@/rss?session=s3cr3t", 1)
	_, err = Parse("c.yaml", []byte(doc))
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "***") {
		t.Errorf("error shows a secret: %v", err)
	}
}
