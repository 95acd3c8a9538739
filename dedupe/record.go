package dedupe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// recordVersion is the first byte of a record; Restore rejects others.
const recordVersion = 1

// ErrRecord is returned by Restore for bytes that are not a record of this
// version (the pipeline then re-adds the item from its text).
var ErrRecord = errors.New("dedupe: bad record")

// Record returns the persisted form of doc id (stored with the item by the
// pipeline, an opaque []byte); nil when unknown. It holds the compact
// fingerprint and the posting keys, so Restore needs no text.
func (ix *Index) Record(id string) []byte {
	slot, ok := ix.byID[id]
	if !ok {
		return nil
	}
	e := &ix.entries[slot]
	b := make([]byte, 0, 12+2*len(e.lead)+4*(len(e.data)+nKeys))
	b = append(b, recordVersion, uint8(len(e.lead)), e.nSample, e.nNums)
	b = binary.LittleEndian.AppendUint32(b, e.tau)
	b = binary.LittleEndian.AppendUint32(b, e.n)
	for _, v := range e.lead {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	for _, v := range e.data {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for _, k := range e.keys {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	return b
}

// Restore re-adds a persisted doc to the window at start-up (from Record
// bytes), in story storyID. Restoring a known id replaces its fingerprint.
func (ix *Index) Restore(id, feed, storyID string, published time.Time, record []byte) error {
	if len(record) < 12 || record[0] != recordVersion {
		return fmt.Errorf("restore %s: %w", id, ErrRecord)
	}
	nl, nd := int(record[1]), int(record[2])+int(record[3])
	if len(record) != 12+2*nl+4*(nd+nKeys) {
		return fmt.Errorf("restore %s: %w: length %d", id, ErrRecord, len(record))
	}
	if slot, ok := ix.byID[id]; ok {
		ix.remove(slot)
	}
	e := entry{id: id, live: true, published: published.Unix()}
	e.nSample, e.nNums = record[2], record[3]
	e.tau = binary.LittleEndian.Uint32(record[4:])
	e.n = binary.LittleEndian.Uint32(record[8:])
	e.lead = make([]uint16, nl)
	p := 12
	for i := range e.lead {
		e.lead[i] = binary.LittleEndian.Uint16(record[p:])
		p += 2
	}
	e.data = make([]uint32, nd)
	for i := range e.data {
		e.data[i] = binary.LittleEndian.Uint32(record[p:])
		p += 4
	}
	for i := range e.keys {
		e.keys[i] = binary.LittleEndian.Uint32(record[p:])
		p += 4
	}
	ix.store(e, storyID)
	return nil
}
