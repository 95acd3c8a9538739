package fetch

import (
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func TestStripXMLIllegal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain &amp; &#233; text", "plain &amp; &#233; text"},
		{"a\x01b\x00c\td\ne\rf", "abc\td\ne\rf"},
		{"x\uFFFEy\uFFFFz\uFFFD", "xyz\uFFFD"},
		{"&#1;&#x1F;&#X0b;&#9;&#x0A;&#13;", "&#9;&#x0A;&#13;"},
		{"&#xD800;&#65534;&#xFFFF;&#x110000;&#9999999999;", ""},
		{"&#99999999999;&#x1FFFFFFFF;", "&#99999999999;&#x1FFFFFFFF;"}, // too long to be references
		{"&#0000000065;&#00000000001;", "&#0000000065;&#00000000001;"},
		{"&#&#1;;&#x;&#;&#1", "&#;&#x;&#;&#1"},
		{"&\x01#1;", "&#1;"}, // references first, then raw characters: as before
	} {
		if got := string(stripXMLIllegal([]byte(tc.in))); got != tc.want {
			t.Errorf("stripXMLIllegal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestParseASCIIUnderLabel checks the shortcut for an ASCII body under a
// legacy label: it is read as is, except in ISO-2022-JP, whose escape
// sequences are ASCII.
func TestParseASCIIUnderLabel(t *testing.T) {
	for _, tc := range []struct{ name, label, title, want string }{
		{"windows-1251", "windows-1251", "Harbour &amp; ferry &#8212; news", "Harbour & ferry — news"},
		{"iso-2022-jp", "ISO-2022-JP", encode(t, japanese.ISO2022JP, "港町の花火大会"), "港町の花火大会"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + tc.label + `"?><rss version="2.0"><channel><title>x</title>` +
				`<item><title>` + tc.title + `</title><guid>g</guid></item></channel></rss>`
			if !isASCII([]byte(doc)) {
				t.Fatalf("document is not ASCII: %q", doc)
			}
			if it := parseOne(t, doc); it.Title != tc.want {
				t.Errorf("title %q, want %q", it.Title, tc.want)
			}
		})
	}
}
