package dedupe

import (
	"strings"
	"sync"
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
	// Each key is counted once per body, in a table sized for the batch.
	kc := keyCounters.Get().(*keyCounter)
	defer keyCounters.Put(kc)
	n := 0
	for _, t := range ts {
		n += len(t.blocks) + len(t.sents)
	}
	kc.init(n)
	bodies := make(map[uint64]bool, len(ts))
	for bi, t := range ts {
		// A feed that lists one story twice (under two sections) repeats
		// its every block: identical bodies count once, or the story
		// itself would be learned as furniture.
		if sig := t.bodyKey(); bodies[sig] {
			continue
		} else {
			bodies[sig] = true
		}
		for i := range t.blocks {
			b := &t.blocks[i]
			if b.key != 0 {
				kc.add(b.key, int32(bi))
			}
			for _, sen := range t.sents[b.s0:b.s1] {
				if sen.key != 0 && sen.w1-sen.w0 >= minSentenceWords {
					kc.add(sen.key, int32(bi))
				}
			}
		}
	}
	learned := kc.atLeast(need)
	m := ix.model(feed, true)
	m.gen++
	for _, k := range learned {
		m.blocks[k] = m.gen
	}
	m.trim()
}

// keyCounter counts in how many bodies each key occurs: an open-addressing
// table (linear probing) that remembers the last body that counted a key,
// so a body counts each of its keys once. Cheaper than sorting the keys of
// a batch, or a map.
type keyCounter struct {
	keys  []uint64 // 0: an empty slot (keys are never 0)
	count []int32
	last  []int32
	mask  uint64
}

var keyCounters = sync.Pool{New: func() any { return new(keyCounter) }}

// init empties the table and sizes it for up to n distinct keys.
func (kc *keyCounter) init(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if cap(kc.keys) < size {
		kc.keys, kc.count, kc.last = make([]uint64, size), make([]int32, size), make([]int32, size)
	}
	kc.keys, kc.count, kc.last = kc.keys[:size], kc.count[:size], kc.last[:size]
	clear(kc.keys) // count and last are set when a key is put in
	kc.mask = uint64(size - 1)
}

// add counts key k for body b, unless b counted it already. Keys are
// hashes whose lowest bit is always set (keyEnd), so they are mixed again
// to reach every slot.
func (kc *keyCounter) add(k uint64, b int32) {
	for i := mix64(k) & kc.mask; ; i = (i + 1) & kc.mask {
		switch kc.keys[i] {
		case k:
			if kc.last[i] != b {
				kc.count[i]++
				kc.last[i] = b
			}
			return
		case 0:
			kc.keys[i], kc.count[i], kc.last[i] = k, 1, b
			return
		}
	}
}

// atLeast returns the keys counted need times or more.
func (kc *keyCounter) atLeast(need int) []uint64 {
	var out []uint64
	for i, k := range kc.keys {
		if k != 0 && int(kc.count[i]) >= need {
			out = append(out, k)
		}
	}
	return out
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
