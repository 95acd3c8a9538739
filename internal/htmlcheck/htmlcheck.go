// Package htmlcheck finds what in published HTML or feed XML could harm a
// reader: elements and attributes that run script or style, script URLs,
// and markup that escaped its text into a feed's XML. Tests of output and
// of the whole pipeline share it, so that both hold our output to one bar.
package htmlcheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dangerous are elements that may never reach a reader; a page's own
// <style>, <link> and <meta> in its head are the exception.
var dangerous = map[string]bool{
	"script": true, "style": true, "iframe": true, "form": true, "input": true, "button": true,
	"svg": true, "math": true, "object": true, "embed": true, "meta": true, "base": true,
	"link": true, "textarea": true, "frame": true, "frameset": true,
}

// Fragment parses an HTML fragment as a body's content and lists what in
// it could run script or style; nil means safe.
func Fragment(fragment string) []string {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return []string{"unparseable: " + err.Error()}
	}
	var out []string
	for _, n := range nodes {
		out = append(out, Node(n)...)
	}
	return out
}

// Node lists what in n and its descendants could run script or style.
func Node(n *html.Node) []string {
	var out []string
	visit := func(m *html.Node) {
		if m.Type != html.ElementNode {
			return
		}
		inHead := m.Parent != nil && m.Parent.DataAtom == atom.Head
		if dangerous[m.Data] && !(inHead && (m.Data == "style" || m.Data == "link" || m.Data == "meta")) {
			out = append(out, "element <"+m.Data+">")
		}
		for _, a := range m.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "formaction" {
				out = append(out, fmt.Sprintf("<%s %s=%q>: dangerous attribute", m.Data, a.Key, a.Val))
			}
			if isURLAttr(key) && ScriptURL(a.Val) {
				out = append(out, fmt.Sprintf("<%s %s=%q>: dangerous URL", m.Data, a.Key, a.Val))
			}
		}
	}
	visit(n)
	for d := range n.Descendants() {
		visit(d)
	}
	return out
}

func isURLAttr(key string) bool {
	switch key {
	case "href", "src", "action", "cite", "data", "poster", "xlink:href":
		return true
	}
	return false
}

// ScriptURL reports whether v is a javascript:, vbscript: or data: URL as
// a browser reads it (control characters and spaces dropped, any case).
func ScriptURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(v))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")
}

// feedElements are the only elements our RSS and Atom documents contain.
var feedElements = map[string]bool{
	"rss": true, "channel": true, "title": true, "link": true, "description": true, "lastBuildDate": true,
	"ttl": true, "item": true, "guid": true, "pubDate": true, "feed": true, "subtitle": true, "id": true,
	"updated": true, "author": true, "name": true, "entry": true, "published": true, "content": true,
}

// FeedXML lists the elements of an RSS or Atom document that are not part
// of a feed: markup that escaped its text or CDATA. The error is for a
// document that is not well-formed XML.
func FeedXML(doc []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if se, ok := tok.(xml.StartElement); ok && !feedElements[se.Name.Local] {
			out = append(out, "element <"+se.Name.Local+"> injected into the feed")
		}
	}
}
