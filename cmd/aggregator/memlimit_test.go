package main

import (
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"

	"github.com/wirestory/aggregator/config"
)

// TestSetMemoryLimit: memory_limit sets the runtime's soft limit, "off"
// removes it, the default is 3/4 of what the machine (or cgroup) allows,
// and GOMEMLIMIT in the environment wins.
func TestSetMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	avail := machineMemory()
	if avail <= 0 {
		t.Fatal("machineMemory found no MemTotal in /proc/meminfo")
	}
	tests := []struct {
		value, env string
		want       func(int64) bool
	}{
		{"256MiB", "", func(n int64) bool { return n == 256<<20 }},
		{"off", "", func(n int64) bool { return n == math.MaxInt64 }},
		{"", "", func(n int64) bool { return n > 0 && n <= avail/4*3 }},
		{"256MiB", "1GiB", func(n int64) bool { return n == 12345 }}, // left as it was
	}
	for _, tt := range tests {
		t.Run(tt.value+"/"+tt.env, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tt.env)
			debug.SetMemoryLimit(12345)
			setMemoryLimit(&config.Config{MemoryLimit: tt.value}, log)
			if got := debug.SetMemoryLimit(-1); !tt.want(got) {
				t.Errorf("memory_limit %q, GOMEMLIMIT %q: limit %d", tt.value, tt.env, got)
			}
		})
	}
}
