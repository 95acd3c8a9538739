package dedupe

import "time"

// insert stores a prepared document in story storyID (created when
// unknown, with the document as its core).
func (ix *Index) insert(d Doc, p *Prepared, storyID string) {
	e := entry{id: d.ID, live: true, published: d.Published.Unix()}
	e.setFingerprint(p)
	ix.store(e, storyID)
}

// store puts entry e in a free slot, in the postings and in story storyID.
func (ix *Index) store(e entry, storyID string) {
	var slot int32
	if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
	} else {
		slot = ix.entries.add()
	}
	*ix.entries.at(slot) = e
	ix.post.insert(uint32(slot), &ix.entries.at(slot).keys)
	ix.byID[e.id] = slot
	ix.live++
	ix.link(slot, storyID)
}

// setFingerprint copies the kept parts of p into e: the head, the first
// sampleLen values of the sample, the numbers and the keys.
func (e *entry) setFingerprint(p *Prepared) {
	fp := p.view()
	e.lead = make([]uint16, len(fp.lead))
	for i, v := range fp.lead {
		e.lead[i] = uint16(v >> 16)
	}
	e.data = make([]uint32, 0, len(fp.sample)+len(fp.nums))
	e.data = append(append(e.data, fp.sample...), fp.nums...)
	e.nSample, e.nNums = uint8(len(fp.sample)), uint8(len(fp.nums))
	e.tau, e.n = fp.tau, uint32(fp.n)
	e.keys = p.keys
	e.tsig, e.livePage = p.tsig, p.live
}

// link adds slot to story storyID, creating the story when unknown.
func (ix *Index) link(slot int32, storyID string) {
	si, ok := ix.byStory[storyID]
	if !ok {
		if n := len(ix.freeStory); n > 0 {
			si, ix.freeStory = ix.freeStory[n-1], ix.freeStory[:n-1]
		} else {
			si = int32(len(ix.stories))
			ix.stories = append(ix.stories, story{})
		}
		ix.stories[si] = story{id: storyID, core: slot, first: -1, founded: ix.entries.at(slot).published}
		ix.byStory[storyID] = si
	}
	st := &ix.stories[si]
	e := ix.entries.at(slot)
	e.story, e.nextInStory = si, st.first
	st.first = slot
	st.members++
	// founded is the earliest member's publish time, whatever the order
	// the members were linked in (placed, or restored from a store)
	st.founded = min(st.founded, e.published)
}

// Join places a document in storyID without comparison (an exact
// duplicate found by canonical link). A known id is updated instead.
func (ix *Index) Join(d Doc, p *Prepared, storyID string) {
	if _, ok := ix.byID[d.ID]; ok {
		ix.Update(d, p)
		return
	}
	ix.insert(d, p, storyID)
}

// Update replaces the fingerprint of a placed document (same id, changed
// text); it stays in its story. An unknown id is ignored.
func (ix *Index) Update(d Doc, p *Prepared) {
	slot, ok := ix.byID[d.ID]
	if !ok {
		return
	}
	e := ix.entries.at(slot)
	ix.post.remove(uint32(slot), &e.keys)
	e.setFingerprint(p)
	ix.post.insert(uint32(slot), &e.keys)
}

// Evict drops the documents published before cutoff from the window and
// returns how many it dropped. A story whose core is evicted takes its
// earliest remaining member as core.
func (ix *Index) Evict(cutoff time.Time) int {
	cut := cutoff.Unix()
	n := 0
	for i := range int32(ix.entries.len()) {
		if e := ix.entries.at(i); e.live && e.published < cut {
			ix.remove(i)
			n++
		}
	}
	return n
}

// remove drops slot from the postings, its story and the id map.
func (ix *Index) remove(slot int32) {
	e := ix.entries.at(slot)
	ix.post.remove(uint32(slot), &e.keys)
	delete(ix.byID, e.id)
	si := e.story
	st := &ix.stories[si]
	if st.first == slot {
		st.first = e.nextInStory
	} else {
		for m := st.first; m >= 0; m = ix.entries.at(m).nextInStory {
			if ix.entries.at(m).nextInStory == slot {
				ix.entries.at(m).nextInStory = e.nextInStory
				break
			}
		}
	}
	st.members--
	*e = entry{story: -1, nextInStory: -1}
	ix.free = append(ix.free, slot)
	ix.live--
	if st.members == 0 {
		delete(ix.byStory, st.id)
		*st = story{core: -1, first: -1}
		ix.freeStory = append(ix.freeStory, si)
		return
	}
	if st.core == slot {
		st.core = ix.earliest(st.first)
	}
}

// earliest returns the earliest published member of the list from first.
func (ix *Index) earliest(first int32) int32 {
	best := first
	for m := first; m >= 0; m = ix.entries.at(m).nextInStory {
		if ix.entries.at(m).published < ix.entries.at(best).published {
			best = m
		}
	}
	return best
}

// merge moves the members of story from into story into and drops from.
func (ix *Index) merge(from, into int32) {
	src, dst := &ix.stories[from], &ix.stories[into]
	for m := src.first; m >= 0; {
		e := ix.entries.at(m)
		next := e.nextInStory
		e.story, e.nextInStory = into, dst.first
		dst.first = m
		dst.members++
		m = next
	}
	dst.founded = min(dst.founded, src.founded)
	delete(ix.byStory, src.id)
	*src = story{core: -1, first: -1}
	ix.freeStory = append(ix.freeStory, from)
}
