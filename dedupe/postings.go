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
