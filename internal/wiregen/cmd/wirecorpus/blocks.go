package main

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// block is a block of a real page: its raw HTML (the blocks of a page
// concatenate back to the page) and its text.
type block struct {
	raw, text string
	article   bool // a paragraph of the story, not page furniture
}

var blockTags = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Figure: true,
	atom.Figcaption: true, atom.Blockquote: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Table: true, atom.Tr: true, atom.Br: true, atom.Aside: true, atom.Nav: true}

// splitBlocks cuts a page at block-level tags.
func splitBlocks(src string) []block {
	var out []block
	var raw, text strings.Builder
	flush := func() {
		if raw.Len() == 0 {
			return
		}
		t := strings.Join(strings.Fields(text.String()), " ")
		if t == "" && len(out) > 0 { // markup only: keep it with the previous block
			out[len(out)-1].raw += raw.String()
		} else {
			out = append(out, block{raw: raw.String(), text: t})
		}
		raw.Reset()
		text.Reset()
	}
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		r := string(z.Raw())
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockTags[atom.Lookup(name)] {
				flush()
			}
			raw.WriteString(r)
		case html.EndTagToken:
			name, _ := z.TagName()
			raw.WriteString(r)
			if blockTags[atom.Lookup(name)] {
				flush()
			}
		case html.TextToken:
			raw.WriteString(r)
			text.WriteString(html.UnescapeString(r))
			text.WriteByte(' ')
		default:
			raw.WriteString(r)
		}
	}
	flush()
	return out
}

var (
	captionShape = regexp.MustCompile(`(?i)\bphoto\b|photograph|getty images|/ap\)|\(ap\b|reuters/|afp via|\bfile\)|image caption|copyright|all rights reserved`)
	sentenceEnd  = regexp.MustCompile(`[.?!]["'”’)]*$`)
)

// words is the number of words of s.
func words(s string) int { return len(strings.Fields(s)) }

// norm is a block's text for comparing pages: lower case, letters and
// digits only.
func norm(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}), " ")
}

// markArticle marks the blocks of a page that are the story's paragraphs:
// sentences of some length that are not captions or credits, or text that
// another page of the same story also carries.
func markArticle(bs []block, shared map[string]int) {
	for i := range bs {
		t := bs[i].text
		switch {
		case captionShape.MatchString(t):
		case words(t) >= 15 && sentenceEnd.MatchString(t):
			bs[i].article = true
		case words(t) >= 8 && shared[norm(t)] > 1:
			bs[i].article = true
		}
	}
}
