package dedupe

import (
	"slices"
	"strconv"
)

// analyse returns the fingerprint of a document: furniture and agency
// boilerplate removed, then shingled and sketched. The fingerprint lives in
// the index's scratch buffers until the next call.
func (ix *Index) analyse(d Doc) fingerprint {
	return ix.scratch.analyse(ix.furniture[d.Feed], d, ix.opts.Shingle)
}

// scratch holds the buffers of analysing one document, kept between calls
// so that Add allocates little; the fingerprint that analyse returns points
// into them.
type scratch struct {
	split splitter
	kept  []block  // the blocks kept after furniture removal
	keys  []uint64 // word hashes of a block, for its furniture key
	words []uint64
	sh    []uint64 // shingle hashes, in order
	full  []uint32
	radix []uint32
	lead  []uint32
	nums  []uint32
	heads headSets
	// matches of a new document, for bestStory
	matches []candidate
}

func (sc *scratch) analyse(m *furniture, d Doc, k int) fingerprint {
	bs := sc.dropFurniture(m, sc.split.split(d.HTML))
	bs = stripAgencyCopy(bs)
	words := sc.words[:0]
	for _, b := range bs {
		if b.ascii {
			words = appendWords(words, b.text) // foldText would return it as is
		} else {
			words = appendWords(words, foldText(b.text))
		}
	}
	sc.words = words
	return sc.sketch(words, k, titleHash(d.Title))
}

// titleHash hashes the normalised words of a title; 0 for none.
func titleHash(t string) uint32 {
	k, _ := blockKey(t, nil)
	return uint32(k >> 32)
}

// Add places doc in a story: an existing one it near-duplicates, else a new
// story with id newStoryID. A doc whose id is already in the index is
// treated as an Update and stays in its story.
func (ix *Index) Add(doc Doc, newStoryID string) Decision {
	if slot, ok := ix.byID[doc.ID]; ok {
		ix.Update(doc)
		st := &ix.stories[ix.entries[slot].story]
		return Decision{StoryID: st.id, Reason: "known id: updated in place"}
	}
	fp := ix.analyse(doc)
	best, reason := ix.bestStory(&fp)
	if best < 0 {
		ix.insert(doc, &fp, newStoryID)
		return Decision{StoryID: newStoryID, New: true, Reason: reason}
	}
	e := &ix.entries[best]
	st := ix.stories[e.story].id
	match := e.id
	ix.insert(doc, &fp, st)
	return Decision{StoryID: st, Match: match, Reason: reason}
}

// candidate is a verified match of a new document.
type candidate struct {
	slot int32
	figs Figures
	rule rule
}

// bestStory returns the slot of the member the document matches best in a
// story that also accepts it (the chaining guard), or -1 and why not.
func (ix *Index) bestStory(fp *fingerprint) (int32, string) {
	slots := ix.candidates(fp)
	matches := ix.scratch.matches[:0]
	for _, s := range slots {
		f := compare(fp, &ix.entries[s])
		if r := ix.opts.rule(f, false); r.match() {
			matches = append(matches, candidate{s, f, r})
		}
	}
	ix.scratch.matches = matches
	if len(matches) == 0 {
		return -1, "new story: no match among " + strconv.Itoa(len(slots)) + " candidates"
	}
	slices.SortStableFunc(matches, func(a, b candidate) int {
		return cmpFloat(b.figs.score(), a.figs.score())
	})
	// A document that matches two members of a story matches the story
	// itself, not one bridging member: the guard is for the lone match.
	perStory := make(map[int32]int, len(matches))
	for _, m := range matches {
		perStory[ix.entries[m.slot].story]++
	}
	var refused func() string
	for _, m := range matches {
		if perStory[ix.entries[m.slot].story] >= 2 {
			return m.slot, "matched " + ix.opts.reason(m.figs, false, m.rule) + " (and another member of the story)"
		}
		ok, why := ix.guard(fp, m.slot)
		if ok {
			return m.slot, "matched " + ix.opts.reason(m.figs, false, m.rule)
		}
		refused = why
	}
	return -1, "new story: matches refused by the story core: " + refused()
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

// guard reports whether the story of slot accepts the document: the
// document must also match the story's core (its founder) by the relaxed
// rule, so that one bridging member cannot glue two stories. why formats
// the reason of a refusal.
func (ix *Index) guard(fp *fingerprint, slot int32) (ok bool, why func() string) {
	core := ix.stories[ix.entries[slot].story].core
	if core < 0 || core == slot {
		return true, nil
	}
	f := compare(fp, &ix.entries[core])
	r := ix.opts.rule(f, true)
	return r.match(), func() string { return "core " + ix.entries[core].id + ": " + ix.opts.reason(f, true, r) }
}

// candidates returns the live documents that share a posting key with fp
// (an LSH band, a lead shingle, the title) and are inside the window.
func (ix *Index) candidates(fp *fingerprint) []int32 {
	var out []int32
	add := func(slot uint32) {
		s := int32(slot)
		if ix.entries[s].live && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	keys := fp.keys()
	for i, k := range keys {
		if k != 0 && (i < bands || i == nKeys-1) {
			ix.post.each(k, add)
		}
	}
	for _, v := range fp.lead[:min(leadLen, len(fp.lead))] {
		ix.post.each(leadKey(v), add)
	}
	return out
}
