package dedupe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// prepSample bounds the shingle sample a Prepared keeps. Compared with a
// stored sample of sampleLen values, the restriction to the stored
// sample's range is exact whenever the new document has at most
// prepSample/sampleLen (5.3) times the stored one's shingles, and a close
// estimate beyond.
const prepSample = 256

// Prepared is a document analysed for the Index: its fingerprint (a
// bounded sample of its shingle hashes, its head, its numbers, its title
// and its candidate keys), without its text. Make one with
// Furniture.Prepare; keep it, or its MarshalBinary form, until the
// document is placed. The zero value is an empty document. A Prepared is
// read-only and safe to share.
type Prepared struct {
	sample []uint32 // the smallest shingle hashes, sorted, distinct
	tau    uint32   // exclusive bound of sample; MaxUint32 when it holds every shingle
	lead   []uint32 // the first headLen shingle hashes, in order
	nums   []uint32 // the first maxNums distinct number hashes, in order
	n      int      // distinct shingles
	title  uint32   // hash of the normalised title; 0 for none
	keys   [nKeys]uint32
	tsig   [tbins]uint16 // the template signature; zero when none
	live   bool          // a live page
}

// Shingles returns the number of distinct shingles of the document.
func (p *Prepared) Shingles() int { return p.n }

// Prepare analyses a document for the Index: t is its body analysed (nil:
// an empty body), title its headline as plain text. f's furniture is left
// out, as are bylines, datelines and sign-offs. A nil f is a feed that has
// learned nothing. Prepare only reads f: it may run concurrently with
// other Prepare and Clean calls on f, not with Learn.
func (f *Furniture) Prepare(t *Text, title string) Prepared {
	if t == nil {
		t = Analyse("")
	}
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	fp := sc.analyse(f, t, title)
	return fp.prepared()
}

// scratch holds the buffers of analysing one document, kept between calls
// so that Add allocates little; the fingerprint that analyse returns points
// into them. Concurrent callers take one from scratches.
type scratch struct {
	pieces  []piece // the blocks kept after furniture removal
	sentIdx []int32 // the kept sentences of partly kept blocks
	words   []uint64
	sh      []uint64 // shingle hashes, in order
	full    []uint32
	radix   []uint32
	lead    []uint32
	nums    []uint32
	// candidates and matches of a new document, for bestStory
	slots   []int32
	refs    []uint32
	pairs   []uint64
	matches []candidate
	links   [][2]int32 // story, links of the document to its members
	also    []int32    // the other stories the document belongs to
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// analyse returns the fingerprint of a document: furniture and agency
// boilerplate removed, then shingled and sketched.
func (sc *scratch) analyse(f *Furniture, t *Text, title string) fingerprint {
	ps := stripAgencyCopy(sc.dropFurniture(f, t))
	sc.words = sc.appendPieceWords(sc.words[:0], t, ps)
	fp := sc.sketch(sc.words, shingleWords, titleHash(title))
	fp.live = isLive(t)
	return fp
}

// shingleWords is the number of words per shingle: measured best against
// copy-edit noise (4 and 5 lose recall).
const shingleWords = 3

// prepared copies what a Prepared keeps of fp, which points into scratch
// buffers.
func (fp *fingerprint) prepared() Prepared {
	p := Prepared{n: fp.n, title: fp.title, keys: fp.keys(), tau: fp.ftau, tsig: fp.tsig, live: fp.live}
	p.sample = slices.Clone(fp.full)
	if len(p.sample) > prepSample {
		p.sample, p.tau = p.sample[:prepSample:prepSample], p.sample[prepSample]
	}
	p.lead = slices.Clone(fp.lead)
	p.nums = slices.Clone(fp.nums)
	return p
}

// view returns the fingerprint the Index compares: p's sample standing
// for the full shingle set.
func (p *Prepared) view() fingerprint {
	fp := fingerprint{full: p.sample, ftau: p.tau, lead: p.lead, nums: p.nums, n: p.n, title: p.title, tsig: p.tsig, live: p.live}
	fp.sample, fp.tau = p.sample, p.tau
	if len(p.sample) > sampleLen {
		fp.sample, fp.tau = p.sample[:sampleLen], p.sample[sampleLen]
	}
	return fp
}

// titleHash hashes the normalised words of a title; 0 for none. Records
// keep it (as the title's posting key): changing it needs a new record
// version.
func titleHash(t string) uint32 {
	ws := appendWords(nil, foldText(t))
	if len(ws) == 0 {
		return 0
	}
	h := uint64(fnvOffset)
	for _, w := range ws {
		h = mix64(h ^ w)
	}
	return uint32((h | 1) >> 32)
}

// preparedVersion is the first byte of a marshalled Prepared.
const preparedVersion = 0x51

// ErrRecord reports bytes that are not a Prepared, a record or a furniture
// model of a version this build reads.
var ErrRecord = errors.New("dedupe: bad record")

// MarshalBinary encodes p for storage until it is placed; ParsePrepared
// decodes it. It never fails.
func (p Prepared) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+4*(len(p.lead)+len(p.sample)+len(p.nums)+nKeys))
	b = append(b, preparedVersion, uint8(len(p.lead)), uint8(len(p.nums)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(p.sample)))
	b = binary.LittleEndian.AppendUint32(b, p.tau)
	b = binary.LittleEndian.AppendUint32(b, uint32(p.n))
	b = binary.LittleEndian.AppendUint32(b, p.title)
	for _, s := range [][]uint32{p.lead, p.sample, p.nums, p.keys[:]} {
		for _, v := range s {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	return appendShape(b, p.live, &p.tsig), nil
}

// appendShape appends the live flag and the template signature.
func appendShape(b []byte, live bool, tsig *[tbins]uint16) []byte {
	flags := byte(0)
	if live {
		flags |= 1
	}
	b = append(b, flags)
	for _, v := range tsig {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// shapeBytes is the length of appendShape's bytes.
const shapeBytes = 1 + 2*tbins

// readShape reads appendShape's bytes.
func readShape(b []byte) (live bool, tsig [tbins]uint16) {
	live = b[0]&1 != 0
	for i := range tsig {
		tsig[i] = binary.LittleEndian.Uint16(b[1+2*i:])
	}
	return live, tsig
}

// ParsePrepared decodes the bytes of Prepared.MarshalBinary; other bytes
// give an error wrapping ErrRecord.
func ParsePrepared(b []byte) (Prepared, error) {
	const head = 17
	if len(b) < head || b[0] != preparedVersion {
		return Prepared{}, fmt.Errorf("parse prepared: %w", ErrRecord)
	}
	nl, nn, ns := int(b[1]), int(b[2]), int(binary.LittleEndian.Uint16(b[3:]))
	if nl > headLen || nn > maxNums || ns > prepSample || len(b) != head+4*(nl+ns+nn+nKeys)+shapeBytes {
		return Prepared{}, fmt.Errorf("parse prepared: %w: length %d", ErrRecord, len(b))
	}
	p := Prepared{tau: binary.LittleEndian.Uint32(b[5:]), n: int(binary.LittleEndian.Uint32(b[9:])),
		title: binary.LittleEndian.Uint32(b[13:])}
	at := head
	read := func(n int) []uint32 {
		out := make([]uint32, n)
		for i := range out {
			out[i] = binary.LittleEndian.Uint32(b[at:])
			at += 4
		}
		return out
	}
	p.lead, p.sample, p.nums = read(nl), read(ns), read(nn)
	copy(p.keys[:], read(nKeys))
	p.live, p.tsig = readShape(b[at:])
	if !slices.IsSorted(p.sample) {
		return Prepared{}, fmt.Errorf("parse prepared: %w: unsorted sample", ErrRecord)
	}
	return p, nil
}
