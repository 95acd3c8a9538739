package dedupe

import (
	"bytes"
	"strings"
)

// Page clutter around a story differs from page to page: photo captions,
// the headline repeated, "Updated 3:42 p.m." lines, widget labels ("Listen
// to this article", "Share"), bylines. Before the lead it would be taken
// for the lead (and its numbers for the story's), and a stock caption
// shared by two stories would glue them. dropClutter removes it by shape,
// whatever the outlet, so that it works on a feed of two items as on one
// of two hundred.

// leadWords is the fewest words of a block that may open the story: a
// shorter block before it is a label, a headline or a date line.
const leadWords = 10

// maxPreLead is how many blocks before the lead are searched for it; a page
// with more clutter than that keeps it.
const maxPreLead = 10

// dropClutter removes captions and short labels anywhere, then the blocks
// before the first block shaped like a lead (a sentence of leadWords or
// more). A body of clutter alone is kept as it is. ps is filtered in place.
func dropClutter(ps []piece) []piece {
	// classify each block once: a bitmap on the stack for the usual body
	var small [4]uint64
	mask := small[:]
	if len(ps) > 64*len(small) {
		mask = make([]uint64, (len(ps)+63)/64)
	}
	n := 0
	for i := range ps {
		if isClutter(&ps[i]) {
			mask[i/64] |= 1 << (i % 64)
		} else {
			n++
		}
	}
	if n == 0 {
		return ps
	}
	kept := ps[:0]
	for i := range ps {
		if mask[i/64]&(1<<(i%64)) == 0 {
			kept = append(kept, ps[i])
		}
	}
	for i := 0; i < min(len(kept), maxPreLead); i++ {
		if leadShaped(&kept[i]) {
			return kept[i:]
		}
	}
	return kept
}

// isClutter reports a caption, a label or a piece of script.
func isClutter(p *piece) bool { return isLabel(p) || isCaption(p.text) || isCode(p.text) }

// isLabel reports a block of three words or fewer that is not a sentence:
// "Advertisement", "Share this", "Story continues below", "Now Playing:".
func isLabel(p *piece) bool {
	if p.nWords > 3 {
		return false
	}
	s := strings.TrimRight(p.text, `"'”’)]» `)
	return !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "…")
}

// isCode reports a block of script that a page left in its text
// ("window._taboola = window._taboola || []; ..."): prose has few of
// these characters.
func isCode(s string) bool {
	if strings.IndexByte(s, ';') < 0 && strings.IndexByte(s, '{') < 0 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '}', ';', '=', '|', '[', ']':
			n++
		}
	}
	return n >= 4 && n*25 >= len(s)
}

// leadShaped reports a block that can open a story: a sentence of
// leadWords words or more, or a long block.
func leadShaped(p *piece) bool {
	return p.nWords >= 2*leadWords || p.nWords >= leadWords && endsSentence(p.text)
}

// endsSentence reports whether s ends like a sentence (closing quotes and
// brackets allowed).
func endsSentence(s string) bool {
	s = strings.TrimRight(s, `"'”’)]» `)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") ||
		strings.HasSuffix(s, "…") || strings.HasSuffix(s, ":")
}

// isCaption reports a block shaped like a photo caption or credit: a
// credit at its end ("(AP Photo/Evan Vucci, File)", "(J. Smith /
// Associated Press)", "REUTERS/Jane Doe"), or a caption's opening ("FILE -
// ...", "Photo: ...", "In this June 30, 2013 file photo, ...", "This March
// 20, 2018, file photo shows ..."). Hand-written rather than regexps: it
// runs on every block.
func isCaption(s string) bool {
	return s != "" && (creditAtEnd(s) || captionOpening(s))
}

// creditMarks are what a caption's credit holds.
var creditMarks = []string{"photo", "image", "picture", "video", "credit", "getty", "afp", "reuters", "epa",
	"associated press", "file", "handout", "courtesy", "/"}

// creditAtEnd reports a parenthesised credit, or an agency's "NAME/Photographer",
// ending s.
func creditAtEnd(s string) bool {
	t := strings.TrimRight(s, ". ")
	if strings.HasSuffix(t, ")") {
		open := strings.LastIndexByte(t[max(0, len(t)-122):], '(')
		if open < 0 {
			return false
		}
		var buf [122]byte
		inner := lowerASCII(buf[:0], t[max(0, len(t)-122)+open+1:len(t)-1])
		for _, m := range creditMarks {
			if bytes.Contains(inner, []byte(m)) {
				return true
			}
		}
		return false
	}
	if _, ok := cutSuffixFold(t, "/file photo"); ok {
		t = t[:len(t)-len("/file photo")]
	} else if _, ok := cutSuffixFold(t, "/file"); ok {
		t = t[:len(t)-len("/file")]
	}
	// the credit is at most 60 bytes after its slash
	tail := t[max(0, len(t)-60):]
	slash := strings.LastIndexByte(tail, '/')
	if slash < 0 {
		return false
	}
	// "... REUTERS/Jane Doe" or "... REUTERS/Jane Doe/File Photo"
	head := strings.TrimRight(t[:len(t)-len(tail)+slash], " ")
	for _, a := range []string{"reuters", "afp", "getty images", "epa", "ap", "file"} {
		if _, ok := cutSuffixFold(head, a); ok {
			return true
		}
	}
	return false
}

// captionOpening reports a block that opens like a caption.
func captionOpening(s string) bool {
	switch s[0] {
	case 'F', 'f', 'P', 'p', 'I', 'i', 'C', 'c', 'V', 'v', 'T', 't':
	default:
		return false
	}
	if rest, ok := cutPrefixFold(s, "file"); ok {
		rest, _ = cutPrefixFold(rest, " photo")
		rest = strings.TrimLeft(rest, " ")
		return strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "—")
	}
	for _, w := range []string{"photo", "image", "picture", "caption", "credit", "pictured", "video"} {
		if rest, ok := cutPrefixFold(s, w); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), ":") {
			return true
		}
	}
	rest, ok := cutPrefixFold(s, "this ")
	if !ok {
		if rest, ok = cutPrefixFold(s, "in this "); !ok {
			return false
		}
	}
	if dot := strings.IndexByte(rest[:min(len(rest), 60)], '.'); dot >= 0 {
		rest = rest[:dot]
	}
	// " " + the first 80 bytes, lower-cased
	var buf [81]byte
	h := lowerASCII(append(buf[:0], ' '), rest[:min(len(rest), 80)])
	for _, w := range []string{" photo", " image", " picture", " photograph"} {
		if i := bytes.Index(h, []byte(w)); i >= 0 {
			end := i + len(w)
			if end >= len(h) || !isASCIILetter(h[end]) {
				return true
			}
		}
	}
	return false
}

// cutPrefixFold is strings.CutPrefix with ASCII letters of s matched in
// either case; prefix is lower case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !equalFoldASCII(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// cutSuffixFold is strings.CutSuffix with ASCII letters of s matched in
// either case; suffix is lower case.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || !equalFoldASCII(s[len(s)-len(suffix):], suffix) {
		return s, false
	}
	return s[:len(s)-len(suffix)], true
}

// equalFoldASCII reports whether s lower-cased (ASCII letters only) is
// lower.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
