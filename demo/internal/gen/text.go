package main

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"
)

// smarten turns straight quotes in the text (not the tags) of an HTML
// fragment into curly ones, as a CMS would; with dashes it also turns
// " - " into an en dash.
func smarten(s string, dashes bool) string {
	if dashes {
		s = strings.ReplaceAll(s, " - ", " \u2013 ")
	}
	var b strings.Builder
	inTag := false
	prev := ' '
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			b.WriteRune(r)
			continue
		}
		if inTag {
			b.WriteRune(r)
			continue
		}
		opening := unicode.IsSpace(prev) || strings.ContainsRune("(\u2013\u2014>", prev)
		switch {
		case r == '"' && opening:
			b.WriteRune('\u201c')
		case r == '"':
			b.WriteRune('\u201d')
		case r == '\'' && opening:
			b.WriteRune('\u2018')
		case r == '\'':
			b.WriteRune('\u2019')
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

var entityNames = map[rune]string{
	'\u2018': "&lsquo;", '\u2019': "&rsquo;", '\u201c': "&ldquo;", '\u201d': "&rdquo;",
	'\u2013': "&ndash;", '\u2014': "&mdash;", '\u00a0': "&nbsp;", '\u00e9': "&eacute;",
}

// entities writes every non-ASCII character of s as an HTML entity.
func entities(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch name, ok := entityNames[r]; {
		case ok:
			b.WriteString(name)
		case r > 127:
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	sentenceRE = regexp.MustCompile(`[.!?]"? `)
	nonSlugRE  = regexp.MustCompile(`[^a-z0-9]+`)
)

// firstSentences returns the first n sentences of the paragraphs as plain
// text.
func firstSentences(ps []string, n int) string {
	var out []string
	for _, p := range ps {
		text := html.UnescapeString(tagRE.ReplaceAllString(p, ""))
		for text != "" && len(out) < n {
			loc := sentenceRE.FindStringIndex(text)
			if loc == nil {
				out = append(out, text)
				break
			}
			out = append(out, text[:loc[1]-1])
			text = text[loc[1]:]
		}
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, " ")
}

func slug(title string) string {
	s := strings.ToLower(strings.ReplaceAll(title, "'", ""))
	s = strings.ReplaceAll(s, "%", "-percent")
	return strings.Trim(nonSlugRE.ReplaceAllString(s, "-"), "-")
}
