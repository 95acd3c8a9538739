package dedupe

import "strings"

// Two shapes of page need rules of their own.
//
// A live page ("Live updates: ...") is a run of short timestamped posts,
// newest on top; each snapshot of it holds the last one plus new posts, so
// by its text it looks like a write-through of the last. But each state of
// a live page is its own story (a reader wants the new posts, not a
// version of the old ones): a live page merges only with a near-identical
// copy of itself. It is told by its timestamp lines.
//
// A bulletin (markets, weather) is one template filled with each day's
// numbers: two days' bulletins share most words and differ in their
// numbers. Versions of a running story also differ in some numbers (the
// toll rises), so differing numbers alone do not tell them apart. What
// does is the template: with every number masked, two bulletins become
// near-identical while two versions of a story stay as different as they
// were. tsig is a small one-permutation MinHash of the shingles with the
// numbers masked.

// liveStamps is how many timestamp lines make a page a live page.
const liveStamps = 3

// isLive reports whether t has liveStamps or more blocks that are a
// timestamp alone ("8:52 p.m.", "14:05", "10:32 AM EDT").
func isLive(t *Text) bool {
	n := 0
	for i := range t.blocks {
		if b := &t.blocks[i]; b.nWords <= 4 && isTimestamp(b.text) {
			if n++; n >= liveStamps {
				return true
			}
		}
	}
	return false
}

// isTimestamp reports a clock time, with an optional a.m./p.m. and time
// zone, and nothing else.
func isTimestamp(s string) bool {
	i := 0
	digits := func(min, max int) bool {
		j := i
		for i < len(s) && i-j < max && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i-j >= min
	}
	if !digits(1, 2) || i >= len(s) || (s[i] != ':' && s[i] != '.') {
		return false
	}
	i++
	if !digits(2, 2) {
		return false
	}
	rest := strings.Fields(strings.ToLower(s[i:]))
	if len(rest) > 0 {
		switch strings.TrimSuffix(rest[0], ",") {
		case "a.m.", "p.m.", "am", "pm", "a.m", "p.m", "h", "hrs", "uhr":
			rest = rest[1:]
		}
	}
	if len(rest) > 0 && len(rest[0]) <= 5 && isLetters(rest[0]) {
		rest = rest[1:] // a time zone: EDT, GMT, IST
	}
	return len(rest) == 0
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return s != ""
}

// tbins is the number of bins of a template signature.
const tbins = 8

// maskedNumber stands for every number in a masked shingle.
const maskedNumber = 0x2545F4914F6CDD1D &^ numberBit

// templateSig is the one-permutation MinHash (16-bit values, densified) of
// the k-shingles of words with every number masked; ok is false for a text
// of fewer than three distinct numbers (nums), where no number veto
// applies. sh holds the shingles of words (shingles(words, k)): a window
// without a number is its own masked shingle, so only the windows with one
// are hashed again.
func templateSig(words, sh []uint64, k int, nums int) (sig [tbins]uint16, ok bool) {
	if nums < 3 || len(words) == 0 {
		return sig, false
	}
	k = min(k, len(words))
	var full [tbins]uint32
	var filled [tbins]bool
	lastNum := -1 // the last number among words[:i+k]
	for i := range min(k-1, len(words)) {
		if words[i]&numberBit != 0 {
			lastNum = i
		}
	}
	for i, h := range sh {
		if words[i+k-1]&numberBit != 0 {
			lastNum = i + k - 1
		}
		if lastNum >= i {
			h = 0
			for _, w := range words[i : i+k] {
				if w&numberBit != 0 {
					w = maskedNumber
				}
				h = (h ^ w) * 0x9E3779B97F4A7C15
			}
			h = mix64(h)
		}
		b := (h & 0xFFFFFFFF) * tbins >> 32
		if v := uint32(h >> 32); !filled[b] || v < full[b] {
			full[b], filled[b] = v, true
		}
	}
	for b := range full {
		if !filled[b] {
			for try := uint64(1); ; try++ { // densify, as densify does
				j := mix64(uint64(b)<<32|try) % tbins
				if filled[j] {
					full[b] = full[j]
					break
				}
			}
		}
		sig[b] = uint16(full[b]>>16) | 1 // never 0: 0 is "no signature"
	}
	return sig, true
}

// templateResemblance estimates the resemblance of two texts with their
// numbers masked; -1 when either has no signature.
func templateResemblance(a, b *[tbins]uint16) float64 {
	if a[0] == 0 || b[0] == 0 {
		return -1
	}
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / tbins
}
