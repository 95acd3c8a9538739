package dedupe

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// scanTokens feeds the tokens of src to s the way the x/net/html tokenizer
// would cut them (its token.go is the reference for every rule below), for
// the markup of usual feed bodies: text, tags, comments and declarations.
// It reports false, leaving s half fed, on anything it leaves to the
// tokenizer: a NUL byte, the raw text of <script>, <style> and the like,
// markup cut off by the end of src, or a self-closing slash that the
// tokenizer's rule would need duplicate attributes to judge.
func (s *splitter) scanTokens(src string) bool {
	if strings.IndexByte(src, 0) >= 0 {
		return false
	}
	s.src = src
	text := 0 // start of the pending text token
	for i := 0; ; {
		j := strings.IndexByte(src[i:], '<')
		if j < 0 {
			s.textToken(src[text:], text)
			return true
		}
		i += j
		if i+1 >= len(src) {
			return false // the tokenizer keeps a final "<" as text; rare
		}
		if c := src[i+1]; !isASCIILetter(c) && c != '/' && c != '!' && c != '?' {
			i++ // a "<" that starts no markup is text
			continue
		}
		s.textToken(src[text:i], text)
		end, ok := s.markup(src, i)
		if !ok {
			return false
		}
		i, text = end, end
	}
}

// markup feeds the tag, comment or declaration at src[i] and returns its
// end; false leaves it to the tokenizer.
func (s *splitter) markup(src string, i int) (int, bool) {
	switch c := src[i+1]; c {
	case '/':
		return s.endTag(src, i)
	case '!':
		end := declaration(src, i)
		return end, end >= 0
	case '?':
		end := closeAngle(src, i+1)
		return end, end >= 0
	}
	return s.startTag(src, i)
}

// endTag feeds the end tag at src[i] ("</") and returns its end.
func (s *splitter) endTag(src string, i int) (int, bool) {
	if i+2 >= len(src) {
		return 0, false
	}
	switch d := src[i+2]; {
	case d == '>':
		return i + 3, true // "</>": no token
	case isASCIILetter(d):
		name, end, _, _, ok := scanTag(src, i+2)
		if !ok {
			return 0, false
		}
		s.tmp = lowerASCII(s.tmp[:0], name)
		s.tag(html.EndTagToken, atom.Lookup(s.tmp), i, end)
		return end, true
	}
	end := closeAngle(src, i+2) // a bogus comment
	return end, end >= 0
}

// textToken feeds the text token raw, src[at:]: its newlines converted,
// then its character references decoded.
func (s *splitter) textToken(raw string, at int) {
	if raw == "" || s.skip > 0 {
		return
	}
	c := classify(raw)
	if c&(classCR|classAmp) == 0 {
		if c&classFold == 0 {
			s.foldedText(raw, at, c&classHigh == 0)
		} else {
			text(s, raw)
		}
		return
	}
	s.tmp = append(s.tmp[:0], raw...)
	if c&classCR != 0 {
		s.tmp = convertNewlines(s.tmp)
	}
	if c&classAmp != 0 {
		s.tmp = append(s.tmp[:0], html.UnescapeString(string(s.tmp))...)
	}
	text(s, s.tmp)
}

// The classes of a text token: what it needs before it joins a block.
const (
	classCR   = 1 << iota // a '\r': newlines to convert
	classAmp              // a '&': character references to decode
	classFold             // a control byte (white space to fold) or two spaces
	classHigh             // a byte of 0x80 or more: not ASCII
)

// classify returns the classes of t in one pass, eight bytes at a time
// (each test below sets 0x80 in the bytes it finds). A control byte other
// than white space also sets classFold: text copies it, as the folded path
// would.
func classify(t string) uint8 {
	const ones, low7 = 0x0101010101010101, 0x7F7F7F7F7F7F7F7F
	// eq returns 0x80 in the bytes of x equal to the byte of b (b*ones).
	eq := func(x, b uint64) uint64 {
		y := x ^ b
		return ^((y&low7 + low7) | y | low7)
	}
	var cr, amp, ctl, dbl, high, prev uint64
	i := 0
	for ; i+8 <= len(t); i += 8 {
		x := uint64(t[i]) | uint64(t[i+1])<<8 | uint64(t[i+2])<<16 | uint64(t[i+3])<<24 |
			uint64(t[i+4])<<32 | uint64(t[i+5])<<40 | uint64(t[i+6])<<48 | uint64(t[i+7])<<56
		high |= x
		cr |= eq(x, '\r'*ones)
		amp |= eq(x, '&'*ones)
		ctl |= ^(x&low7 + (0x80-0x20)*ones) &^ x // below 0x20
		sp := eq(x, ' '*ones)
		dbl |= sp & (sp<<8 | prev)
		prev = sp >> 56
	}
	var c uint8
	if cr != 0 {
		c |= classCR
	}
	if amp != 0 {
		c |= classAmp
	}
	if ctl&^low7 != 0 || dbl != 0 {
		c |= classFold
	}
	if high&^low7 != 0 {
		c |= classHigh
	}
	for ; i < len(t); i++ {
		switch b := t[i]; {
		case b == '\r':
			c |= classCR | classFold
		case b == '&':
			c |= classAmp
		case b < 0x20:
			c |= classFold
		case b == ' ':
			if prev != 0 {
				c |= classFold
			}
		case b >= 0x80:
			c |= classHigh
		}
		prev = 0
		if t[i] == ' ' {
			prev = 1
		}
	}
	return c
}

// foldedText is text for a t, src[at:], that has no white space to fold
// but single spaces: it is taken whole, but for a first space where the
// block is empty or ends in one. Starting a block, it is left in src.
func (s *splitter) foldedText(t string, at int, ascii bool) {
	if s.inA > 0 {
		s.links += len(t)
	}
	if !ascii {
		s.hi |= utf8.RuneSelf
	}
	if !s.direct && len(s.arena) == s.from {
		if t[0] == ' ' {
			t, at = t[1:], at+1
		}
		if t != "" {
			s.direct, s.d0, s.d1 = true, at, at+len(t)
		}
		return
	}
	s.materialise()
	if k := len(s.arena); t[0] == ' ' && (k == s.from || s.arena[k-1] == ' ') {
		t = t[1:]
	}
	s.arena = append(s.arena, t...)
}

// startTag feeds the start tag at src[i] ("<" and a letter) and returns the
// end of its raw bytes; false leaves it to the tokenizer.
func (s *splitter) startTag(src string, i int) (int, bool) {
	name, end, lastVal, hasAttr, ok := scanTag(src, i+1)
	if !ok {
		return 0, false
	}
	s.tmp = lowerASCII(s.tmp[:0], name)
	lname := s.tmp
	if rawTextTag(lname) {
		return 0, false
	}
	tt := html.StartTagToken
	if src[end-2] == '/' {
		if hasAttr && end-2 == lastVal-1 {
			// "<a b=c/>": whether the slash closes the tag depends on
			// which attributes the tokenizer keeps.
			return 0, false
		}
		tt = html.SelfClosingTagToken
	}
	s.tag(tt, atom.Lookup(lname), i, end)
	return end, true
}

// rawTextTag reports the tags after which the tokenizer reads raw text.
func rawTextTag(name []byte) bool {
	switch string(name) {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// scanTag reads a tag whose name starts at src[p], as the tokenizer's
// readTag does, and returns the name, the end of the tag (after ">"), the
// end of the value of the last attribute with a name, and whether there
// is one. ok is false when src ends inside the tag.
func scanTag(src string, p int) (name string, end, lastVal int, hasAttr, ok bool) {
	q := nameEnd(src, p+1, false)
	if q == len(src) {
		return
	}
	name = src[p:q]
	if isSpace(src[q]) {
		q++
	}
	for {
		if q = skipSpace(src, q); q >= len(src) {
			return
		}
		if src[q] == '>' {
			return name, q + 1, lastVal, hasAttr, true
		}
		// an attribute name: a first "=" is part of it, a first "/"
		// ends it empty
		k := q
		if src[q] != '/' {
			if q = nameEnd(src, q+1, true); q == len(src) {
				return
			}
		}
		valEnd, next, vok := attrValue(src, q)
		if !vok {
			return
		}
		if q > k {
			lastVal, hasAttr = valEnd, true
		}
		q = next
	}
}

// nameEnd returns the end of a tag or attribute name from src[q]: white
// space, "/", ">", or with attr "=", or len(src).
func nameEnd(src string, q int, attr bool) int {
	for ; q < len(src); q++ {
		if c := src[q]; isSpace(c) || c == '/' || c == '>' || attr && c == '=' {
			break
		}
	}
	return q
}

// attrValue reads an attribute value from src[q] (after its name) as the
// tokenizer's readTagAttrVal does; it returns the end of the value and the
// position after it.
func attrValue(src string, q int) (valEnd, next int, ok bool) {
	valEnd = q
	if q = skipSpace(src, q); q >= len(src) {
		return 0, 0, false
	}
	switch src[q] {
	case '/':
		return valEnd, q + 1, true
	case '=':
	default:
		return valEnd, q, true
	}
	if q = skipSpace(src, q+1); q >= len(src) {
		return 0, 0, false
	}
	switch quote := src[q]; quote {
	case '>':
		return valEnd, q, true
	case '\'', '"':
		e := strings.IndexByte(src[q+1:], quote)
		if e < 0 {
			return 0, 0, false
		}
		return q + 1 + e, q + 2 + e, true
	}
	for q++; q < len(src); q++ {
		switch src[q] {
		case ' ', '\n', '\r', '\t', '\f':
			return q, q + 1, true
		case '>':
			return q, q, true
		}
	}
	return 0, 0, false
}

// declaration returns the end of the comment, doctype or bogus comment at
// src[i] ("<!"), or -1 when src ends inside it.
func declaration(src string, i int) int {
	if i+4 > len(src) {
		return -1
	}
	if src[i+2] != '-' || src[i+3] != '-' {
		return closeAngle(src, i+2)
	}
	// a comment, as the tokenizer's readComment ends it
	dashes, beginning := 0, true
	for p := i + 4; p < len(src); {
		c := src[p]
		p++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return p
			}
		case '!':
			if dashes >= 2 {
				if p >= len(src) {
					return -1
				}
				c = src[p]
				p++
				if c == '>' {
					return p
				} else if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return -1
}

// closeAngle returns the position after the first ">" at or after src[p],
// or -1.
func closeAngle(src string, p int) int {
	if e := strings.IndexByte(src[p:], '>'); e >= 0 {
		return p + e + 1
	}
	return -1
}

func skipSpace(src string, q int) int {
	for q < len(src) && isSpace(src[q]) {
		q++
	}
	return q
}

// isSpace is the tokenizer's white space (no \v).
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// lowerASCII appends s to dst with ASCII upper case lowered.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// convertNewlines converts "\r" and "\r\n" in s to "\n", in place, as the
// tokenizer does to text.
func convertNewlines(s []byte) []byte {
	n := 0
	for i, c := range s {
		if c == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		s[n] = c
		n++
	}
	return s[:n]
}
