package dedupe

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Add places a document in a story: an existing one it near-duplicates,
// else a new story with id newStoryID. A document whose id is already in
// the index is treated as an Update and stays in its story.
func (ix *Index) Add(d Doc, p *Prepared, newStoryID string) Decision {
	if slot, ok := ix.byID[d.ID]; ok {
		ix.Update(d, p)
		st := &ix.stories[ix.entries.at(slot).story]
		return Decision{StoryID: st.id, Reason: "known id: updated in place"}
	}
	fp := p.view()
	fp.published = d.Published.Unix()
	best, also, reason := ix.bestStory(&fp, &p.keys)
	if best < 0 {
		ix.insert(d, p, newStoryID)
		return Decision{StoryID: newStoryID, New: true, Reason: reason}
	}
	dec := Decision{Match: ix.entries.at(best).id, Reason: reason}
	// The document belongs to its best match's story and to also: one
	// story, split earlier. The oldest of them takes the others in.
	into := ix.entries.at(best).story
	for _, st := range also {
		if a, b := &ix.stories[st], &ix.stories[into]; a.founded < b.founded || a.founded == b.founded && a.id < b.id {
			into = st
		}
	}
	for _, st := range append(also, ix.entries.at(best).story) {
		if st != into {
			dec.Absorbed = append(dec.Absorbed, ix.stories[st].id)
			ix.merge(st, into)
		}
	}
	if len(dec.Absorbed) > 0 {
		dec.Reason += fmt.Sprintf("; merged %d stories it also belongs to", len(dec.Absorbed))
	}
	dec.StoryID = ix.stories[into].id
	ix.insert(d, p, dec.StoryID)
	return dec
}

// candidate is a verified match of a new document.
type candidate struct {
	slot int32
	figs Figures
	rule rule
}

// mergeLinks is how many members of each of two stories a document must
// be a copy or a version of for the two to be merged (all of a story of
// two; see needLinks): a running story
// split early (a version that matched nothing, then its own copies and
// versions) is joined again by the later copies that match both halves,
// while one page that happens to resemble a page of another story cannot
// glue them.
const mergeLinks = 3

// bestStory returns the slot of the member the document matches best in
// the story it belongs to (-1 when none), the other stories it belongs to
// as well (to be merged), and why.
//
// The decision is the story's, not one member's: single-link clustering
// on copies and versions (a copy of any member, or a version of a member
// published within versionGap, places the document in that member's
// story), since each carries the story's own text and a running story's
// versions chain, each to its neighbours; and stories split earlier are
// merged when a document links to enough members of each (mergeLinks).
// That is the "star" clustering of Aslam, Pelekhov and Rus ("The Star
// Clustering Algorithm for Static and Dynamic Information Organization",
// JGAA 2004) with the stars' overlap resolved by merging.
func (ix *Index) bestStory(fp *fingerprint, keys *[nKeys]uint32) (int32, []int32, string) {
	ix.heads.set(fp.lead)
	ix.heads.setFull(fp.full)
	fp.heads = &ix.heads
	slots := ix.candidates(fp, keys)
	matches := ix.scratch.matches[:0]
	for _, s := range slots {
		f := compareFor(fp, ix.entries.at(s), ix.earlyExit)
		if r := ix.opts.rule(f); r.match() || r == versionOf {
			matches = append(matches, candidate{s, f, r})
		}
	}
	ix.scratch.matches = matches
	if len(matches) == 0 {
		return -1, nil, "new story: no match among " + strconv.Itoa(len(slots)) + " candidates"
	}
	slices.SortStableFunc(matches, func(a, b candidate) int {
		if a.rule.match() != b.rule.match() {
			if a.rule.match() {
				return -1
			}
			return 1
		}
		return cmp.Or(cmpFloat(b.figs.score(), a.figs.score()), cmp.Compare(ix.entries.at(a.slot).id, ix.entries.at(b.slot).id))
	})
	best := matches[0]
	own := ix.entries.at(best.slot).story
	links := ix.scratch.links[:0] // story, links: a few stories each
	for _, m := range matches {
		st := ix.entries.at(m.slot).story
		if i := slices.IndexFunc(links, func(l [2]int32) bool { return l[0] == st }); i >= 0 {
			links[i][1]++
		} else {
			links = append(links, [2]int32{st, 1})
		}
	}
	ix.scratch.links = links
	also := ix.scratch.also[:0]
	if i := slices.IndexFunc(links, func(l [2]int32) bool { return l[0] == own }); links[i][1] >= ix.needLinks(own) {
		for _, l := range links {
			if l[0] != own && l[1] >= ix.needLinks(l[0]) {
				also = append(also, l[0])
			}
		}
	}
	ix.scratch.also = also
	return best.slot, also, "matched " + ix.opts.reason(best.figs, best.rule)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// candidates returns the live documents that share a posting key with fp
// (an LSH band or the title), or lead keys that place its lead where fp's
// is: two or more at one offset between the leads (within rareOffset, for
// a word or two edited), or one from a short list (a rare phrase) or of a
// document with a single lead key. A lead shingle shared by chance is a
// phrase, not a copy, and a popular phrase lists many unrelated documents
// at offsets that disagree.
func (ix *Index) candidates(fp *fingerprint, keys *[nKeys]uint32) []int32 {
	c := &ix.cands
	c.next(ix.entries.len())
	out := ix.scratch.slots[:0]
	add := func(s int32) {
		if ix.entries.at(s).live && c.add(s) {
			out = append(out, s)
		}
	}
	for i, k := range keys {
		if k != 0 && (i < bands || i == nKeys-1) {
			ix.post.each(k, func(slot uint32) { add(int32(slot)) })
		}
	}
	lead := fp.lead[:min(leadLen, len(fp.lead))]
	pairs := ix.scratch.pairs[:0] // slot<<32 | offset+leadLen
	var seen [16]uint64           // low bits of the lead values met: most are new
	for q, v := range lead {
		if bit := uint64(1) << (v & 63); seen[v>>6&15]&bit == 0 {
			seen[v>>6&15] |= bit
		} else if slices.Contains(lead[:q], v) {
			continue
		}
		refs := ix.post.refs(leadKey(v), ix.scratch.refs[:0])
		ix.scratch.refs = refs
		for _, ref := range refs {
			s, k := int32(ref/nKeys), ref%nKeys
			switch e := ix.entries.at(s); {
			case k < bands || k >= bands+leadKeys:
				// another kind of key that hashed to this lead key
			case !e.live || c.has(s):
			case len(refs) <= rareLead || e.leadKeys() < 2:
				add(s)
			default:
				p := int(k-bands) * leadStride
				pairs = append(pairs, uint64(s)<<32|uint64(q-p+leadLen))
			}
		}
	}
	slices.Sort(pairs)
	for i := 0; i < len(pairs); {
		s, j, lo, best := pairs[i]>>32, i, i, 0
		for ; j < len(pairs) && pairs[j]>>32 == s; j++ {
			for uint32(pairs[j])-uint32(pairs[lo]) > rareOffset {
				lo++
			}
			best = max(best, j-lo+1)
		}
		if best >= min(3, int(ix.entries.at(int32(s)).leadKeys())) {
			add(int32(s))
		}
		i = j
	}
	ix.scratch.slots, ix.scratch.pairs = out, pairs
	return out
}

// rareOffset is how far apart (in shingles) the offsets of two lead hits
// of one document may be and still agree: an edited word moves the rest of
// a lead by one.
const rareOffset = 2

// leadKeys counts the lead keys of e.
func (e *entry) leadKeys() uint8 {
	n := uint8(0)
	for _, k := range e.keys[bands : bands+leadKeys] {
		if k != 0 {
			n++
		}
	}
	return n
}

// rareLead is the longest list of a lead key whose single hit makes a
// candidate.
const rareLead = 8

// candSet marks the slots taken as candidates of one document; stamps
// spare clearing it per document.
type candSet struct {
	stamp  uint32
	stamps []uint32
}

// next starts a new document over n slots.
func (c *candSet) next(n int) {
	for len(c.stamps) < n {
		c.stamps = append(c.stamps, 0)
	}
	c.stamp++
	if c.stamp == 0 {
		clear(c.stamps)
		c.stamp = 1
	}
}

// add marks slot s and reports whether it was not marked yet.
func (c *candSet) add(s int32) bool {
	if c.stamps[s] == c.stamp {
		return false
	}
	c.stamps[s] = c.stamp
	return true
}

// has reports whether slot s is marked.
func (c *candSet) has(s int32) bool { return c.stamps[s] == c.stamp }

// needLinks is how many members of story st a document must link to for
// st to be merged with another story it links to: mergeLinks, or every
// member of a smaller story, but never one link alone (a bridging page has
// one link to a story of one page).
func (ix *Index) needLinks(st int32) int32 {
	return max(2, min(mergeLinks, ix.stories[st].members))
}
