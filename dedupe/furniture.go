package dedupe

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Furniture is one feed's learned page furniture: the keys of blocks and
// sentences whose text repeats across many of the feed's items. The zero
// value has learned nothing; a nil *Furniture is one that has learned
// nothing, for Clean and Prepare.
//
// Learn changes a Furniture; Clean and Prepare only read it. Calls for one
// feed must not run Learn concurrently with any other call; different
// feeds' Furnitures are independent.
type Furniture struct {
	blocks map[uint64]uint32 // block key → generation it was last seen as furniture
	gen    uint32
	past   []pastBody // the last bodies of a small feed (see Learn); never changed in place
}

// maxFurniture bounds a feed's model; the oldest keys go first.
const maxFurniture = 2048

// A block is furniture when it occurs in at least learnMin of a batch's
// stories and learnShare of them; in a batch of up to tinyBatch stories,
// two otherwise different stories sharing a block suffice (learnTinyMin).
const (
	learnMin     = 3
	learnTinyMin = 2
	tinyBatch    = 4
	learnShare   = 0.05
)

// Learn updates the model with a batch of the feed's bodies (a whole
// fetched feed), analysed. Furniture repeats across a feed's different
// stories; a story's own text repeats across its versions (an outlet that
// carries ten write-throughs of one agency story) and copies. So the
// bodies are first grouped into stories (storyGroups), and a block or
// sentence is furniture when it occurs in at least learnNeed of the
// groups. A batch too small to tell keeps the model as it was.
//
// A small batch (fewer than pastBodies bodies: a feed that lists only its
// latest items) is learned together with the model's history, the keys of
// the feed's last pastBodies bodies that earlier batches delivered, which
// the model keeps (and MarshalBinary stores) for that: two items a day
// teach the outlet's furniture in a few days.
func (f *Furniture) Learn(ts []*Text) {
	small := len(ts) < pastBodies
	var past []pastBody
	if small {
		past = f.past
	}
	// the keys of each body: the current ones', then the past ones'
	body := make([]uint64, 0, len(ts)+len(past))
	blocks := make([][]uint64, 0, len(ts)+len(past))
	nb := 0
	for _, t := range ts {
		nb += len(t.blocks)
	}
	buf := make([]uint64, 0, nb)
	for _, t := range ts {
		start := len(buf)
		for i := range t.blocks {
			if k := t.blocks[i].key; k != 0 {
				buf = append(buf, k)
			}
		}
		body = append(body, t.bodyKey())
		blocks = append(blocks, buf[start:len(buf):len(buf)])
	}
	for _, pb := range past {
		body = append(body, pb.body)
		blocks = append(blocks, pb.keys[:pb.blocks])
	}
	groups, ng := storyGroups(body, blocks)
	if small {
		f.remember(ts, body, blocks)
	}
	need, ok := learnNeed(ng)
	if !ok {
		return
	}
	// Each key is counted once per group, in a table sized for the
	// batch: the bodies are visited group by group.
	kc := keyCounters.Get().(*keyCounter)
	defer keyCounters.Put(kc)
	n := 0
	order := make([]int, len(body))
	for i := range order {
		if i < len(ts) {
			n += len(ts[i].blocks) + len(ts[i].sents)
		} else {
			n += len(past[i-len(ts)].keys)
		}
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(groups[a] - groups[b]) })
	kc.init(n)
	for _, bi := range order {
		g := groups[bi]
		if bi >= len(ts) {
			for _, k := range past[bi-len(ts)].keys {
				kc.add(k, g)
			}
			continue
		}
		t := ts[bi]
		for i := range t.blocks {
			b := &t.blocks[i]
			if b.key != 0 {
				kc.add(b.key, g)
			}
			for _, sen := range t.sents[b.s0:b.s1] {
				if sen.key != 0 && sen.w1-sen.w0 >= minSentenceWords {
					kc.add(sen.key, g)
				}
			}
		}
	}
	learned := kc.atLeast(need)
	if f.blocks == nil {
		f.blocks = make(map[uint64]uint32)
	}
	f.gen++
	for _, k := range learned {
		f.blocks[k] = f.gen
	}
	f.trim()
}

// pastBodies is how many of a feed's past bodies its model remembers, and
// the size of a batch learned without them.
const pastBodies = 16

// maxPastKeys bounds the keys remembered of one body.
const maxPastKeys = 256

// pastBody is what the model remembers of a body an earlier batch
// delivered: its key, and its block keys (keys[:blocks]) then its
// long sentences' keys.
type pastBody struct {
	body   uint64
	blocks int
	keys   []uint64
}

// remember makes the model's history the bodies of ts (whose keys and
// block keys are body[:len(ts)] and blocks[:len(ts)]), then the past ones
// that are not among them, up to pastBodies.
func (f *Furniture) remember(ts []*Text, body []uint64, blocks [][]uint64) {
	seen := make(map[uint64]bool, pastBodies)
	var next []pastBody
	for i, t := range ts {
		if seen[body[i]] || len(next) == pastBodies {
			continue
		}
		seen[body[i]] = true
		keys := append(make([]uint64, 0, len(blocks[i])+len(t.sents)), blocks[i]...)
		pb := pastBody{body: body[i], blocks: len(keys)}
		for _, sen := range t.sents {
			if sen.key != 0 && sen.w1-sen.w0 >= minSentenceWords {
				keys = append(keys, sen.key)
			}
		}
		pb.keys = keys[:min(len(keys), maxPastKeys)]
		pb.blocks = min(pb.blocks, len(pb.keys))
		next = append(next, pb)
	}
	for _, pb := range f.past {
		if !seen[pb.body] && len(next) < pastBodies {
			seen[pb.body] = true
			next = append(next, pb)
		}
	}
	f.past = next
}

// Clone returns a copy of f that learns on its own; a nil f gives an empty
// model.
func (f *Furniture) Clone() *Furniture {
	c := &Furniture{blocks: make(map[uint64]uint32)}
	if f != nil {
		c.gen, c.past = f.gen, f.past
		maps.Copy(c.blocks, f.blocks)
	}
	return c
}

// has reports whether key k is furniture; nil f has none.
func (f *Furniture) has(k uint64) bool { return f != nil && f.blocks[k] != 0 }

// empty reports whether f knows no furniture.
func (f *Furniture) empty() bool { return f == nil || len(f.blocks) == 0 }

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

// learnNeed returns in how many of a batch's n story groups a block must
// occur to be furniture, and whether the batch is large enough to tell.
func learnNeed(n int) (int, bool) {
	least := learnMin
	if n <= tinyBatch {
		least = learnTinyMin
	}
	need := max(int(learnShare*float64(n)+0.999), least)
	return need, n >= need
}

// trim drops the oldest keys while the model is over its bound.
func (f *Furniture) trim() {
	for len(f.blocks) > maxFurniture {
		oldest := f.gen
		for _, g := range f.blocks {
			oldest = min(oldest, g)
		}
		for k, g := range f.blocks {
			if g == oldest {
				delete(f.blocks, k)
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

// Clean returns the body of t with the blocks that f learned as furniture
// removed (learned blocks, the link lists they head, blocks made mostly of
// links); datelines and sign-offs stay: they are agency copy. It only
// reads f (see Furniture).
func (f *Furniture) Clean(t *Text) string {
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	keep := sc.dropFurniture(f, t)
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

// furnitureVersion is the first byte of a marshalled Furniture; version 1
// had no history.
const furnitureVersion = 2

// MarshalBinary encodes the model for the store. It never fails.
func (f *Furniture) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 13+12*len(f.blocks))
	b = append(b, furnitureVersion)
	b = binary.LittleEndian.AppendUint32(b, f.gen)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f.blocks)))
	keys := make([]uint64, 0, len(f.blocks))
	for k := range f.blocks {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same model gives the same bytes
	for _, k := range keys {
		b = binary.LittleEndian.AppendUint64(b, k)
		b = binary.LittleEndian.AppendUint32(b, f.blocks[k])
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f.past)))
	for _, pb := range f.past {
		b = binary.LittleEndian.AppendUint64(b, pb.body)
		b = binary.LittleEndian.AppendUint16(b, uint16(pb.blocks))
		b = binary.LittleEndian.AppendUint16(b, uint16(len(pb.keys)))
		for _, k := range pb.keys {
			b = binary.LittleEndian.AppendUint64(b, k)
		}
	}
	return b, nil
}

// UnmarshalBinary replaces the model with one encoded by MarshalBinary (of
// this version or the one before); other bytes give an error wrapping
// ErrRecord and change nothing.
func (f *Furniture) UnmarshalBinary(b []byte) error {
	bad := func(why string) error { return fmt.Errorf("furniture: %w: %s", ErrRecord, why) }
	if len(b) < 9 || b[0] != furnitureVersion && b[0] != 1 {
		return bad("unknown version")
	}
	n := int(binary.LittleEndian.Uint32(b[5:]))
	end := 9 + 12*n
	if n > maxFurniture || len(b) < end || b[0] == 1 && len(b) != end {
		return bad(fmt.Sprintf("length %d", len(b)))
	}
	blocks := make(map[uint64]uint32, n)
	for p := 9; p < end; p += 12 {
		blocks[binary.LittleEndian.Uint64(b[p:])] = binary.LittleEndian.Uint32(b[p+8:])
	}
	var past []pastBody
	if b[0] == furnitureVersion {
		r := b[end:]
		if len(r) < 4 {
			return bad("no history")
		}
		np := int(binary.LittleEndian.Uint32(r))
		if np > pastBodies {
			return bad(fmt.Sprintf("%d past bodies", np))
		}
		r = r[4:]
		for range np {
			if len(r) < 12 {
				return bad("short history")
			}
			pb := pastBody{body: binary.LittleEndian.Uint64(r), blocks: int(binary.LittleEndian.Uint16(r[8:]))}
			nk := int(binary.LittleEndian.Uint16(r[10:]))
			r = r[12:]
			if nk > maxPastKeys || pb.blocks > nk || len(r) < 8*nk {
				return bad("bad past body")
			}
			pb.keys = make([]uint64, nk)
			for i := range pb.keys {
				pb.keys[i] = binary.LittleEndian.Uint64(r[8*i:])
			}
			r = r[8*nk:]
			past = append(past, pb)
		}
		if len(r) != 0 {
			return bad(fmt.Sprintf("%d bytes left", len(r)))
		}
	}
	f.gen, f.blocks, f.past = binary.LittleEndian.Uint32(b[1:]), blocks, past
	return nil
}
