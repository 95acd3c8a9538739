package dedupe

import (
	"strings"
	"sync"
)

// Text is a body analysed once: its blocks, the hashes of their words
// (sentence by sentence), and the furniture keys of the blocks and their
// sentences. Learn, Add and Clean read a body through its Text, so a body
// is split and tokenised once however many of them read it. Analyse
// depends on nothing but the body, so callers may analyse bodies
// concurrently and hand the Texts to the index. A Text is read-only.
type Text struct {
	html   string
	blocks []tblock
	words  []uint64 // the word hashes of all blocks, in order
	sents  []sentence
}

// tblock is a block of a Text.
type tblock struct {
	block
	key    uint64 // wordsKey of its words; 0 for a block without words
	w0, w1 int32  // its words: Text.words[w0:w1]
	s0, s1 int32  // its sentences: Text.sents[s0:s1], empty when it has one
	nWords int32  // wordCount of the text
}

// sentence is a sentence of a block of two or more.
type sentence struct {
	from, to int32 // byte span in the block's text
	w0, w1   int32 // its words: Text.words[w0:w1]
	key      uint64
}

var splitters = sync.Pool{New: func() any { return new(splitter) }}

// Analyse splits html into blocks and tokenises them. It is safe for
// concurrent use.
func Analyse(html string) *Text {
	s := splitters.Get().(*splitter)
	defer splitters.Put(s)
	bs := s.split(html)
	t := &Text{html: html, blocks: make([]tblock, len(bs))}
	n := 0
	for _, b := range bs {
		n += len(b.text)
	}
	t.words = make([]uint64, 0, n/5+8)
	var spans [][2]int32
	for i, b := range bs {
		tb := &t.blocks[i]
		// a block's text is folded: single spaces, none at either end
		tb.block, tb.nWords = b, int32(strings.Count(b.text, " ")+1)
		tb.w0, tb.s0 = int32(len(t.words)), int32(len(t.sents))
		fold := foldText
		if b.ascii {
			fold = func(s string) string { return s } // ASCII folds to itself
		}
		spans = sentenceSpans(spans[:0], b.text)
		if len(spans) == 0 {
			t.words = appendWords(t.words, fold(b.text))
			tb.key = wordsKey(t.words[tb.w0:])
		}
		bh := keyStart // the block's key, built sentence by sentence
		for _, sp := range spans {
			w0 := len(t.words)
			t.words = appendWords(t.words, fold(b.text[sp[0]:sp[1]]))
			sh := keyStart
			for _, w := range t.words[w0:] {
				sh, bh = keyStep(sh, w), keyStep(bh, w)
			}
			t.sents = append(t.sents, sentence{from: sp[0], to: sp[1], w0: int32(w0), w1: int32(len(t.words)), key: keyEnd(sh, len(t.words)-w0)})
		}
		tb.w1, tb.s1 = int32(len(t.words)), int32(len(t.sents))
		if len(spans) > 0 {
			tb.key = keyEnd(bh, int(tb.w1-tb.w0))
		}
	}
	return t
}

// HTML returns the body the Text was made from.
func (t *Text) HTML() string { return t.html }

// wordsKey is the furniture key of a run of word hashes (a block or a
// sentence); 0 for none. It is a polynomial hash, built word by word by
// keyStep, so that a block's key and its sentences' keys are built in one
// pass, finished by keyEnd. Keys live only in memory: changing the function
// needs no migration.
func wordsKey(ws []uint64) uint64 {
	h := uint64(keyStart)
	for _, w := range ws {
		h = keyStep(h, w)
	}
	return keyEnd(h, len(ws))
}

const keyStart uint64 = fnvOffset

func keyStep(h, w uint64) uint64 { return h*0x9E3779B97F4A7C15 + w }

func keyEnd(h uint64, n int) uint64 {
	if n == 0 {
		return 0
	}
	return mix64(h) | 1
}

// bodyKey hashes the keys of all blocks, in order.
func (t *Text) bodyKey() uint64 {
	h := uint64(fnvOffset)
	for i := range t.blocks {
		h = mix64(h ^ t.blocks[i].key)
	}
	return h
}

// piece is a block kept after furniture removal: its text, without the
// furniture sentences and, once stripAgencyCopy has run, without a
// dateline or a sign-off.
type piece struct {
	b        *tblock
	text     string
	nWords   int32
	partial  bool  // some sentences dropped: the words are those of scratch.sentIdx[si0:si1]
	retok    bool  // text cut by stripAgencyCopy: its words must be read again
	si0, si1 int32 // kept sentences, when partial
}

// dropFurniture returns the blocks of t that are not furniture: learned
// blocks, the run of short blocks that follows a learned block after the
// content has started (a "latest news" list whose entries change per item),
// and blocks made mostly of link text.
//
// An item that would keep less than minKeptShare of its words is not
// mostly furniture but a repeat of something the feed carries often (one
// story listed many times): it keeps all but its link blocks.
//
// The pieces it returns are valid until the next call with sc.
func (sc *scratch) dropFurniture(m *Furniture, t *Text) []piece {
	if m.empty() {
		m = nil
	}
	out := sc.dropLearned(m, t)
	if m != nil && piecesWords(out) < minKeptShare*linkFreeWords(t) {
		out = sc.dropLearned(nil, t)
	}
	return out
}

// minKeptShare is the least share of an item's words that furniture
// removal may leave.
const minKeptShare = 0.2

func piecesWords(ps []piece) float64 {
	n := 0
	for _, p := range ps {
		n += int(p.nWords)
	}
	return float64(n)
}

// linkFreeWords counts the words of the blocks that are not link blocks.
func linkFreeWords(t *Text) float64 {
	n := 0
	for i := range t.blocks {
		if b := &t.blocks[i]; !isLinkBlock(b.block) {
			n += int(b.nWords)
		}
	}
	return float64(n)
}

// dropLearned drops link blocks and, with a model, learned furniture; the
// result is in sc.pieces.
func (sc *scratch) dropLearned(m *Furniture, t *Text) []piece {
	out := sc.pieces[:0]
	sc.sentIdx = sc.sentIdx[:0]
	list := false
	for i := range t.blocks {
		b := &t.blocks[i]
		if isLinkBlock(b.block) {
			continue
		}
		if m == nil {
			out = append(out, piece{b: b, text: b.text, nWords: b.nWords})
			continue
		}
		switch {
		case b.key == 0:
			continue
		case m.has(b.key):
			list = len(out) > 0
			continue
		case list && b.nWords <= maxListWords:
			continue
		}
		list = false
		out = append(out, sc.dropSentences(m, t, b))
	}
	sc.pieces = out
	return out
}

// dropSentences returns block b without its learned furniture sentences
// ("This story has been updated." inserted after the lead).
func (sc *scratch) dropSentences(m *Furniture, t *Text, b *tblock) piece {
	p := piece{b: b, text: b.text, nWords: b.nWords}
	ss := t.sents[b.s0:b.s1]
	furn := func(s *sentence) bool { return m.has(s.key) && s.w1-s.w0 >= minSentenceWords }
	i := 0
	for i < len(ss) && !furn(&ss[i]) {
		i++
	}
	if i == len(ss) {
		return p
	}
	p.partial, p.si0 = true, int32(len(sc.sentIdx))
	var parts []string
	for j := range ss {
		if !furn(&ss[j]) {
			sc.sentIdx = append(sc.sentIdx, b.s0+int32(j))
			parts = append(parts, b.text[ss[j].from:ss[j].to])
		}
	}
	p.si1 = int32(len(sc.sentIdx))
	p.text = strings.Join(parts, " ")
	p.nWords = int32(wordCount(p.text))
	return p
}

// stripAgencyCopy removes page clutter (dropClutter), bylines, the
// dateline and sign-offs from the content pieces of a body (furniture
// already removed).
func stripAgencyCopy(ps []piece) []piece {
	ps = dropClutter(ps)
	for len(ps) > 1 && isByline(ps[0].text) {
		ps = ps[1:]
	}
	for len(ps) > 1 && isSignOff(ps[len(ps)-1].text) {
		ps = ps[:len(ps)-1]
	}
	if len(ps) == 0 {
		return ps
	}
	cut := func(p *piece, s string) {
		if len(s) != len(p.text) {
			p.text, p.retok = s, true
		}
	}
	cut(&ps[0], stripDateline(ps[0].text))
	last := &ps[len(ps)-1]
	cut(last, stripSignOff(last.text))
	return ps
}

// appendPieceWords appends the word hashes of the pieces to dst: from the
// Text where a piece's text is the block's or its kept sentences, read
// again where stripAgencyCopy cut it.
func (sc *scratch) appendPieceWords(dst []uint64, t *Text, ps []piece) []uint64 {
	for _, p := range ps {
		switch {
		case p.retok:
			dst = appendWords(dst, foldText(p.text))
		case p.partial:
			for _, si := range sc.sentIdx[p.si0:p.si1] {
				s := &t.sents[si]
				dst = append(dst, t.words[s.w0:s.w1]...)
			}
		default:
			dst = append(dst, t.words[p.b.w0:p.b.w1]...)
		}
	}
	return dst
}
