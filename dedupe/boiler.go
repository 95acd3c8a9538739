package dedupe

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// agencyDateline: "NEW DELHI, June 26 (IANS)", "LONDON, June 26 (Reuters) -",
	// "WASHINGTON (AP) —": a short prefix, a parenthesised word, a dash.
	agencyDateline = regexp.MustCompile(`^([^()]{2,60}?)\s*\(\s*[\p{L}][\p{L}\s.&-]{0,20}\)\s*[-–—:]*\s*`)
	// dashDateline: "WASHINGTON —", "NEW YORK, June 5 --".
	dashDateline = regexp.MustCompile(`^([^-–—:]{2,40}?)\s*(?:[-–—]{1,2}|:)\s+`)
	// signOffBlock: a whole block that is a credit, a copyright or a sign-off.
	signOffBlock = regexp.MustCompile(`(?i)^(?:\(?\s*(?:additional\s+)?(?:reporting|writing|editing|edited|compiled|translated|written)\s+by\b` +
		`|©|\(c\)\s|copyright\b|all rights reserved` +
		`|[-–—]{1,2}\s*\p{L}[\p{L} ]{0,20}(?:\s+[a-z]{1,4}(?:/[a-z]{1,4})+)?$` +
		`|[a-z]{1,4}(?:/[a-z]{1,4})+$)`)
	// signOffTail: a sign-off at the end of the last block.
	signOffTail = regexp.MustCompile(`(?i)(?:\s*[-–—]{2}\s*\p{L}{2,12}(?:\s+[a-z]{1,4}(?:/[a-z]{1,4})+)?` +
		`|\s+[a-z]{1,4}(?:/[a-z]{1,4})+` +
		`|\s*\((?:additional\s+)?(?:reporting|writing|editing)\s+by[^)]*\))\s*$`)
)

// stripDateline removes an agency dateline from the start of a lead.
func stripDateline(full string) string {
	s := full[:min(len(full), headBytes)] // the returned cuts are suffixes of full
	if !datelineMarks.in(s) {
		return full
	}
	if m := agencyDatelineIndex(s); m != nil {
		paren := strings.TrimLeft(s[m[3]:], " (")
		dash := strings.ContainsAny(s[m[3]:m[1]], "-–—:") && paren != "" && unicode.IsUpper(rune(paren[0]))
		if datelinePrefix(s[m[2]:m[3]], 8, false) || dash && wordCount(s[m[2]:m[3]]) <= 6 && !strings.ContainsAny(s[m[2]:m[3]], ".!?") {
			return full[m[1]:]
		}
	}
	if m := dashDateline.FindStringSubmatchIndex(s); m != nil && datelinePrefix(s[m[2]:m[3]], 6, true) {
		return full[m[1]:]
	}
	return full
}

// agencyDatelineIndex is agencyDateline's submatch index in s, skipping
// the regexp where s has no parenthesis to match.
func agencyDatelineIndex(s string) []int {
	if strings.IndexByte(s, '(') < 0 {
		return nil
	}
	return agencyDateline.FindStringSubmatchIndex(s)
}

// datelinePrefix reports whether p looks like a place and date: at most
// max words, each starting with an upper-case letter or a digit; with caps,
// the first word must be all upper case.
func datelinePrefix(p string, max int, caps bool) bool {
	words := strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == ',' || r == '/' })
	if len(words) == 0 || len(words) > max {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	if caps {
		first := words[0]
		return utf8.RuneCountInString(first) >= 2 && strings.ToUpper(first) == first && strings.ToLower(first) != first
	}
	return true
}

// isSignOff reports whether a whole block is a credit or sign-off.
func isSignOff(s string) bool {
	if len(s) >= 300 {
		return false
	}
	s = s[:min(len(s), 40)]
	return maySignOff(s) && signOffBlock.MatchString(s)
}

// maySignOff reports whether s could match signOffBlock, cheaply: each of
// its cases starts with "(", white space, "©", a dash or one of
// signOffWords, or holds a "/". Most blocks are ruled out without running the regexp.
func maySignOff(s string) bool {
	if s == "" {
		return false
	}
	switch {
	case s[0] == '(' || s[0] == '-' || isSpace(s[0]) || s[0] == '\v' || strings.IndexByte(s, '/') >= 0,
		strings.HasPrefix(s, "©"), strings.HasPrefix(s, "–"), strings.HasPrefix(s, "—"):
		return true
	}
	end := 0
	for end < len(s) && end < 12 && isASCIILetter(s[end]) {
		end++
	}
	var w [12]byte
	return signOffWords[string(lowerASCII(w[:0], s[:end]))]
}

// signOffWords are the first words of the cases of signOffBlock that start
// with a word.
var signOffWords = map[string]bool{
	"additional": true, "reporting": true, "writing": true, "editing": true, "edited": true,
	"compiled": true, "translated": true, "written": true, "copyright": true, "all": true,
}

// stripSignOff removes sign-offs at the end of the last block (only its
// last tailBytes are searched).
func stripSignOff(s string) string {
	for i := 0; i < 3; i++ {
		from := max(0, len(s)-tailBytes)
		if !signOffMarks.in(s[from:]) {
			break
		}
		m := signOffTail.FindStringIndex(s[from:])
		if m == nil {
			break
		}
		s = s[:from+m[0]]
	}
	return s
}

// marks is a set of ASCII bytes, and with them the en and em dashes: the
// characters without which a dateline or a sign-off cannot match.
type marks [128]bool

var (
	datelineMarks = newMarks("(-:")
	signOffMarks  = newMarks("-/(")
)

func newMarks(ascii string) *marks {
	var m marks
	for i := 0; i < len(ascii); i++ {
		m[ascii[i]] = true
	}
	return &m
}

// in reports whether s holds one of the marks (strings.ContainsAny with
// the dashes, without decoding runes).
func (m *marks) in(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x80:
			if m[c] {
				return true
			}
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x93 || s[i+2] == 0x94): // – —
			return true
		}
	}
	return false
}

// tailBytes and headBytes bound the text searched for sign-offs and
// datelines.
const (
	tailBytes = 160
	headBytes = 120
)

// isByline reports whether a leading block is a byline, kicker or desk
// line: short and not a sentence.
func isByline(s string) bool {
	n := wordCount(s)
	if n == 0 {
		return true
	}
	if strings.HasPrefix(s, "By ") || strings.HasPrefix(s, "BY ") {
		return n <= 12
	}
	return n <= 6 && !strings.ContainsAny(lastRune(s), ".!?\"”")
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// wordCount counts the space-separated words of s.
func wordCount(s string) int {
	if s == "" {
		return 0
	}
	if s[0] != ' ' && s[len(s)-1] != ' ' && !strings.Contains(s, "  ") {
		// single spaces, as in block texts: counted by the vectorised
		// byte count
		return strings.Count(s, " ") + 1
	}
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' '
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}
