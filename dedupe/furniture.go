package dedupe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// furniture is one feed's learned page furniture: the keys of blocks whose
// text repeats across many of the feed's items.
type furniture struct {
	blocks map[uint64]uint32 // block key → generation it was last seen as furniture
	gen    uint32
}

// maxFurniture bounds a feed's model; the oldest keys go first.
const maxFurniture = 2048

// blockKey hashes the normalised words of a block; 0 for a block without
// words.
func blockKey(text string, buf []uint64) (uint64, []uint64) {
	buf = appendWords(buf[:0], foldText(text))
	if len(buf) == 0 {
		return 0, buf
	}
	h := uint64(fnvOffset)
	for _, w := range buf {
		h = mix64(h ^ w)
	}
	return h | 1, buf
}

// Learn updates the feed's furniture model with a batch of its items'
// bodies (a whole fetched feed): a block whose normalised text occurs in at
// least Options.FurnitureMin items and Options.FurnitureShare of the batch
// is furniture. A batch too small to tell keeps the model as it was.
func (ix *Index) Learn(feed string, htmls []string) {
	need := int(ix.opts.FurnitureShare*float64(len(htmls)) + 0.999)
	if need < ix.opts.FurnitureMin {
		need = ix.opts.FurnitureMin
	}
	if len(htmls) < need {
		return
	}
	df := make(map[uint64]int)
	seen := make(map[uint64]bool)
	bodies := make(map[uint64]bool, len(htmls))
	var buf []uint64
	for _, h := range htmls {
		bs := splitBlocks(h)
		// A feed that lists one story twice (under two sections) repeats
		// its every block: identical bodies count once, or the story
		// itself would be learned as furniture.
		var sig uint64
		if sig, buf = bodyKey(bs, buf); bodies[sig] {
			continue
		}
		bodies[sig] = true
		clear(seen)
		for _, b := range bs {
			var k uint64
			if k, buf = blockKey(b.text, buf); k != 0 && !seen[k] {
				seen[k] = true
				df[k]++
			}
			for _, sen := range sentences(b.text) {
				if k, buf = blockKey(sen, buf); k != 0 && !seen[k] && len(buf) >= minSentenceWords {
					seen[k] = true
					df[k]++
				}
			}
		}
	}
	m := ix.furniture[feed]
	if m == nil {
		m = &furniture{blocks: make(map[uint64]uint32)}
		ix.furniture[feed] = m
	}
	m.gen++
	for k, n := range df {
		if n >= need {
			m.blocks[k] = m.gen
		}
	}
	m.trim()
}

// bodyKey hashes the normalised words of all blocks, in order.
func bodyKey(bs []block, buf []uint64) (uint64, []uint64) {
	h := uint64(fnvOffset)
	for _, b := range bs {
		var k uint64
		k, buf = blockKey(b.text, buf)
		h = mix64(h ^ k)
	}
	return h, buf
}

// trim drops the oldest keys while the model is over its bound.
func (m *furniture) trim() {
	for len(m.blocks) > maxFurniture {
		oldest := m.gen
		for _, g := range m.blocks {
			oldest = min(oldest, g)
		}
		for k, g := range m.blocks {
			if g == oldest {
				delete(m.blocks, k)
			}
		}
	}
}

// maxListWords is the longest block taken as an entry of a link list (a
// headline) after a furniture block.
const maxListWords = 14

// dropFurniture returns the blocks of bs that are not furniture: learned
// blocks, the run of short blocks that follows a learned block after the
// content has started (a "latest news" list whose entries change per item),
// and blocks made mostly of link text.
//
// An item that would keep less than minKeptShare of its words is not
// mostly furniture but a repeat of something the feed carries often (one
// story listed many times): it keeps all but its link blocks.
func dropFurniture(m *furniture, bs []block) []block {
	var sc scratch
	return sc.dropFurniture(m, bs)
}

// dropFurniture is dropFurniture with the buffers of sc: the blocks it
// returns are valid until the next call.
func (sc *scratch) dropFurniture(m *furniture, bs []block) []block {
	if m != nil && len(m.blocks) == 0 {
		m = nil
	}
	out := sc.dropLearned(m, bs)
	if m != nil && wordsOf(out) < minKeptShare*linkFreeWords(bs) {
		out = sc.dropLearned(nil, bs)
	}
	return out
}

// minKeptShare is the least share of an item's words that furniture
// removal may leave.
const minKeptShare = 0.2

func wordsOf(bs []block) float64 {
	n := 0
	for _, b := range bs {
		n += wordCount(b.text)
	}
	return float64(n)
}

// linkFreeWords counts the words of the blocks that are not link blocks.
func linkFreeWords(bs []block) float64 {
	n := 0
	for _, b := range bs {
		if !isLinkBlock(b) {
			n += wordCount(b.text)
		}
	}
	return float64(n)
}

// isLinkBlock reports a block made mostly of link text.
func isLinkBlock(b block) bool { return b.linkChars*2 > len(b.text) }

// dropLearned drops link blocks and, with a model, learned furniture; the
// result is in sc.kept.
func (sc *scratch) dropLearned(m *furniture, bs []block) []block {
	out := sc.kept[:0]
	list := false
	for _, b := range bs {
		if isLinkBlock(b) {
			continue
		}
		if m == nil {
			out = append(out, b)
			continue
		}
		var k uint64
		k, sc.keys = blockKey(b.text, sc.keys)
		switch {
		case k == 0:
			continue
		case m.blocks[k] != 0:
			list = len(out) > 0
			continue
		case list && wordCount(b.text) <= maxListWords:
			continue
		}
		list = false
		b.text = dropSentences(m, b.text, &sc.keys)
		out = append(out, b)
	}
	sc.kept = out
	return out
}

// minSentenceWords is the shortest sentence learned as furniture.
const minSentenceWords = 5

// dropSentences removes the learned furniture sentences from a block
// ("This story has been updated." inserted after the lead).
func dropSentences(m *furniture, text string, buf *[]uint64) string {
	ss := sentences(text)
	if len(ss) < 2 {
		return text
	}
	kept := ss[:0:0]
	for _, sen := range ss {
		var k uint64
		if k, *buf = blockKey(sen, *buf); m.blocks[k] != 0 && len(*buf) >= minSentenceWords {
			continue
		}
		kept = append(kept, sen)
	}
	if len(kept) == len(ss) {
		return text
	}
	return strings.Join(kept, " ")
}

// sentences splits text after ".", "!" or "?" (and a closing quote)
// followed by a space and an upper-case letter, digit or quote.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == ')') {
			j++
		}
		if j+1 < len(text) && text[j] == ' ' && sentenceStart(text[j+1:]) {
			out = append(out, text[start:j])
			start = j + 1
		}
	}
	if start == 0 {
		return nil
	}
	return append(out, text[start:])
}

// sentenceStart reports whether s starts like a sentence.
func sentenceStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '\''
}

// Clean returns html with the blocks that the feed's model learned as
// furniture removed (learned blocks, the link lists they head, blocks made
// mostly of links); datelines and sign-offs stay: they are agency copy.
func (ix *Index) Clean(feed, html string) string {
	all := splitBlocks(html)
	keep := dropFurniture(ix.furniture[feed], all)
	if len(keep) == len(all) {
		return html
	}
	var b strings.Builder
	pos, j := 0, 0
	for _, blk := range all {
		if j < len(keep) && keep[j].start == blk.start {
			j++
			continue
		}
		b.WriteString(html[pos:blk.start])
		pos = blk.end
	}
	b.WriteString(html[pos:])
	return b.String()
}
