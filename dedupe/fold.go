package dedupe

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cp1252 maps the runes that Windows-1252 puts at bytes 0x80-0x9F back to
// their bytes; bytes 0xA0-0xFF are the same runes in Latin-1.
var cp1252 = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// latinByte returns the Windows-1252 (or Latin-1) byte of r, if any.
func latinByte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xFF {
		return byte(r), true
	}
	b, ok := cp1252[r]
	return b, ok
}

// FixMojibake folds back runs of text that are UTF-8 bytes decoded as
// Windows-1252 or Latin-1 ("Â£" → "£", "â€™" → "’"). A run is replaced only
// when its bytes form valid multi-byte UTF-8, so correct text is kept.
func FixMojibake(s string) string {
	if !hasMojibakeLead(s) {
		return s
	}
	var b strings.Builder
	var run []byte
	flush := func() {
		if len(run) > 1 && utf8.Valid(run) {
			b.Write(run)
		} else {
			for _, c := range run {
				b.WriteRune(latinRune(c))
			}
		}
		run = run[:0]
	}
	for _, r := range s {
		if c, ok := latinByte(r); ok {
			run = append(run, c)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// latinRune is the inverse of latinByte.
func latinRune(c byte) rune {
	for r, b := range cp1252 {
		if b == c {
			return r
		}
	}
	return rune(c)
}

// hasMojibakeLead reports whether s holds a rune that starts a UTF-8
// sequence when read as a Windows-1252 byte (Â, Ã, â, ð, ...) followed by
// one that reads as a continuation byte (0x80-0xBF): the least any
// mojibake run has. Accented text ("é" before a letter) has none, and
// skips the rebuild.
func hasMojibakeLead(s string) bool {
	lead := false
	for _, r := range s {
		if lead && r >= 0x80 {
			if c, ok := latinByte(r); ok && c >= 0x80 && c <= 0xBF {
				return true
			}
		}
		lead = r >= 0xC2 && r <= 0xF4
	}
	return false
}

// foldText returns s ready to tokenise: mojibake fixed and NFKC-normalised.
// Pure ASCII is returned as is.
func foldText(s string) string {
	if isASCII(s) {
		return s
	}
	return norm.NFKC.String(FixMojibake(s))
}

// isASCII reports whether s is all ASCII, eight bytes at a time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if (s[i]|s[i+1]|s[i+2]|s[i+3]|s[i+4]|s[i+5]|s[i+6]|s[i+7])&0x80 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isWordRune reports whether r belongs to a word: letters, digits and marks.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isApostrophe reports quote runes that are dropped inside a word
// ("don't", "don’t" and "dont" are one word).
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '′'
}

// lower case-folds r (ASCII fast path).
func lower(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return r
	}
	return unicode.ToLower(r)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix64 is the splitmix64 finaliser: a fast 64-bit bijective mixer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// numberBit marks a word hash as a number (a word starting with a digit).
const numberBit = 1

// appendWords appends the hash of every word of folded text s to dst.
// Words are runs of letters and digits, case-folded; apostrophes inside a
// word are dropped, and "," or "." between digits stays in the number
// ("10,000" is "10000", "5.5" stays). A number's hash has numberBit set,
// other words have it clear.
func appendWords(dst []uint64, s string) []uint64 {
	h, n, digit := uint64(fnvOffset), 0, false
	var prev rune
	for i := 0; i < len(s); {
		r := rune(s[i])
		if r < utf8.RuneSelf {
			// ASCII, by table: the common case
			if asciiWord[r] != 0 {
				if n == 0 {
					digit = r <= '9'
				}
				j := i
				for ; j < len(s) && asciiWord[s[j]] != 0; j++ {
					h = (h ^ uint64(asciiWord[s[j]])) * fnvPrime
				}
				n += j - i
				prev, i = rune(s[j-1]), j
				continue
			}
			i++
			if n == 0 {
				prev = r
				continue
			}
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
			if isWordRune(r) {
				if n == 0 {
					digit = false
				}
				h = (h ^ uint64(lower(r))) * fnvPrime
				n++
				prev = r
				continue
			}
		}
		switch {
		case n > 0 && isApostrophe(r) && i < len(s):
			// dropped: the word goes on
		case n > 0 && (r == ',' || r == '.') && prev >= '0' && prev <= '9' && nextIsDigit(s, i):
			if r == '.' {
				h = (h ^ '.') * fnvPrime
			}
		case n > 0:
			dst = append(dst, wordHash(h, digit))
			h, n = fnvOffset, 0
		}
		prev = r
	}
	if n > 0 {
		dst = append(dst, wordHash(h, digit))
	}
	return dst
}

// asciiWord maps the ASCII bytes that belong to a word to their lower
// case; other bytes to 0.
var asciiWord = func() (t [256]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-32] = c, c
	}
	return t
}()

func nextIsDigit(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

func wordHash(h uint64, digit bool) uint64 {
	h = mix64(h) &^ numberBit
	if digit {
		h |= numberBit
	}
	return h
}
