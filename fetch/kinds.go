package fetch

import (
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
)

// fieldKinds says how an item's title, summary and content are read.
type fieldKinds struct{ title, summary, content kind }

// feedKinds returns, for the item at each index of f, how its fields are
// read, from the format's rules: RSS titles are guessed, its description
// and content:encoded are HTML; Atom texts follow their type attribute;
// JSON Feed's title, summary and content_text are text, content_html is
// HTML. text (decl as for document) is the document, read again for the
// type attributes of Atom titles and summaries, which gofeed drops.
func feedKinds(f *gofeed.Feed, text []byte, decl bool) func(int) fieldKinds {
	switch orig := f.OriginalFeed().(type) {
	case *atom.Feed:
		var types []textTypes
		if hasMarkupChars(f) {
			types = atomTextTypes(document(text, decl), len(orig.Entries))
		}
		return func(i int) fieldKinds {
			k := fieldKinds{title: kindGuess, summary: kindGuess, content: kindText}
			if types != nil {
				k.title, k.summary = atomKind(types[i].title), atomKind(types[i].summary)
			}
			if i < len(orig.Entries) && orig.Entries[i] != nil && orig.Entries[i].Content != nil {
				k.content = atomKind(strings.ToLower(strings.TrimSpace(orig.Entries[i].Content.Type)))
			}
			return k
		}
	case *jsonfeed.Feed:
		return func(i int) fieldKinds {
			k := fieldKinds{title: kindText, summary: kindText, content: kindText}
			if i < len(orig.Items) && orig.Items[i] != nil && orig.Items[i].ContentHTML != "" {
				k.content = kindHTML
			}
			return k
		}
	case *rss.Feed:
		return func(int) fieldKinds { return fieldKinds{title: kindGuess, summary: kindHTML, content: kindHTML} }
	}
	return func(int) fieldKinds { return fieldKinds{title: kindGuess, summary: kindGuess, content: kindGuess} }
}

// hasMarkupChars reports whether any item's title or summary has a
// character on which reading it as text or as HTML differs.
func hasMarkupChars(f *gofeed.Feed) bool {
	for _, it := range f.Items {
		if it != nil && (strings.ContainsAny(it.Title, "<&") || strings.ContainsAny(it.Description, "<&")) {
			return true
		}
	}
	return false
}
