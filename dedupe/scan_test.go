package dedupe

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html/atom"
)

// scanSeeds are markup the fast scanner must read as the tokenizer does.
var scanSeeds = []string{
	"<p>NEW DELHI, June 26 (IANS) The council met.</p><p>--IANS ab/cd</p>",
	"<ul><li><a href=x>link</a></li></ul>", "<p>10,000 and 5.5 don’t</p><br>line",
	"<script>x</script>&amp;&#x27;", "\xff\xfe<p", "a<b", "a<", "a</", "a</>b", "a</ x>b", "a</ x",
	"<p/>x<br/>y<br />z<img src=\"a\"/>w<a href=/>v</a>", "<a b=c/>x</a>", "<a b=c d/>x</a>",
	"<a a=1 a=x/>q</a>", "<P CLASS='x'>Up</P>", "<p =x>a</p>", "<p ==x>a</p>", "<p a = 'b>c'>d</p>",
	"<p a=\"b\"c>d</p>", "<p a=>b</p>", "<p a b c>d</p>", "<p/ a>b</p>", "<p a/b>c</p>",
	"x<!-- c -->y<!---->z<!-->w<!--->v<!-- a --!>u<!-- --!x -->t", "<!--x", "<!-", "<!>a", "<!x>a",
	"<!DOCTYPE html><p>a</p>", "<!doctype", "<?xml version=\"1.0\"?><p>a</p>", "<?x", "x < y > z",
	"a\r\nb\rc\r\r\nd<p>e\r</p>", "&amp;&lt;p&gt;&nbsp;&#8217;&copy&notit;<p>a&amp</p>",
	"<div><p>one</p><p>two <em>em</em> three</p></div>", "<p>a<span>b</span>c</p>",
	"<p>a<a href=\"x\">linked text</a> b</p>", "<table><tr><td>a</td><td>b</td></tr></table>",
	"<svg><text>no</text></svg>yes<select><option>o</option></select>", "<button>b</button>x",
	"<iframe/>x", "<style>p{}</style>y", "<title>t</title>", "<textarea>a&amp;</textarea>",
	"<p\tclass=x\n>a</p\n>", "<p>a</p >", "<p>a</p/>", "<p>a</p x=y>", "<\x00p>",
	"<p>\vv\f</p>", "<br>a<hr>b<hr/>c", "<a><a>nested</a></a>", "</a>x<a>y",
	"<template>t</template>u", "<noscript>n</noscript>", "<p>é Â£ â€™</p>",
	"<p> a b </p><p>  a</p>x <b> y</b> <i>z </i>", "<a> x</a><a> </a> <p> </p>", "<p>é a</p><p>a ü</p>",
}

// splitBoth splits src by the fast scanner and by the tokenizer; ok is
// false when the scanner hands src over.
func splitBoth(src string) (fast, slow []block, ok bool) {
	var a, b splitter
	a.reset()
	if !a.scanTokens(src) {
		return nil, nil, false
	}
	fast = slices.Clone(a.finish(len(src)))
	b.reset()
	b.tokenize(src)
	return fast, slices.Clone(b.finish(len(src))), true
}

// withoutASCII checks the ascii marks of bs and clears them (the
// reference has none).
func withoutASCII(t *testing.T, bs []block) []block {
	t.Helper()
	bs = slices.Clone(bs)
	for i := range bs {
		if bs[i].ascii && !isASCII(bs[i].text) {
			t.Errorf("block %q marked ASCII", bs[i].text)
		}
		bs[i].ascii = false
	}
	return bs
}

func TestScanMatchesTokenizer(t *testing.T) {
	fast := 0
	for _, s := range append(scanSeeds, pool(20)...) {
		if got, want := withoutASCII(t, splitBlocks(s)), splitBlocksRef(s); !slices.Equal(got, want) {
			t.Errorf("%q:\nsplit     %+v\nreference %+v", s, got, want)
		}
		a, b, ok := splitBoth(s)
		if !ok {
			continue
		}
		fast++
		if !slices.Equal(a, b) {
			t.Errorf("%q:\nscan      %+v\ntokenizer %+v", s, a, b)
		}
	}
	if fast < len(scanSeeds)*2/3 {
		t.Errorf("scanner read only %d of %d", fast, len(scanSeeds)+20)
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := withoutASCII(t, splitBlocks(s)), splitBlocksRef(s); !slices.Equal(got, want) {
			t.Fatalf("%q:\nsplit     %+v\nreference %+v", s, got, want)
		}
		if a, b, ok := splitBoth(s); ok && !slices.Equal(a, b) {
			t.Fatalf("%q:\nscan      %+v\ntokenizer %+v", s, a, b)
		}
	})
}

func TestTagKindMatchesReference(t *testing.T) {
	for a := range blockTagsRef {
		if tagKind(a) != blockTag {
			t.Errorf("%v is a block tag", a)
		}
	}
	for a := range skipTagsRef {
		if tagKind(a) != skipTag {
			t.Errorf("%v is a skip tag", a)
		}
	}
	n := 0
	for a := atom.Atom(0); a < 1<<24; a++ {
		if tagKind(a) != 0 {
			n++
		}
	}
	if n != len(blockTagsRef)+len(skipTagsRef) {
		t.Errorf("%d tags have a kind, want %d", n, len(blockTagsRef)+len(skipTagsRef))
	}
}

// classifyRef is classify byte by byte: the reference.
func classifyRef(t string) uint8 {
	var c uint8
	for i := 0; i < len(t); i++ {
		b := t[i]
		switch {
		case b == '\r':
			c |= classCR | classFold
		case b == '&':
			c |= classAmp
		case b < 0x20:
			c |= classFold
		case b == ' ' && i > 0 && t[i-1] == ' ':
			c |= classFold
		case b >= 0x80:
			c |= classHigh
		}
	}
	return c
}

func TestClassify(t *testing.T) {
	cases := []string{"", " ", "  ", "a b", "a  b", "       a", "1234567  ", "12345678  ", "1234567 ", " 12345678",
		"abcdefg h", "abcdefg\th", "x\r\ny", "&amp;", "abcdefgh&", "é", "abcdefgé", "\x7f", "\x1f", "\xff\xfe",
		"abcdefgh\x80", "Ünïcödé text", "\x00", "a\vb\fc"}
	cases = append(cases, scanSeeds...)
	// every short string of these bytes, at every offset of an 8-byte load
	alphabet := []byte{' ', 'a', '\r', '\n', '&', 0xC3, 0x1f}
	for n := 1; n <= 4; n++ {
		idx := make([]int, n)
		for {
			b := make([]byte, n)
			for i, k := range idx {
				b[i] = alphabet[k]
			}
			for pad := 0; pad < 9; pad++ {
				cases = append(cases, strings.Repeat("x", pad)+string(b))
			}
			k := 0
			for ; k < n; k++ {
				idx[k]++
				if idx[k] < len(alphabet) {
					break
				}
				idx[k] = 0
			}
			if k == n {
				break
			}
		}
	}
	for _, s := range cases {
		if got, want := classify(s), classifyRef(s); got != want {
			t.Errorf("classify(%q) = %04b, want %04b", s, got, want)
		}
	}
}
