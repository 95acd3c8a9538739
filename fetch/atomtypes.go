package fetch

import (
	"encoding/xml"
	"io"
	"strings"
)

// textTypes are the type attributes of an Atom entry's title and summary,
// which gofeed reads but does not keep.
type textTypes struct{ title, summary string }

// atomTextTypes reads the type attributes of every entry's title and
// summary from an Atom document, in document order. It returns nil when
// it does not find exactly want entries (then the types are guessed):
// gofeed's parser reads with encoding/xml as this does, so the two agree
// on well-formed and most malformed documents.
func atomTextTypes(doc io.Reader, want int) []textTypes {
	d := xml.NewDecoder(doc)
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	out := make([]textTypes, 0, want)
	depth, inEntry := 0, false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 2 && t.Name.Local == "entry":
				out, inEntry = append(out, textTypes{}), true
			case depth == 3 && inEntry && (t.Name.Local == "title" || t.Name.Local == "summary"):
				typ := strings.ToLower(strings.TrimSpace(attr(t, "type")))
				if t.Name.Local == "title" {
					out[len(out)-1].title = typ
				} else {
					out[len(out)-1].summary = typ
				}
			}
		case xml.EndElement:
			if depth == 2 {
				inEntry = false
			}
			depth--
		}
	}
	if len(out) != want {
		return nil
	}
	return out
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// atomKind maps an Atom text construct's type attribute (RFC 4287 3.1.1,
// and the MIME types of Atom 0.3) to how the text is read.
func atomKind(typ string) kind {
	switch {
	case typ == "" || typ == "text" || strings.HasPrefix(typ, "text/plain"):
		return kindText
	case typ == "html" || typ == "xhtml" || strings.Contains(typ, "html"):
		return kindHTML
	}
	return kindText
}
