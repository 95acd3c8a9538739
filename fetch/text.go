package fetch

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/wirestory/aggregator/internal/htmltext"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// kind says how a field of a feed is to be read: as plain text, as HTML,
// or, where the format does not say (RSS titles, and Atom texts whose type
// could not be read), guessed from the content.
type kind uint8

const (
	kindGuess kind = iota
	kindText
	kindHTML
)

// Caps applied at ingest (see capTitle and capSummary).
const (
	// maxTitleRunes caps a headline: the longest real ones are under 200
	// characters; a longer one is cut on a word boundary with an ellipsis.
	maxTitleRunes = 300
	// maxSummaryBytes caps a summary that is not the item's body (the
	// item has content too): feeds' descriptions run to a few hundred
	// characters, and a summary beside a body is never published, only
	// compared. When the summary is the body (no content), the body's
	// cap (the document's size) applies instead.
	maxSummaryBytes = 16 << 10
)

// textField returns a text field (headline, byline) as plain text: HTML
// (by k, or by looksLikeHTML when k is kindGuess) is reduced to its text;
// text is kept as it is. Either way white space is folded and control
// characters dropped.
func textField(s string, k kind) string {
	if k == kindHTML || (k == kindGuess && looksLikeHTML(s)) {
		return htmltext.PlainText(s)
	}
	return htmltext.Fold(s)
}

// htmlField returns a body field as HTML: HTML as given, text escaped
// (paragraphs kept), and, for kindGuess, text unless looksLikeHTML.
func htmlField(s string, k kind) string {
	if k == kindHTML || (k == kindGuess && looksLikeHTML(s)) {
		return s
	}
	return textToHTML(s)
}

// textEscaper escapes what would be read as markup in HTML text; quotes
// need no escaping outside attributes, so text without markup characters
// stays byte for byte the same.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// textToHTML returns plain text as an HTML fragment showing the same
// text: markup characters escaped, blank-line separated paragraphs in
// <p> elements.
func textToHTML(s string) string {
	s = textEscaper.Replace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !strings.Contains(s, "\n\n") {
		return s
	}
	var b strings.Builder
	for p := range strings.SplitSeq(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + p + "</p>")
		}
	}
	return b.String()
}

var (
	closeTagRE = regexp.MustCompile(`</([A-Za-z][A-Za-z0-9]*)\s*>`)
	entityRE   = regexp.MustCompile(`&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);`)
	tagNameRE  = regexp.MustCompile(`</?([A-Za-z][A-Za-z0-9]*)`)
)

// looksLikeHTML guesses whether a field of unknown type holds HTML, as
// Universal Feed Parser does for RSS: it must have an end tag or an
// entity reference, every tag must name an HTML element, and every named
// entity must be an HTML entity. So "S&P <1% move, x<y" and "<blink>" are
// text, while "AT&amp;T" (escaped twice by its feed) and "<b>Bold</b>" are
// HTML.
func looksLikeHTML(s string) bool {
	if !strings.ContainsAny(s, "<&") {
		return false
	}
	if !closeTagRE.MatchString(s) && !entityRE.MatchString(s) {
		return false
	}
	for _, m := range tagNameRE.FindAllStringSubmatch(s, -1) {
		if atom.Lookup([]byte(strings.ToLower(m[1]))) == 0 {
			return false
		}
	}
	for _, m := range entityRE.FindAllStringSubmatch(s, -1) {
		if e := "&" + m[1] + ";"; m[1][0] != '#' && html.UnescapeString(e) == e {
			return false
		}
	}
	return true
}

// capTitle cuts a headline longer than maxTitleRunes on a word boundary
// and marks the cut with an ellipsis.
func capTitle(s string) string {
	if utf8.RuneCountInString(s) <= maxTitleRunes {
		return s
	}
	r := []rune(s)[:maxTitleRunes-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:-") + "…"
}

// capSummary cuts an HTML summary longer than maxSummaryBytes, never
// inside a tag, an entity or a UTF-8 sequence, and marks the cut with an
// ellipsis; readers' parsers close the elements left open.
func capSummary(s string) string {
	if len(s) <= maxSummaryBytes {
		return s
	}
	cut := s[:maxSummaryBytes]
	for len(cut) > 0 && !utf8.RuneStart(s[len(cut)]) {
		cut = cut[:len(cut)-1]
	}
	if lt := strings.LastIndexByte(cut, '<'); lt > strings.LastIndexByte(cut, '>') {
		cut = cut[:lt]
	}
	if amp := strings.LastIndexByte(cut, '&'); amp > strings.LastIndexByte(cut, ';') {
		cut = cut[:amp]
	}
	return cut + "…"
}
