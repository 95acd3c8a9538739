package eval

import (
	"os"
	"testing"

	"github.com/wirestory/aggregator/dedupe"
	"github.com/wirestory/aggregator/internal/baseline"
)

func TestSweep(t *testing.T) {
	if os.Getenv("EVAL_SWEEP") == "" {
		t.Skip()
	}
	for _, name := range []string{"wire-dev", "real-census", "real-spotify"} {
		c, err := Load(corpusDir(t, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{3, 4, 5} {
			s := Evaluate(c, Run(c, dedupe.NewIndex(dedupe.Options{Shingle: k})))
			t.Logf("%s k=%d %v", name, k, s)
		}
		t.Logf("%s minhash128 %v", name, Evaluate(c, Run(c, baseline.NewMinHash())))
		t.Logf("%s title %v", name, Evaluate(c, Run(c, baseline.NewTitle())))
	}
}
