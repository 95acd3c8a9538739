// Package baseline holds the dedupe methods that other readers use, for
// comparison with package dedupe: classic MinHash with 128 permutations and
// LSH banding (as the usual libraries do it: one hash evaluation per
// permutation per shingle), title similarity, and the exact body Jaccard
// index with single-link clustering. All take the same calls as
// dedupe.Index. None is safe for concurrent use.
package baseline

import (
	"strings"
	"unicode"

	"github.com/wirestory/aggregator/dedupe"
)

// words returns the lower-case words of the text of an HTML fragment
// (tags dropped crudely, entities left as they are).
func words(s string) []string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.FieldsFunc(b.String(), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// fnv64 hashes a string with FNV-1a.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// stories maps documents to stories, for the Add-style interface.
type stories struct{ of map[string]string }

func (s *stories) put(id, story string) {
	if s.of == nil {
		s.of = make(map[string]string)
	}
	s.of[id] = story
}

func newDecision(story, newStory, match, reason string) dedupe.Decision {
	return dedupe.Decision{StoryID: story, New: story == newStory, Match: match, Reason: reason}
}
