package fetch

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// gofeed rejects a whole JSON Feed when one member has the wrong JSON type
// (an author given as a string, an image as an object, ...); it coerces only
// ids, sizes and "expired". repairJSONFeed fixes the other members that the
// JSON Feed spec types: it coerces what has an obvious reading (a number or
// boolean where a string belongs, a string author as its name, one value
// where an array belongs) and drops the rest.

// jsonKind is the JSON type that a JSON Feed member must have.
type jsonKind int

const (
	jString jsonKind = iota
	jAuthor
	jAuthors
	jStrings
	jObjects // an array of objects of a known schema
)

type member struct {
	kind   jsonKind
	schema map[string]member // for jAuthor and jObjects
}

var (
	str           = member{kind: jString}
	authorSchema  = map[string]member{"name": str, "url": str, "avatar": str}
	attachSchema  = map[string]member{"url": str, "mime_type": str, "title": str}
	commonMembers = map[string]member{
		"title": str, "language": str, "author": {jAuthor, authorSchema}, "authors": {jAuthors, authorSchema},
	}
	itemSchema = with(commonMembers, map[string]member{
		"url": str, "external_url": str, "content_html": str, "content_text": str, "summary": str,
		"image": str, "banner_image": str, "date_published": str, "date_modified": str,
		"tags": {kind: jStrings}, "attachments": {jObjects, attachSchema},
	})
	feedSchema = with(commonMembers, map[string]member{
		"version": str, "home_page_url": str, "feed_url": str, "description": str, "user_comment": str,
		"next_url": str, "icon": str, "favicon": str, "items": {jObjects, itemSchema},
	})
)

func with(a, b map[string]member) map[string]member {
	out := make(map[string]member, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// repairJSONFeed returns the JSON Feed doc with its mistyped members fixed;
// false when doc is not a JSON object.
func repairJSONFeed(doc []byte) ([]byte, bool) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var feed map[string]any
	if err := d.Decode(&feed); err != nil || feed == nil {
		return nil, false
	}
	fixObject(feed, feedSchema)
	out, err := json.Marshal(feed)
	return out, err == nil
}

func fixObject(obj map[string]any, schema map[string]member) {
	for k, v := range obj {
		m, ok := schema[k]
		if !ok {
			continue
		}
		if fixed, ok := coerce(v, m); ok {
			obj[k] = fixed
		} else {
			delete(obj, k)
		}
	}
}

func coerce(v any, m member) (any, bool) {
	switch m.kind {
	case jString:
		return coerceString(v)
	case jAuthor:
		return coerceAuthor(v, m.schema)
	}
	var out []any
	for _, e := range asList(v) {
		var ok bool
		switch m.kind {
		case jAuthors:
			e, ok = coerceAuthor(e, m.schema)
		case jStrings:
			e, ok = coerceString(e)
		case jObjects:
			var o map[string]any
			if o, ok = e.(map[string]any); ok {
				fixObject(o, m.schema)
			}
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, true
}

func coerceString(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return nil, false
}

// coerceAuthor reads a string as an author's name and an array as its
// first author.
func coerceAuthor(v any, schema map[string]member) (any, bool) {
	switch x := v.(type) {
	case string:
		return map[string]any{"name": x}, true
	case map[string]any:
		fixObject(x, schema)
		return x, true
	case []any:
		if len(x) > 0 {
			return coerceAuthor(x[0], schema)
		}
	}
	return nil, false
}

// asList returns v as an array: itself when it is one, else a one-element
// array (none for null).
func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	return []any{v}
}
