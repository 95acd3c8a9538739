package dedupe

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// block is one paragraph, list item, heading or line of a body.
type block struct {
	text       string // decoded text, white space folded
	start, end int    // byte span in the source, tags included
	linkChars  int    // bytes of text inside <a>
	ascii      bool   // text is known to be ASCII (as are its cuts)
}

// Tag kinds: blockTags break the text into blocks, skipTags hold no
// readable text.
const (
	blockTag = 1 + iota
	skipTag
)

// tagKind returns the kind of a tag, 0 for inline ones.
func tagKind(a atom.Atom) int {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Br, atom.Tr, atom.Td, atom.Th,
		atom.Table, atom.Blockquote, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Nav, atom.Aside,
		atom.Pre, atom.Figure, atom.Figcaption, atom.Hr,
		atom.Dd, atom.Dt, atom.Dl, atom.Main, atom.Form:
		return blockTag
	case atom.Script, atom.Style, atom.Noscript, atom.Template,
		atom.Iframe, atom.Svg, atom.Select, atom.Button:
		return skipTag
	}
	return 0
}

// splitter turns the tokens of an HTML fragment into blocks. Its buffers
// are kept between calls (an Index keeps one), so the blocks of one call
// are valid until the next.
type splitter struct {
	out   []block
	spans []span // where each block's text is, while splitting
	arena []byte // the folded texts of blocks, one after another
	tmp   []byte // a text token being decoded, or a tag name lowered

	// A block whose text is one text token of the source that needs no
	// folding (most paragraphs) is not copied to the arena: src, and the
	// pending direct span of the current block, src[d0:d1], followed by a
	// space when dspace (unless the span ends in one).
	src            string
	d0, d1         int
	direct, dspace bool

	from      int  // arena offset of the current block's text
	hi        byte // the bits of all bytes of the current block's text
	links     int
	boundary  int
	inA, skip int
}

// span is a block's text: arena[from:to], or src[from:to] when inSrc.
type span struct {
	from, to int
	inSrc    bool
}

// split returns the blocks of src. Markup is read by tokens the way
// x/net/html's tokenizer reads it: scanTokens handles the usual markup
// itself, and hands over to the tokenizer (from the start) on anything
// else.
func (s *splitter) split(src string) []block {
	if !strings.Contains(src, "<") {
		return splitPlain(src)
	}
	s.reset()
	if !s.scanTokens(src) {
		s.reset()
		s.tokenize(src)
	}
	return s.finish(len(src))
}

// finish ends the last block at n and gives the blocks their texts: one
// string for all, cut into the blocks.
func (s *splitter) finish(n int) []block {
	s.flush(n)
	all := string(s.arena)
	for i, sp := range s.spans {
		if sp.inSrc {
			s.out[i].text = s.src[sp.from:sp.to]
		} else {
			s.out[i].text = all[sp.from:sp.to]
		}
	}
	return s.out
}

func (s *splitter) reset() {
	*s = splitter{out: s.out[:0], spans: s.spans[:0], arena: s.arena[:0], tmp: s.tmp}
}

// materialise copies the pending direct span of the current block to the
// arena, so that more text can follow it there.
func (s *splitter) materialise() {
	if !s.direct {
		return
	}
	s.arena = append(s.arena, s.src[s.d0:s.d1]...)
	if s.dspace && s.arena[len(s.arena)-1] != ' ' {
		s.arena = append(s.arena, ' ')
	}
	s.direct, s.dspace = false, false
}

// text adds the text t of a token to the current block, folding runs of
// ASCII white space to one space; a space that ends the block is dropped
// by flush. Branch-free: word lengths are too random to predict.
func text[T string | []byte](s *splitter, t T) {
	if s.skip > 0 {
		return
	}
	if s.inA > 0 {
		s.links += len(t)
	}
	s.materialise()
	k := len(s.arena)
	a := slices.Grow(s.arena, len(t))[:k+len(t)]
	sp := uint8(0) // 1 after a space or at the start of the block
	if k == s.from || a[k-1] == ' ' {
		sp = 1
	}
	hi := s.hi
	for i := 0; i < len(t); i++ {
		c := t[i]
		hi |= c
		w := foldable[c]
		m := -w
		a[k] = c&^m | ' '&m
		k += int(1 - w&sp)
		sp = w
	}
	s.arena, s.hi = a[:k], hi
}

// space adds a space to the current block unless it is empty or ends in
// one.
func (s *splitter) space() {
	if s.direct {
		s.dspace = true
		return
	}
	if k := len(s.arena); k > s.from && s.arena[k-1] != ' ' {
		s.arena = append(s.arena, ' ')
	}
}

// foldable is 1 for the ASCII white space that text folds.
var foldable = [256]uint8{' ': 1, '\t': 1, '\n': 1, '\r': 1, '\f': 1, '\v': 1}

// tag applies a start, end or self-closing tag a whose raw bytes are
// src[pos:end].
func (s *splitter) tag(tt html.TokenType, a atom.Atom, pos, end int) {
	kind := tagKind(a)
	switch {
	case kind == skipTag && tt == html.StartTagToken:
		s.skip++
	case kind == skipTag && tt == html.EndTagToken && s.skip > 0:
		s.skip--
	case a == atom.A && tt == html.StartTagToken:
		s.inA++
	case a == atom.A && tt == html.EndTagToken && s.inA > 0:
		s.inA--
	}
	switch {
	case kind != blockTag:
		s.space()
	case tt == html.StartTagToken:
		s.flush(pos)
	default:
		s.flush(end)
	}
}

// flush ends the current block at byte end of the source.
func (s *splitter) flush(end int) {
	if s.direct {
		if s.src[s.d1-1] == ' ' {
			s.d1--
		}
		if s.d1 > s.d0 {
			s.out = append(s.out, block{start: s.boundary, end: end, linkChars: s.links, ascii: s.hi < utf8.RuneSelf})
			s.spans = append(s.spans, span{from: s.d0, to: s.d1, inSrc: true})
		}
		s.direct, s.dspace = false, false
		s.links, s.hi = 0, 0
		s.boundary = end
		return
	}
	if k := len(s.arena); k > s.from && s.arena[k-1] == ' ' {
		s.arena = s.arena[:k-1]
	}
	if len(s.arena) > s.from {
		s.out = append(s.out, block{start: s.boundary, end: end, linkChars: s.links, ascii: s.hi < utf8.RuneSelf})
		s.spans = append(s.spans, span{from: s.from, to: len(s.arena)})
	}
	s.from = len(s.arena)
	s.links, s.hi = 0, 0
	s.boundary = end
}

// tokenize reads src with the x/net/html tokenizer.
func (s *splitter) tokenize(src string) {
	z := html.NewTokenizer(strings.NewReader(src))
	pos := 0
	for {
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return
		case html.TextToken:
			text(s, z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			s.tag(tt, atom.Lookup(name), pos, pos+raw)
		}
		pos += raw
	}
}

// splitPlain splits text without tags at blank lines (or at line ends when
// there is no blank line).
func splitPlain(src string) []block {
	sep := "\n\n"
	if !strings.Contains(src, sep) {
		sep = "\n"
	}
	var out []block
	pos := 0
	for _, part := range strings.Split(src, sep) {
		if t := strings.Join(strings.Fields(html.UnescapeString(part)), " "); t != "" {
			out = append(out, block{text: t, start: pos, end: pos + len(part)})
		}
		pos += len(part) + len(sep)
	}
	return out
}
