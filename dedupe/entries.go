package dedupe

// entryChunk is how many entries an entries chunk holds (about 180 KB).
const entryChunk = 1024

// entries holds the window's documents by slot, in chunks that never
// move: the window grows without copying what it holds (a window of
// 500,000 documents is 90 MB of entries, which a slice copied at every
// growth, and the collector waited for each copy to end).
type entries struct {
	chunks [][]entry
	n      int
}

// len returns the number of slots.
func (es *entries) len() int { return es.n }

// at returns the entry in slot i.
func (es *entries) at(i int32) *entry { return &es.chunks[uint32(i)/entryChunk][uint32(i)%entryChunk] }

// add appends a zero entry and returns its slot.
func (es *entries) add() int32 {
	if es.n == len(es.chunks)*entryChunk {
		es.chunks = append(es.chunks, make([]entry, entryChunk))
	}
	es.n++
	return int32(es.n - 1)
}
