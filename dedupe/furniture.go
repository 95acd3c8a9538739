package dedupe

import (
	"slices"
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

// Learn updates the feed's furniture model with a batch of its items'
// bodies (a whole fetched feed): a block whose normalised text occurs in at
// least Options.FurnitureMin items and Options.FurnitureShare of the batch
// is furniture. A batch too small to tell keeps the model as it was.
func (ix *Index) Learn(feed string, htmls []string) {
	if _, ok := ix.learnNeed(len(htmls)); !ok {
		return
	}
	ts := make([]*Text, len(htmls))
	for i, h := range htmls {
		ts[i] = Analyse(h)
	}
	ix.LearnTexts(feed, ts)
}

// LearnTexts is Learn on analysed bodies. It may run concurrently with
// any call of the index for another feed (see Index).
func (ix *Index) LearnTexts(feed string, ts []*Text) {
	need, ok := ix.learnNeed(len(ts))
	if !ok {
		return
	}
	// Each body's distinct keys, sorted and counted in runs: cheaper than
	// maps for the thousands of keys of a feed.
	var keys, body []uint64
	bodies := make(map[uint64]bool, len(ts))
	for _, t := range ts {
		// A feed that lists one story twice (under two sections) repeats
		// its every block: identical bodies count once, or the story
		// itself would be learned as furniture.
		if sig := t.bodyKey(); bodies[sig] {
			continue
		} else {
			bodies[sig] = true
		}
		body = body[:0]
		for i := range t.blocks {
			b := &t.blocks[i]
			if b.key != 0 {
				body = append(body, b.key)
			}
			for _, sen := range t.sents[b.s0:b.s1] {
				if sen.key != 0 && sen.w1-sen.w0 >= minSentenceWords {
					body = append(body, sen.key)
				}
			}
		}
		slices.Sort(body)
		keys = append(keys, slices.Compact(body)...)
	}
	slices.Sort(keys)
	var learned []uint64
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		if j-i >= need {
			learned = append(learned, keys[i])
		}
		i = j
	}
	m := ix.model(feed, true)
	m.gen++
	for _, k := range learned {
		m.blocks[k] = m.gen
	}
	m.trim()
}

// ShareModels makes the furniture models of from those of ix too (the
// models are shared, not copied: both indexes must not be used for the same
// feed at once), so that an index rebuilt from records keeps what the old
// one learned.
func (ix *Index) ShareModels(from *Index) {
	from.modelMu.RLock()
	defer from.modelMu.RUnlock()
	ix.modelMu.Lock()
	defer ix.modelMu.Unlock()
	for feed, m := range from.furniture {
		ix.furniture[feed] = m
	}
}

// learnNeed returns in how many of a batch of n bodies a block must occur
// to be furniture, and whether the batch is large enough to tell.
func (ix *Index) learnNeed(n int) (int, bool) {
	need := max(int(ix.opts.FurnitureShare*float64(n)+0.999), ix.opts.FurnitureMin)
	return need, n >= need
}

// model returns the furniture model of feed; nil when it has none, unless
// create is set.
func (ix *Index) model(feed string, create bool) *furniture {
	ix.modelMu.RLock()
	m := ix.furniture[feed]
	ix.modelMu.RUnlock()
	if m != nil || !create {
		return m
	}
	ix.modelMu.Lock()
	defer ix.modelMu.Unlock()
	if m = ix.furniture[feed]; m == nil {
		m = &furniture{blocks: make(map[uint64]uint32)}
		ix.furniture[feed] = m
	}
	return m
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

// isLinkBlock reports a block made mostly of link text.
func isLinkBlock(b block) bool { return b.linkChars*2 > len(b.text) }

// minSentenceWords is the shortest sentence learned as furniture.
const minSentenceWords = 5

// sentenceSpans appends to dst the byte spans of the sentences of text,
// split after ".", "!" or "?" (and a closing quote) followed by a space and
// an upper-case letter, digit or quote; it appends none for a text of one
// sentence.
func sentenceSpans(dst [][2]int32, text string) [][2]int32 {
	n0, start := len(dst), 0
	stops := [3]int{-1, -1, -1} // the next ".", "!" and "?" at or after i, or len(text)
	for i := 0; i+2 < len(text); i++ {
		// jump to the next stop by the vectorised byte search
		i = nextStop(text, i, &stops)
		if i+2 >= len(text) {
			break
		}
		j := i + 1
		for j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == ')') {
			j++
		}
		if j+1 < len(text) && text[j] == ' ' && sentenceStart(text[j+1:]) {
			dst = append(dst, [2]int32{int32(start), int32(j)})
			start = j + 1
		}
	}
	if len(dst) == n0 {
		return dst
	}
	return append(dst, [2]int32{int32(start), int32(len(text))})
}

// nextStop returns the position of the first ".", "!" or "?" of text at
// or after i (len(text) when none), keeping the next position of each in
// stops between calls.
func nextStop(text string, i int, stops *[3]int) int {
	next := len(text)
	for k, c := range [3]byte{'.', '!', '?'} {
		if stops[k] < i && stops[k] != len(text) {
			if e := strings.IndexByte(text[i:], c); e >= 0 {
				stops[k] = i + e
			} else {
				stops[k] = len(text)
			}
		}
		next = min(next, stops[k])
	}
	return next
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
	return ix.CleanText(feed, Analyse(html))
}

// CleanText is Clean on an analysed body. It may run concurrently with
// any call of the index for another feed (see Index).
func (ix *Index) CleanText(feed string, t *Text) string {
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	keep := sc.dropFurniture(ix.model(feed, false), t)
	if len(keep) == len(t.blocks) {
		return t.html
	}
	var b strings.Builder
	pos, j := 0, 0
	for i := range t.blocks {
		blk := &t.blocks[i]
		if j < len(keep) && keep[j].b == blk {
			j++
			continue
		}
		b.WriteString(t.html[pos:blk.start])
		pos = blk.end
	}
	b.WriteString(t.html[pos:])
	return b.String()
}
