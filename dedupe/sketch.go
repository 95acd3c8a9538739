package dedupe

import "slices"

const (
	// leadLen is how many leading shingles make a document's lead, whose
	// agreement tells a follow-up (new lead) from a copy.
	leadLen = 64
	// headLen is how many leading shingles a fingerprint keeps in order:
	// the lead and what follows it, so that a summary-only copy (the first
	// 30-70 words, after a byline or a dropped paragraph) is found in the
	// head of its full story.
	headLen = 128
	// sampleLen bounds the threshold sample of shingle hashes.
	sampleLen = 48
	// maxNums is how many distinct numbers (in order of appearance) are kept.
	maxNums = 12
	// bins is the number of one-permutation-hashing bins; bands × rows = bins.
	bins  = 20
	rows  = 2
	bands = bins / rows
	// leadKeys are the lead positions indexed for candidates (a summary's
	// lead probes them with all its leading shingles).
	leadStride = 4
	leadKeys   = 4
	// postings per document: bands, lead keys and the title.
	nKeys = bands + leadKeys + 1
)

// fingerprint is what a document is compared on: made by sketch (full
// complete) or viewed from a Prepared (full a bounded sample). The index
// keeps the compact part of it (entry).
type fingerprint struct {
	full   []uint32  // the shingle hashes (high 32 bits) below ftau, sorted, distinct
	ftau   uint32    // exclusive bound of full; MaxUint32 when full holds every shingle
	lead   []uint32  // the first headLen shingle hashes, in order
	sample []uint32  // full values below tau, sorted (at most sampleLen)
	tau    uint32    // exclusive bound of sample; MaxUint32 when sample is full
	nums   []uint32  // first maxNums distinct number hashes, in order
	heads  *headSets // the head as a set, for compare (set by bestStory)
	n      int       // number of distinct shingles
	title  uint32    // hash of the normalised title; 0 when none
	sig    [bins]uint32
	tsig   [tbins]uint16 // the template signature; zero when none
	live   bool          // a live page (isLive)
	// published is the document's time (Unix seconds), set by the Index
	// for the one being placed.
	published int64
}

// shingles appends the k-shingle hashes of words to dst, in order; a text
// shorter than k words is one shingle.
func shingles(dst []uint64, words []uint64, k int) []uint64 {
	if len(words) == 0 {
		return dst
	}
	if len(words) < k {
		k = len(words)
	}
	for i := 0; i+k <= len(words); i++ {
		h := uint64(0)
		for _, w := range words[i : i+k] {
			h = (h ^ w) * 0x9E3779B97F4A7C15
		}
		dst = append(dst, mix64(h))
	}
	return dst
}

// sketch builds the fingerprint of a document from its content words, in
// the buffers of sc.
func (sc *scratch) sketch(words []uint64, k int, title uint32) fingerprint {
	sh := shingles(sc.sh[:0], words, k)
	sc.sh = sh
	fp := fingerprint{title: title, ftau: ^uint32(0)}
	fp.full = grow(sc.full, len(sh))
	var filled [bins]bool
	for i, h := range sh {
		v := uint32(h >> 32)
		fp.full[i] = v
		b := (h & 0xFFFFFFFF) * bins >> 32 // the low half picks the bin
		if !filled[b] || v < fp.sig[b] {
			fp.sig[b], filled[b] = v, true
		}
	}
	fp.lead = append(sc.lead[:0], fp.full[:min(headLen, len(fp.full))]...)
	densify(&fp.sig, &filled)
	sc.radix = grow(sc.radix, len(fp.full))
	radixSort(fp.full, sc.radix)
	sc.full, sc.lead = fp.full, fp.lead
	fp.full = slices.Compact(fp.full)
	fp.n = len(fp.full)
	fp.sample, fp.tau = fp.full, ^uint32(0)
	if len(fp.full) > sampleLen {
		fp.sample, fp.tau = fp.full[:sampleLen], fp.full[sampleLen]
	}
	fp.nums = numbers(sc.nums[:0], words)
	sc.nums = fp.nums
	fp.tsig, _ = templateSig(words, sh, k, len(fp.nums))
	return fp
}

// grow returns s resliced to length n, reallocated when short.
func grow(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n, n+n/4)
	}
	return s[:n]
}

// densify fills the empty bins of a one-permutation sketch by the optimal
// densification of Shrivastava (ICML 2017): an empty bin i borrows the
// value of the first non-empty bin met by a hash sequence seeded with i,
// so that two documents fill their empty bins consistently.
func densify(sig *[bins]uint32, filled *[bins]bool) {
	any := false
	for _, f := range filled {
		any = any || f
	}
	if !any {
		return
	}
	for i := range sig {
		if filled[i] {
			continue
		}
		for try := uint64(1); ; try++ {
			j := mix64(uint64(i)<<32|try) % bins
			if filled[j] {
				sig[i] = sig[j]
				break
			}
		}
	}
}

// numbers appends to out the hashes of the first maxNums distinct numbers
// of words.
func numbers(out []uint32, words []uint64) []uint32 {
	for _, w := range words {
		if w&numberBit == 0 {
			continue
		}
		v := uint32(w >> 32)
		if !slices.Contains(out, v) {
			out = append(out, v)
			if len(out) == maxNums {
				break
			}
		}
	}
	return out
}

// keys returns the posting keys of a fingerprint: one per LSH band, the
// lead shingles at every leadStride-th position, and the title.
func (fp *fingerprint) keys() [nKeys]uint32 {
	var ks [nKeys]uint32
	for b := 0; b < bands; b++ {
		x := uint64(fp.sig[b*rows])<<32 | uint64(fp.sig[b*rows+1])
		ks[b] = uint32(mix64(x^uint64(b+1)*0xA24BAED4963EE407)) | 1
	}
	for i := 0; i < leadKeys; i++ {
		if p := i * leadStride; p < len(fp.lead) {
			ks[bands+i] = leadKey(fp.lead[p])
		}
	}
	ks[nKeys-1] = titleKey(fp.title)
	return ks
}

// leadKey is the posting key of a lead shingle.
func leadKey(v uint32) uint32 { return uint32(mix64(uint64(v)^0xD6E8FEB86659FD93)) | 1 }

// titleKey is the posting key of a title hash; 0 for no title.
func titleKey(t uint32) uint32 {
	if t == 0 {
		return 0
	}
	return uint32(mix64(uint64(t)^0x5851F42D4C957F2D)) | 1
}

// radixSort sorts a in place by four 8-bit passes (buf is scratch of the
// same length); faster than a comparison sort for shingle hashes. The four
// histograms are counted in one read.
func radixSort(a, buf []uint32) {
	if len(a) < 64 {
		slices.Sort(a)
		return
	}
	var count [4][256]int32
	for _, v := range a {
		count[0][v&255]++
		count[1][v>>8&255]++
		count[2][v>>16&255]++
		count[3][v>>24]++
	}
	src, dst := a, buf
	for pass := range count {
		c := &count[pass]
		pos := int32(0)
		for i, n := range c {
			c[i] = pos
			pos += n
		}
		shift := 8 * uint(pass)
		for _, v := range src {
			d := (v >> shift) & 255
			dst[c[d]] = v
			c[d]++
		}
		src, dst = dst, src
	}
}
