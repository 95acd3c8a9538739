package dedupe

import (
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
		bs := splitBlocks(s)
		for _, b := range bs {
			if b.start < 0 || b.end > len(s) || b.start > b.end {
				t.Fatalf("block span %d-%d of %d", b.start, b.end, len(s))
			}
		}
		bs = stripAgencyCopy(bs)
		var words []uint64
		for _, b := range bs {
			words = appendWords(words, foldText(b.text))
		}
		sh := shingles(nil, words, 3)
		want := 0
		if len(words) > 0 {
			want = max(1, len(words)-2)
		}
		if len(sh) != want {
			t.Fatalf("%d shingles of %d words", len(sh), len(words))
		}
		var sc scratch
		fp := sc.sketch(words, 3, 0)
		if len(fp.sample) > sampleLen || len(fp.lead) > headLen || len(fp.nums) > maxNums {
			t.Fatal("fingerprint over its bounds")
		}
		ix := NewIndex(Options{})
		_ = ix.Clean("f", s)
	})
}
