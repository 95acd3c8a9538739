package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wirestory/aggregator/dedupe"
)

func corpusDir(t testing.TB, name string) string {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", name)
	if _, err := os.Stat(filepath.Join(dir, "labels.json")); err != nil {
		t.Skipf("corpus %s absent", name)
	}
	return dir
}

func TestWireDev(t *testing.T) {
	c, err := Load(corpusDir(t, "wire-dev"))
	if err != nil {
		t.Fatal(err)
	}
	s := Evaluate(c, Run(c, NewOurs(dedupe.Options{})))
	t.Logf("dedupe on wire-dev: %v", s)
	// floors a little under the measured figures (P 1.000, R 0.991), so a
	// regression fails
	if s.Precision < 0.995 || s.Recall < 0.985 || s.F1 < 0.99 || s.Coverage < 1 {
		t.Errorf("below the floor (P 0.995, R 0.985, F1 0.99, coverage 1): %v", s)
	}
}

func TestRealCorpora(t *testing.T) {
	for _, name := range []string{"real-census", "real-spotify"} {
		c, err := Load(corpusDir(t, name))
		if err != nil {
			t.Fatal(err)
		}
		s := Evaluate(c, Run(c, NewOurs(dedupe.Options{})))
		t.Logf("dedupe on %s: %v", name, s)
		// measured P 1.000, R 1.000 on both
		if s.Precision < 0.97 || s.F1 < 0.95 || s.Coverage < 1 {
			t.Errorf("%s below the floor (P 0.97, F1 0.95, coverage 1): %v", name, s)
		}
	}
}

// TestShowErrors prints pairs the index got wrong, explained; set
// EVAL_ERRORS=corpus-name to run it.
func TestShowErrors(t *testing.T) {
	name := os.Getenv("EVAL_ERRORS")
	if name == "" {
		t.Skip("EVAL_ERRORS not set")
	}
	c, err := Load(corpusDir(t, name))
	if err != nil {
		t.Fatal(err)
	}
	ix := NewOurs(dedupe.Options{})
	ps := Run(c, ix)
	merged, split := Errors(c, ps, 400)
	t.Logf("%v", Evaluate(c, ps))
	for _, p := range merged {
		t.Logf("WRONGLY MERGED (%s):\n%v", p[1].Decision.Reason, ix.Explain(p[1], p[0]))
	}
	for _, p := range split {
		t.Logf("WRONGLY SPLIT (%s):\n%v", p[1].Decision.Reason, ix.Explain(p[1], p[0]))
	}
}
