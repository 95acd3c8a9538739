package htmltext

import (
	"slices"
	"testing"
)

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"plain  words\n here":                 "plain words here",
		"":                                    "",
		"a < b and c > d":                     "a < b and c > d",
		"AT&amp;T wins":                       "AT&T wins",
		"Fish &amp; chips &lt;3":              "Fish & chips <3",
		"<b>Bold</b>   move":                  "Bold move",
		"<b>Bold</b>&amp;<i>italic</i>":       "Bold&italic",
		"<p>One</p><p>Two <em>th</em>ree</p>": "One Two three",
		"<script>x()</script>Safe":            "Safe",
		"Trail <script>a()</script><br/>end":  "Trail end",
		"<style>p{}</style><svg><text>x</text></svg>Text": "Text",
		"Caf&eacute; &#8220;quoted&#8221; &nbsp;":         "Café “quoted”",
		"bell\x07 and\x00 nul":                            "bell and nul",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	got := Paragraphs("<p>One  <b>bold</b></p><div>Two<br>three</div><script>x</script>  <p> </p>tail")
	want := []string{"One bold", "Two", "three", "tail"}
	if !slices.Equal(got, want) {
		t.Errorf("Paragraphs = %q, want %q", got, want)
	}
	if got := Paragraphs(""); len(got) != 0 {
		t.Errorf("Paragraphs of nothing = %q", got)
	}
}
