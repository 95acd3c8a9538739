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
		t.Logf("%s ours %v", name, Evaluate(c, Run(c, NewOurs(dedupe.Options{}))))
		t.Logf("%s minhash128 %v", name, Evaluate(c, Run(c, baseline.NewMinHash())))
		t.Logf("%s title %v", name, Evaluate(c, Run(c, baseline.NewTitle())))
	}
}
