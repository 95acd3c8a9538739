package dedupe

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{
		"<p>NEW DELHI, June 26 (IANS) The council met.</p><p>--IANS ab/cd</p>",
		"pay Â£194m for itâ€™s", "<ul><li><a href=x>link</a></li></ul>", "plain\n\ntext",
		"<p>10,000 and 5.5 don’t</p><br>line", "<script>x</script>&amp;&#x27;", "\xff\xfe<p",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) && !utf8.ValidString(FixMojibake(s)) {
			t.Fatalf("FixMojibake made invalid UTF-8 of %q", s)
		}
		tx := Analyse(s)
		for _, b := range tx.blocks {
			if b.start < 0 || b.end > len(s) || b.start > b.end {
				t.Fatalf("block span %d-%d of %d", b.start, b.end, len(s))
			}
		}
		checkText(t, tx)
		var sc scratch
		words := sc.appendPieceWords(nil, tx, stripAgencyCopy(sc.dropFurniture(nil, tx)))
		sh := shingles(nil, words, 3)
		want := 0
		if len(words) > 0 {
			want = max(1, len(words)-2)
		}
		if len(sh) != want {
			t.Fatalf("%d shingles of %d words", len(sh), len(words))
		}
		fp := sc.sketch(words, 3, 0)
		if len(fp.sample) > sampleLen || len(fp.lead) > headLen || len(fp.nums) > maxNums {
			t.Fatal("fingerprint over its bounds")
		}
		var none *Furniture
		_ = none.Clean(tx)
		p := none.Prepare(tx, s)
		raw, _ := p.MarshalBinary()
		if back, err := ParsePrepared(raw); err != nil || !slices.Equal(back.Record(), p.Record()) {
			t.Fatalf("prepared does not survive its bytes: %v", err)
		}
	})
}

// checkText checks a Text against its blocks read the plain way: each
// block's words and key are those of its text tokenised whole, and each
// sentence's those of its text alone.
func checkText(t *testing.T, tx *Text) {
	t.Helper()
	for i := range tx.blocks {
		b := &tx.blocks[i]
		want := appendWords(nil, foldText(b.text))
		if got := tx.words[b.w0:b.w1]; !slices.Equal(got, want) {
			t.Fatalf("block %q: %d words, tokenised whole %d", b.text, len(got), len(want))
		}
		if k, _ := blockKey(b.text, nil); k != b.key {
			t.Fatalf("block %q: key differs from blockKey", b.text)
		}
		if b.nWords != int32(wordCount(b.text)) {
			t.Fatalf("block %q: %d words counted, want %d", b.text, b.nWords, wordCount(b.text))
		}
		var spans []string
		for _, sen := range tx.sents[b.s0:b.s1] {
			spans = append(spans, b.text[sen.from:sen.to])
		}
		if want := sentencesRef(b.text); !slices.Equal(spans, want) {
			t.Fatalf("block %q: sentences %q, want %q", b.text, spans, want)
		}
		for _, sen := range tx.sents[b.s0:b.s1] {
			text := b.text[sen.from:sen.to]
			if k, buf := blockKey(text, nil); k != sen.key || len(buf) != int(sen.w1-sen.w0) {
				t.Fatalf("sentence %q of block %q: key or words differ from blockKey", text, b.text)
			}
		}
	}
}

// TestWordCount checks the vectorised count against counting by hand.
func TestWordCount(t *testing.T) {
	ref := func(s string) int { return len(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' })) }
	for _, s := range []string{"", " ", "a", "a b", " a b", "a b ", "a  b", "  ", "one two  three four", "x\u00a0y z", "a\tb c"} {
		if got, want := wordCount(s), ref(s); got != want {
			t.Errorf("wordCount(%q) = %d, want %d", s, got, want)
		}
	}
}

// sentencesRef is the sentence split as first written, byte by byte: the
// reference of sentenceSpans.
func sentencesRef(text string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == ')') {
			j++
		}
		if j+1 < len(text) && text[j] == ' ' && sentenceStart(text[j+1:]) {
			out = append(out, text[start:j])
			start = j + 1
		}
	}
	if start == 0 {
		return nil
	}
	return append(out, text[start:])
}

func TestSentenceSpans(t *testing.T) {
	for _, s := range []string{"", "One.", "One. Two", "One. two. Three! Four? 5 five.\" Six", "a.b. C ?! D", "End. ", "x.' Y.) Z", "Dr. Who. And?"} {
		var got []string
		for _, sp := range sentenceSpans(nil, s) {
			got = append(got, s[sp[0]:sp[1]])
		}
		if want := sentencesRef(s); !slices.Equal(got, want) {
			t.Errorf("sentenceSpans(%q) = %q, want %q", s, got, want)
		}
	}
}

// blockKey returns the furniture key of a text (wordsKey of its words) and
// the words, in buf; 0 for a text without words.
func blockKey(text string, buf []uint64) (uint64, []uint64) {
	buf = appendWords(buf[:0], foldText(text))
	return wordsKey(buf), buf
}
