package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestExplainPreviewUTF8: the text previews of explain are cut on a rune
// boundary, never inside a UTF-8 character (issue 19 #5).
func TestExplainPreviewUTF8(t *testing.T) {
	dir := t.TempDir()
	cfg := loopbackConfig(t, dir, "")
	// "x" then two-byte letters: the 300th byte is inside one.
	text := "x" + strings.Repeat("é", 400)
	a, b := filepath.Join(dir, "a.html"), filepath.Join(dir, "b.html")
	writeFile(t, a, "<p>"+text+"</p>")
	writeFile(t, b, "<p>"+text+" ça</p>")
	var out bytes.Buffer
	code, stderr := runBin(t, dir, &out, "explain", "--config", cfg, a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !utf8.Valid(out.Bytes()) {
		t.Errorf("explain printed invalid UTF-8:\n%q", out.String())
	}
	if !strings.Contains(out.String(), "A text: xéé") || !strings.Contains(out.String(), "é…") {
		t.Errorf("no cut preview in the output:\n%s", out.String())
	}
}
