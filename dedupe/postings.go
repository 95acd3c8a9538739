package dedupe

// postings is the candidate table: for each key (an LSH band, a lead
// shingle, a title) a linked list of the documents that carry it. A
// posting is slot*nKeys + key index; next[posting] links the list, with 0
// ending it (postings are stored plus one).
type postings struct {
	head map[uint32]uint32
	next []uint32
}

func newPostings() postings { return postings{head: make(map[uint32]uint32)} }

// grow makes room for slot.
func (p *postings) grow(slot uint32) {
	for uint32(len(p.next)) < (slot+1)*nKeys {
		p.next = append(p.next, 0)
	}
}

// insert adds slot under keys (0 keys are skipped).
func (p *postings) insert(slot uint32, keys *[nKeys]uint32) {
	p.grow(slot)
	for i, k := range keys {
		if k == 0 {
			continue
		}
		ref := slot*nKeys + uint32(i)
		p.next[ref] = p.head[k]
		p.head[k] = ref + 1
	}
}

// remove unlinks slot from the lists of keys.
func (p *postings) remove(slot uint32, keys *[nKeys]uint32) {
	for i, k := range keys {
		if k == 0 {
			continue
		}
		ref := slot*nKeys + uint32(i) + 1
		cur, prev := p.head[k], uint32(0)
		for cur != 0 && cur != ref {
			prev, cur = cur, p.next[cur-1]
		}
		switch {
		case cur == 0:
			continue
		case prev == 0 && p.next[cur-1] == 0:
			delete(p.head, k)
		case prev == 0:
			p.head[k] = p.next[cur-1]
		default:
			p.next[prev-1] = p.next[cur-1]
		}
		p.next[cur-1] = 0
	}
}

// maxWalk bounds the documents taken from one list: a key shared by very
// many documents (a common title, a template sentence) says little, and
// the most recent ones (at the head) are the likeliest matches.
const maxWalk = 32

// each calls fn with the slot of the most recent documents listed under k.
func (p *postings) each(k uint32, fn func(slot uint32)) {
	n := 0
	for cur := p.head[k]; cur != 0 && n < maxWalk; cur = p.next[cur-1] {
		fn((cur - 1) / nKeys)
		n++
	}
}

// refs appends to dst the postings (slot*nKeys + key index) of the most
// recent documents listed under k, as each walks them.
func (p *postings) refs(k uint32, dst []uint32) []uint32 {
	for cur := p.head[k]; cur != 0 && len(dst) < maxWalk; cur = p.next[cur-1] {
		dst = append(dst, cur-1)
	}
	return dst
}

// buildParts is how many parts of the key space build sorts one at a
// time (by the key modulo buildParts): the more parts, the smaller the
// sort's scratch buffer and the more of it stays in the caches.
const buildParts = 8

// build sets the lists of an empty table for the documents in slots
// [0, es.len()), as inserting each slot in turn would. Inserting looks the
// key up at random twice per posting and grows the table in steps (a
// window of 500,000 documents: 1.6 s). build puts the postings of each
// part of the key space together, sorts each part by key (stably, so a
// key's postings stay in slot order), links every list in one pass and
// makes the table its exact size.
func (p *postings) build(es *entries) {
	n := uint32(es.len())
	p.next = make([]uint32, n*nKeys)
	var start [buildParts + 1]int
	for slot := range n {
		for _, k := range &es.at(int32(slot)).keys {
			if k != 0 {
				start[k%buildParts+1]++
			}
		}
	}
	longest := 0
	for part := range buildParts {
		longest = max(longest, start[part+1])
		start[part+1] += start[part]
	}
	// pairs holds key<<32 | posting, each part in its range in slot order.
	pairs := make([]uint64, start[buildParts])
	fill := start
	for slot := range n {
		for i, k := range &es.at(int32(slot)).keys {
			if k != 0 {
				pairs[fill[k%buildParts]] = uint64(k)<<32 | uint64(slot*nKeys+uint32(i))
				fill[k%buildParts]++
			}
		}
	}
	// Each part sorted and linked, its heads (key<<32 | head) are written
	// over its first pairs, which are read by then.
	scratch := make([]uint64, longest)
	var heads [buildParts][]uint64
	total := 0
	for part := range buildParts {
		ps := pairs[start[part]:start[part+1]]
		sortByKey(ps, scratch[:len(ps)])
		w := 0
		for j := 0; j < len(ps); w++ {
			k, prev := ps[j]>>32, uint32(0)
			for ; j < len(ps) && ps[j]>>32 == k; j++ {
				ref := uint32(ps[j])
				p.next[ref] = prev
				prev = ref + 1
			}
			ps[w] = k<<32 | uint64(prev)
		}
		heads[part] = ps[:w]
		total += w
	}
	p.head = make(map[uint32]uint32, total)
	for _, hs := range heads {
		for _, h := range hs {
			p.head[uint32(h>>32)] = uint32(h)
		}
	}
}

// sortByKey sorts ps by their upper 32 bits, stably (a radix sort, a byte
// at a time), with buf, as long as ps, for scratch.
func sortByKey(ps, buf []uint64) {
	src, dst := ps, buf
	for shift := 32; shift < 64; shift += 8 {
		var at [256]int
		for _, v := range src {
			at[byte(v>>shift)]++
		}
		sum := 0
		for b, c := range at {
			at[b] = sum
			sum += c
		}
		for _, v := range src {
			b := byte(v >> shift)
			dst[at[b]] = v
			at[b]++
		}
		src, dst = dst, src
	}
	// Four passes: the sorted values are back in ps.
}
