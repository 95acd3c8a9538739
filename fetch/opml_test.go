package fetch

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestOPMLRoundTrip(t *testing.T) {
	feeds := []OPMLFeed{
		{Name: "Harbour Gazette", URL: "https://gazette.example/rss", Tags: []string{"local", "boats"}},
		{Name: "Valley & Hill Times", URL: "https://vht.example/feed?x=1&y=2", Tags: []string{"local"}},
		{Name: "Wire <Desk>", URL: "https://wire.example/atom.xml"},
		{Name: "Orbit Weekly", URL: "https://orbit.example/feed.json", Tags: []string{"science/space", "weekly"}},
		{Name: "Second Local", URL: "https://second.example/rss", Tags: []string{"local"}},
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "My subscriptions", feeds); err != nil {
		t.Fatal(err)
	}
	got, err := ParseOPML(&buf)
	if err != nil {
		t.Fatalf("ParseOPML: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, feeds) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, feeds)
	}
}

func TestParseOPMLNested(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0"><head><title>Export</title></head><body>
  <outline text="News">
    <outline text="World">
      <outline type="rss" text="Globe Dispatch" xmlUrl="https://globe.example/rss" category="/daily,/wire/intl"/>
    </outline>
    <outline type="rss" title="Town Crier" text="crier" xmlurl="https://crier.example/feed"/>
  </outline>
  <outline type="rss" XMLURL="https://bare.example/rss"/>
  <outline text="Dup"><outline text="Globe again" xmlUrl="https://globe.example/rss"/></outline>
  <outline text="Empty folder"/>
</body></opml>`
	got, err := ParseOPML(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []OPMLFeed{
		{Name: "Globe Dispatch", URL: "https://globe.example/rss", Tags: []string{"News", "World", "daily", "wire/intl", "Dup"}},
		{Name: "Town Crier", URL: "https://crier.example/feed", Tags: []string{"News"}},
		{Name: "https://bare.example/rss", URL: "https://bare.example/rss"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseOPMLErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not xml":    "just words",
		"wrong root": `<rss version="2.0"><channel/></rss>`,
		"empty":      "",
	} {
		if _, err := ParseOPML(strings.NewReader(doc)); err == nil || !strings.HasPrefix(err.Error(), "parse opml: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if err := WriteOPML(&bytes.Buffer{}, "t", []OPMLFeed{{Name: "no url"}}); err == nil {
		t.Error("WriteOPML accepted a feed without URL")
	}
}
