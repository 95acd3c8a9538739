package output

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/wirestory/aggregator/internal/htmlcheck"
)

// These tests run real feed consumers and a browser when they are
// installed (Debian: python3-feedparser, libxml2-utils, jing, chromium),
// and skip otherwise.

// writeFeeds writes every format of the fixtures and the hostile story to
// a temporary directory and returns it.
func writeFeeds(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range Formats {
		files[f] = filepath.Join(dir, "feed."+f)
	}
	opts := sampleOptions()
	opts.WebSubHub = "http://127.0.0.1:9/hub"
	if err := writeFiles(files, hostileStories(), opts); err != nil {
		t.Fatal(err)
	}
	return dir
}

func need(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		skipUnlessCI(t, path+" not installed")
	}
}

// skipUnlessCI skips a test whose tool is missing; under CI (CI=true),
// where .ci/run installs every tool, a missing one is a failure instead,
// so that a broken install cannot pass as skipped tests.
func skipUnlessCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: .ci/run should have installed it)", why)
	}
	t.Skip(why)
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

// feedparserScript parses each URL with feedparser. feedparser before 6.1
// (Debian 12 ships 6.0.10) has no JSON Feed parser: there the JSON Feed is
// read with the json module and checked for the same fields instead.
const feedparserScript = `
import importlib.util, json, sys, urllib.request, feedparser
has_json = importlib.util.find_spec("feedparser.parsers.json") is not None
out = {}
for url in sys.argv[1:]:
    if url.endswith(".json") and not has_json:
        with urllib.request.urlopen(url) as r:
            d = json.load(r)
        out[url] = {"bozo": 0, "version": "json11" if d.get("version") == "https://jsonfeed.org/version/1.1" else "",
                    "ids": [i["id"] for i in d["items"]], "html": [i.get("content_html", "") for i in d["items"]], "via": "json"}
        continue
    d = feedparser.parse(url)
    out[url] = {"bozo": int(bool(d.bozo)), "error": str(d.get("bozo_exception", "")), "version": d.version,
                "ids": [e.get("id", "") for e in d.entries], "via": "feedparser " + feedparser.__version__,
                "html": [c.value for e in d.entries for c in e.get("content", [])] + [e.get("summary", "") for e in d.entries]}
print(json.dumps(out))
`

func TestFeedparser(t *testing.T) {
	need(t, "/usr/bin/python3")
	if err := exec.Command("/usr/bin/python3", "-c", "import feedparser").Run(); err != nil {
		skipUnlessCI(t, "python3-feedparser not installed")
	}
	s, _ := newTestServer(t, sampleOptions())
	if _, err := update(s, hostileStories(), nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, st := range hostileStories() {
		ids = append(ids, storyURN(st.ID))
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	args := []string{"-c", feedparserScript}
	for _, f := range Formats {
		args = append(args, srv.URL+"/feed."+f)
	}
	var got map[string]struct {
		Bozo                int
		Error, Version, Via string
		IDs                 []string
		HTML                []string
	}
	if err := json.Unmarshal(run(t, "/usr/bin/python3", args...), &got); err != nil {
		t.Fatal(err)
	}
	versions := map[string]string{"rss": "rss20", "atom": "atom10", "json": "json11"}
	for _, f := range Formats {
		r := got[srv.URL+"/feed."+f]
		t.Logf("%s read by %s", f, r.Via)
		if r.Bozo != 0 || r.Version != versions[f] || !slices.Equal(r.IDs, ids) {
			t.Errorf("%s: bozo %d (%s), version %q, ids %q, want 0, %q, %q", f, r.Bozo, r.Error, r.Version, r.IDs, versions[f], ids)
		}
		for _, h := range r.HTML {
			checkSafeHTML(t, "feedparser "+f, h)
		}
	}
}

func TestXMLLint(t *testing.T) {
	need(t, "/usr/bin/xmllint")
	dir := writeFeeds(t)
	run(t, "/usr/bin/xmllint", "--noout", filepath.Join(dir, "feed.rss"), filepath.Join(dir, "feed.atom"))
}

func TestAtomRelaxNG(t *testing.T) {
	need(t, "/usr/bin/jing")
	schema := filepath.Join("..", "..", "shared", "schemas", "atom.rnc")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("schema %s absent", schema)
	}
	dir := writeFeeds(t)
	run(t, "/usr/bin/jing", "-c", schema, filepath.Join(dir, "feed.atom"))
	empty := filepath.Join(dir, "empty.atom")
	if err := writeFiles(map[string]string{"atom": empty}, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	run(t, "/usr/bin/jing", "-c", schema, empty)
}

// chromium runs headless Chromium with extra arguments against url.
func chromium(t *testing.T, url string, extra ...string) []byte {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	return run(t, "/usr/bin/chromium", append(append(args, extra...), url)...)
}

func TestPageInChromium(t *testing.T) {
	need(t, "/usr/bin/chromium")
	s, _ := newTestServer(t, sampleOptions())
	if _, err := update(s, hostileStories(), sampleFeeds()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	dom := string(chromium(t, srv.URL+"/", "--dump-dom"))
	for _, want := range []string{
		`<a href="https://gazette.example/2026/03/lighthouse" rel="noreferrer">Old lighthouse relit after forty years</a>`,
		"Also reported by",
		`<a href="https://courier.example/news/lighthouse-lit" rel="nofollow noreferrer" title="Saltmere lighthouse shines again">valley-courier</a>`,
		">northern-wire</a>", "Footbridge reopens over the Wend", "Feed health",
		`<span class="err">HTTP 503</span>`, ">Gone<", "old-herald", ">Polled every<", ">17 min<",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	doc, err := xhtml.Parse(strings.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range htmlcheck.Node(doc) {
		t.Errorf("page as Chromium built it: %s", p)
	}
	if path := os.Getenv("OUTPUT_SCREENSHOT"); path != "" {
		chromium(t, srv.URL+"/", "--screenshot="+path, "--window-size=1200,1600", "--hide-scrollbars")
	}
}
