package fetch

import (
	"bytes"
	"encoding/binary"
	"mime"
	"regexp"
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

// utf8Decl is the XML declaration that stands for the one toUTF8 cuts off.
const utf8Decl = `<?xml version="1.0" encoding="utf-8"?>`

// toUTF8 returns body as UTF-8, whatever encoding it came in. The evidence is
// weighed in this order: a byte order mark; a body that is valid UTF-8 and
// not plain ASCII (servers and declarations often claim Latin-1 for UTF-8
// text, never the reverse); the charset of the Content-Type; the encoding of
// the XML declaration; for a body with no usable label, UTF-8 when it holds
// valid multi-byte sequences, else windows-1252. Bytes that are invalid in the
// chosen encoding become U+FFFD. An XML declaration is cut off and reported
// by decl: the caller reads utf8Decl in its place, so that the XML parser
// does not decode a second time and the body is not copied to make room for
// it. text may share memory with body.
func toUTF8(body []byte, contentType string) (text []byte, decl bool) {
	enc, valid := chooseEncoding(body, contentType)
	text = body
	if enc != nil {
		if dec, err := enc.NewDecoder().Bytes(body); err == nil {
			text, valid = dec, false
		}
	}
	text = bytes.TrimPrefix(text, []byte("\uFEFF"))
	if !valid && !utf8.Valid(text) {
		text = bytes.ToValidUTF8(text, []byte("\uFFFD"))
	}
	if loc := xmlDecl.FindIndex(text); loc != nil {
		return text[loc[1]:], true
	}
	return text, false
}

// chooseEncoding returns the encoding of body, nil for UTF-8, and whether
// body is known to be valid UTF-8.
func chooseEncoding(body []byte, contentType string) (enc encoding.Encoding, valid bool) {
	if e := bomEncoding(body); e != nil {
		return e, false
	}
	valid = utf8.Valid(body)
	ascii := valid && isASCII(body)
	if valid && !ascii {
		return nil, true
	}
	for _, label := range []string{contentTypeCharset(contentType), xmlDeclEncoding(body)} {
		if e := lookupEncoding(label); e != nil {
			if ascii && decodesASCIIAsIs(e) {
				// Decoding would copy the body unchanged.
				return nil, true
			}
			return e, valid
		}
	}
	if valid || hasMultiByteRune(body) {
		return nil, valid
	}
	return lookupEncoding("windows-1252"), false
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

// decodesASCIIAsIs reports whether e, an encoding from lookupEncoding,
// decodes ASCII bytes to the same characters: all do but ISO-2022-JP, whose
// escape sequences are ASCII.
func decodesASCIIAsIs(e encoding.Encoding) bool {
	name, _ := htmlindex.Name(e)
	return name != "iso-2022-jp"
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
	for ; len(b) >= 8; b = b[8:] {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
	}
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
// than tab, newline and carriage return; U+FFFE and U+FFFF), as raw text or
// as numeric character references, which feeds often carry and which would
// otherwise make the whole document fail. b must be valid UTF-8. It is one
// pass over b, and returns b itself when there is nothing to remove.
func stripXMLIllegal(b []byte) []byte {
	var out []byte
	kept := 0 // b[kept:i] is still to be copied to out
	for i := 0; i < len(b); {
		if !mayBeIllegal[b[i]] {
			i++
			continue
		}
		n := illegalLen(b[i:])
		if n == 0 {
			i++
			continue
		}
		out = append(out, b[kept:i]...)
		i += n
		kept = i
	}
	if kept == 0 {
		return b
	}
	return append(out, b[kept:]...)
}

// mayBeIllegal marks the bytes that can start what stripXMLIllegal removes.
var mayBeIllegal = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n' && c != '\r'
	}
	t['&'], t[0xEF] = true, true
	return t
}()

// illegalLen returns the length of the forbidden character or character
// reference at the start of b, or 0 when there is none. A character
// reference is forbidden when encoding/xml would reject the document for
// it: a C0 control, U+FFFE, U+FFFF, a surrogate or beyond Unicode.
func illegalLen(b []byte) int {
	switch c := b[0]; {
	case c < 0x20:
		return 1
	case c == 0xEF: // U+FFFE and U+FFFF are EF BF BE and EF BF BF
		if len(b) >= 3 && b[1] == 0xBF && (b[2] == 0xBE || b[2] == 0xBF) {
			return 3
		}
		return 0
	}
	n, size, ok := charRef(b)
	if !ok || (n <= utf8.MaxRune && (n < 0xD800 || n > 0xDFFF) && !xmlIllegal(rune(n))) {
		return 0
	}
	return size
}

// charRef parses the numeric character reference at the start of b:
// "&#" then 1 to 10 decimal digits, or "x" and 1 to 8 hex digits, then ";".
// It returns the code point and the reference's length.
func charRef(b []byte) (n uint64, size int, ok bool) {
	if len(b) < 4 || b[0] != '&' || b[1] != '#' {
		return 0, 0, false
	}
	i, base, maxDigits := 2, uint64(10), 10
	if b[2] == 'x' || b[2] == 'X' {
		i, base, maxDigits = 3, 16, 8
	}
	start := i
	for ; i < len(b) && i-start <= maxDigits; i++ {
		d := digitValue(b[i])
		if d >= base {
			break
		}
		n = n*base + d
	}
	if digits := i - start; digits == 0 || digits > maxDigits || i == len(b) || b[i] != ';' {
		return 0, 0, false
	}
	return n, i + 1, true
}

// digitValue returns the value of the hex digit c, or 16 when c is none.
func digitValue(c byte) uint64 {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0')
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 16
}

func xmlIllegal(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF
}
