// Package htmltext reads the text a person sees in an HTML fragment: for
// titles, excerpts and previews, wherever a feed's HTML must become text.
package htmltext

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// PlainText returns the text of an HTML fragment: tags dropped with the
// contents of the elements that hold no readable text (script, style,
// ...), entities decoded, a space where a non-inline element separates
// words, control characters dropped and white space folded to single
// spaces. Text that is not markup ("a < b", "AT&T") survives as it is. It
// is safe for concurrent use.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return Fold(s)
	}
	var b strings.Builder
	walk(s, func(text []byte) { b.Write(text) }, func() { b.WriteByte(' ') })
	return Fold(b.String())
}

// Paragraphs returns the text of an HTML fragment split where a block
// element (p, div, li, br, a heading, ...) starts a new line, each
// paragraph as PlainText gives it; empty ones are left out.
func Paragraphs(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if t := Fold(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	walk(s, func(text []byte) { cur.Write(text) }, flush)
	flush()
	return out
}

// walk calls text with the readable text of an HTML fragment, in order,
// and brk where a non-inline element separates words.
func walk(s string, text func([]byte), brk func()) {
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return
		case html.TextToken:
			if skip == 0 {
				text(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if rawText[string(name)] && tt != html.SelfClosingTagToken {
				if tt == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			}
			if !inline[string(name)] {
				brk()
			}
		}
	}
}

// Fold drops control characters other than white space and folds white
// space runs to single spaces: plain text as PlainText leaves it.
func Fold(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// rawText are the elements whose content is not text a person reads.
var rawText = map[string]bool{
	"script": true, "style": true, "template": true, "noscript": true,
	"iframe": true, "svg": true, "math": true, "textarea": true,
}

// inline are the elements that do not separate words.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "cite": true, "code": true, "em": true, "i": true,
	"mark": true, "q": true, "s": true, "small": true, "span": true, "strong": true,
	"sub": true, "sup": true, "u": true, "wbr": true,
}
