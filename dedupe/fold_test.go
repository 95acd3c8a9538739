package dedupe

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// appendWordsRef is appendWords as first written, rune by rune: the
// reference for the table-driven version.
func appendWordsRef(dst []uint64, s string) []uint64 {
	h, n, digit := uint64(fnvOffset), 0, false
	var prev rune
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case isWordRune(r):
			if n == 0 {
				digit = r >= '0' && r <= '9'
			}
			h = (h ^ uint64(lower(r))) * fnvPrime
			n++
		case n > 0 && isApostrophe(r) && i < len(s):
		case n > 0 && (r == ',' || r == '.') && prev >= '0' && prev <= '9' && nextIsDigit(s, i):
			if r == '.' {
				h = (h ^ '.') * fnvPrime
			}
		default:
			if n > 0 {
				dst = append(dst, wordHash(h, digit))
				h, n = fnvOffset, 0
			}
		}
		prev = r
	}
	if n > 0 {
		dst = append(dst, wordHash(h, digit))
	}
	return dst
}

var wordSeeds = []string{
	"It’s “Brimble” — ＴＡＮ 10,000 Café", "don't dont don’t '", "5.5 5,5 5. .5 a.5 5.a 1,000,000.25",
	"x'", "'x", "a''b", "Ünïcödé ΣΊΣΥΦΟΣ ٣٤ 日本語", "\xff\xfeab\xc3", "A-B_C/D", "9a a9 Z0",
}

func TestAppendWordsMatchesReference(t *testing.T) {
	for _, s := range append(wordSeeds, pool(4)...) {
		if got, want := appendWords(nil, s), appendWordsRef(nil, s); !slices.Equal(got, want) {
			t.Errorf("%q: %x, want %x", s, got, want)
		}
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range wordSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendWords(nil, s), appendWordsRef(nil, s); !slices.Equal(got, want) {
			t.Fatalf("%q: %x, want %x", s, got, want)
		}
	})
}

func TestMarksMatchContainsAny(t *testing.T) {
	for _, s := range append(wordSeeds, "a–b", "a—", "\xe2\x80", "x\xe2\x80\x93", "\xe2\x80\x95", "(", "no marks here", "a/b", "a:b") {
		for i := 0; i <= len(s); i++ {
			if got, want := datelineMarks.in(s[i:]), strings.ContainsAny(s[i:], "(-–—:"); got != want {
				t.Errorf("dateline marks in %q: %v, want %v", s[i:], got, want)
			}
			if got, want := signOffMarks.in(s[:i]), strings.ContainsAny(s[:i], "-–—/("); got != want {
				t.Errorf("sign-off marks in %q: %v, want %v", s[:i], got, want)
			}
		}
	}
}
