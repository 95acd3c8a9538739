package dedupe

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockTagsRef break the text into blocks.
var blockTagsRef = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Br: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Table: true, atom.Blockquote: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Aside: true,
	atom.Pre: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true,
	atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Main: true, atom.Form: true,
}

// skipTagsRef hold no readable text.
var skipTagsRef = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Select: true, atom.Button: true,
}

// splitBlocksRef is splitBlocks as first written, on the tokenizer alone
// with a strings.Builder per block: the reference for the splitter.
func splitBlocksRef(src string) []block {
	if !strings.Contains(src, "<") {
		return splitPlain(src)
	}
	var (
		out       []block
		cur       strings.Builder
		links     int
		boundary  int
		pos       int
		inA, skip int
	)
	flush := func(end int) {
		if t := foldSpaceRef(cur.String()); t != "" {
			out = append(out, block{text: t, start: boundary, end: end, linkChars: links})
		}
		cur.Reset()
		links = 0
		boundary = end
	}
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			flush(len(src))
			return out
		case html.TextToken:
			if skip == 0 {
				t := z.Text()
				cur.Write(t)
				if inA > 0 {
					links += len(t)
				}
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case skipTagsRef[a] && tt == html.StartTagToken:
				skip++
			case skipTagsRef[a] && tt == html.EndTagToken && skip > 0:
				skip--
			case a == atom.A && tt == html.StartTagToken:
				inA++
			case a == atom.A && tt == html.EndTagToken && inA > 0:
				inA--
			}
			if blockTagsRef[a] {
				if tt == html.StartTagToken {
					flush(pos)
				} else {
					flush(pos + raw)
				}
			} else {
				cur.WriteByte(' ')
			}
		}
		pos += raw
	}
}

// foldSpaceRef trims s and folds runs of ASCII white space to one space.
func foldSpaceRef(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			space = len(b) > 0
		default:
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, c)
		}
	}
	return string(b)
}

// splitBlocks returns the non-empty text blocks of an HTML fragment. Text
// without tags is split at blank lines.
func splitBlocks(src string) []block {
	var s splitter
	return s.split(src)
}
