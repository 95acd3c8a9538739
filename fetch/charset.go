package fetch

import (
	"bytes"
	"mime"
	"regexp"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// xmlDecl matches an XML declaration at the start of a document.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)

// declEncoding matches the encoding pseudo-attribute of an XML declaration.
var declEncoding = regexp.MustCompile(`encoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']`)

// toUTF8 returns body as UTF-8, whatever encoding it came in. The evidence is
// weighed in this order: a byte order mark; a body that is valid UTF-8 and
// not plain ASCII (servers and declarations often claim Latin-1 for UTF-8
// text, never the reverse); the charset of the Content-Type; the encoding of
// the XML declaration; for a body with no usable label, UTF-8 when it holds
// valid multi-byte sequences, else windows-1252. Bytes that are invalid in the
// chosen encoding become U+FFFD. An XML declaration is rewritten to say
// UTF-8, so the XML parser does not decode a second time.
func toUTF8(body []byte, contentType string) []byte {
	enc := chooseEncoding(body, contentType)
	out := body
	if enc != nil {
		if dec, err := enc.NewDecoder().Bytes(body); err == nil {
			out = dec
		}
	}
	out = bytes.TrimPrefix(out, []byte("\uFEFF"))
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	if loc := xmlDecl.FindIndex(out); loc != nil {
		out = append([]byte(`<?xml version="1.0" encoding="utf-8"?>`), out[loc[1]:]...)
	}
	return out
}

// chooseEncoding returns the encoding of body, or nil for UTF-8.
func chooseEncoding(body []byte, contentType string) encoding.Encoding {
	if e := bomEncoding(body); e != nil {
		return e
	}
	valid := utf8.Valid(body)
	if valid && !isASCII(body) {
		return nil
	}
	for _, label := range []string{contentTypeCharset(contentType), xmlDeclEncoding(body)} {
		if e := lookupEncoding(label); e != nil {
			return e
		}
	}
	if valid || hasMultiByteRune(body) {
		return nil
	}
	return lookupEncoding("windows-1252")
}

func bomEncoding(body []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		return nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(body, []byte{'<', 0, 0, 0}):
		return utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)
	case bytes.HasPrefix(body, []byte{0, 0, 0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0, 0, 0, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM)
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}), bytes.HasPrefix(body, []byte{'<', 0, '?', 0}):
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0, '<', 0, '?'}):
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	}
	return nil
}

// lookupEncoding returns the WHATWG encoding for label; nil for UTF-8, an
// unknown label, or one whose decoder would discard the text. UTF-16 labels
// are ignored too: a real UTF-16 body is recognised by bomEncoding, and the
// label on an ASCII body is a mistake that decoding would turn into garbage.
func lookupEncoding(label string) encoding.Encoding {
	if label == "" {
		return nil
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return nil
	}
	switch name, _ := htmlindex.Name(e); name {
	case "utf-8", "utf-16le", "utf-16be", "replacement", "x-user-defined":
		return nil
	}
	return e
}

func contentTypeCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

func xmlDeclEncoding(body []byte) string {
	head := body[:min(len(body), 1024)]
	decl := xmlDecl.Find(head)
	if decl == nil {
		return ""
	}
	if m := declEncoding.FindSubmatch(decl); m != nil {
		return string(m[1])
	}
	return ""
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasMultiByteRune reports whether b holds at least one valid multi-byte
// UTF-8 sequence: the mark of UTF-8 text with a few stray bytes.
func hasMultiByteRune(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r != utf8.RuneError && n > 1 {
			return true
		}
		b = b[n:]
	}
	return false
}

// stripXMLIllegal removes the characters XML 1.0 forbids (C0 controls other
// than tab, newline and carriage return; U+FFFE and U+FFFF), which feeds
// often carry and which would otherwise make the whole document fail.
func stripXMLIllegal(b []byte) []byte {
	if bytes.Contains(b, []byte("&#")) {
		b = charRef.ReplaceAllFunc(b, dropIllegalRef)
	}
	if !bytes.ContainsFunc(b, xmlIllegal) {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !xmlIllegal(r) {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// charRef matches a numeric character reference.
var charRef = regexp.MustCompile(`&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});`)

// dropIllegalRef returns ref, or nothing when it refers to a character
// that XML forbids (encoding/xml rejects the document for it).
func dropIllegalRef(ref []byte) []byte {
	digits, base := string(ref[2:len(ref)-1]), 10
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) || xmlIllegal(rune(n)) {
		return nil
	}
	return ref
}

func xmlIllegal(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF
}
