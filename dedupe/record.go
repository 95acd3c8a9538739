package dedupe

import (
	"encoding/binary"
	"fmt"
)

// recordVersion is the first byte of a record; Restore reads it and
// version 1 (records without the shape: no live flag, no template
// signature), and rejects others.
const recordVersion = 2

// Record returns the persisted form of the document as the window keeps
// it (an opaque []byte stored with the item): the compact fingerprint and
// the candidate keys, so that Restore needs no text.
func (p *Prepared) Record() []byte {
	var e entry
	e.setFingerprint(p)
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
	return appendShape(b, e.livePage, &e.tsig)
}

// Restore puts a placed document back in the window (at start-up, from
// its Record bytes), in story storyID. Restoring a known id replaces its
// fingerprint. Bytes that are not a record give an error wrapping
// ErrRecord and change nothing. A Restorer restores many documents handed
// over in any order.
func (ix *Index) Restore(d Doc, storyID string, record []byte) error {
	e, err := decodeRecord(d, record)
	if err != nil {
		return err
	}
	ix.put(e, storyID)
	return nil
}

// put stores e in story storyID, in place of the document of its id when
// there is one.
func (ix *Index) put(e entry, storyID string) {
	if slot, ok := ix.byID[e.id]; ok {
		ix.remove(slot)
	}
	ix.store(e, storyID)
}

// decodeRecord returns the window entry of document d from its Record
// bytes.
func decodeRecord(d Doc, record []byte) (entry, error) {
	if len(record) < 12 || (record[0] != recordVersion && record[0] != 1) {
		return entry{}, fmt.Errorf("restore %s: %w", d.ID, ErrRecord)
	}
	nl, nd := int(record[1]), int(record[2])+int(record[3])
	size := 12 + 2*nl + 4*(nd+nKeys)
	if record[0] == recordVersion {
		size += shapeBytes
	}
	if len(record) != size {
		return entry{}, fmt.Errorf("restore %s: %w: length %d", d.ID, ErrRecord, len(record))
	}
	e := entry{id: d.ID, live: true, published: d.Published.Unix()}
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
	if record[0] == recordVersion {
		e.livePage, e.tsig = readShape(record[p:])
	}
	return e, nil
}
