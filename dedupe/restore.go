package dedupe

import (
	"cmp"
	"slices"
	"sync"
)

// A Restorer rebuilds the window from stored records handed over in any
// order. Done puts the documents in the window in the window's own order,
// by publish time and then by an order key the caller gives (the store's
// row order), exactly as Restore called in that order would: the window's
// candidate lists and story cores depend on the order. A store reads its
// records fastest in its own order: in a SQLite store of 500,000 items,
// reading them by publish time was a random read of the file that took
// three times as long.
//
// Add decodes each record as it comes; Done orders and indexes them. A
// Restorer is not safe for concurrent use, and the Index must not be used
// between the first Add and Done.
type Restorer struct {
	ix      *Index
	entries entries
	stories []string
	keys    []restoreKey
}

// restoreKey is a document's place in the window's order.
type restoreKey struct{ at, order int64 }

// Restorer returns a Restorer into ix; n, when known, is about how many
// documents will be added.
func (ix *Index) Restorer(n int) *Restorer {
	n = max(n, 0)
	return &Restorer{ix: ix, stories: make([]string, 0, n), keys: make([]restoreKey, 0, n)}
}

// Add decodes the record of document d, which belongs to story storyID;
// order breaks ties between documents of the same publish time (the
// lower first). Bytes that are not a record give an error wrapping
// ErrRecord, and the document is left out.
func (r *Restorer) Add(d Doc, order int64, storyID string, record []byte) error {
	e, err := decodeRecord(d, record)
	if err != nil {
		return err
	}
	*r.entries.at(r.entries.add()) = e
	r.stories = append(r.stories, storyID)
	r.keys = append(r.keys, restoreKey{d.Published.UnixNano(), order})
	return nil
}

// Done puts the documents added in the window, in the window's order, and
// empties the Restorer.
func (r *Restorer) Done() {
	perm := make([]int32, r.entries.len())
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int {
		ka, kb := r.keys[a], r.keys[b]
		return cmp.Or(cmp.Compare(ka.at, kb.at), cmp.Compare(ka.order, kb.order))
	})
	r.keys = nil
	ix := r.ix
	if ix.entries.len() == 0 {
		permute(&r.entries, r.stories, perm)
		ix.load(&r.entries, r.stories)
	} else {
		for _, i := range perm {
			ix.put(*r.entries.at(i), r.stories[i])
			*r.entries.at(i) = entry{}
		}
	}
	r.entries, r.stories = entries{}, nil
}

// permute reorders entries and their stories in place: the ones at
// perm[i] go to i. perm is spent.
func permute(es *entries, stories []string, perm []int32) {
	for i := range int32(len(perm)) {
		if perm[i] < 0 {
			continue
		}
		e, st := *es.at(i), stories[i]
		j := i
		for {
			k := perm[j]
			perm[j] = -1
			if k == i {
				*es.at(j), stories[j] = e, st
				break
			}
			*es.at(j), stories[j] = *es.at(k), stories[k]
			j = k
		}
	}
}

// load fills an empty index with the entries of es, in their slots, each
// in the story of the same index: what put would do for each in turn,
// with every table sized once. es becomes the index's.
func (ix *Index) load(es *entries, stories []string) {
	ix.entries, ix.live = *es, es.len()
	ix.byID = make(map[string]int32, es.len())
	// The candidate lists and the stories are apart (an entry's keys are
	// read, its story fields written): each is built on a core of its own.
	var wg sync.WaitGroup
	wg.Go(func() { ix.post.build(es) })
	for i := range int32(es.len()) {
		ix.byID[es.at(i).id] = i
		ix.link(i, stories[i])
	}
	wg.Wait()
	if len(ix.byID) == es.len() {
		return
	}
	// An id came twice: only put's replacement of the earlier gives
	// Restore's result.
	*ix = *NewIndex(ix.opts)
	for i := range int32(es.len()) {
		ix.put(*es.at(i), stories[i])
	}
}
