package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLoggerJournald: timestamps are left out only when standard error is
// the very stream JOURNAL_STREAM names.
func TestLoggerJournald(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stream string
		json         bool
		wantTime     bool
	}{
		{"no journald", "", false, true},
		{"journald", fmt.Sprintf("%d:%d", st.Dev, st.Ino), false, false},
		{"journald json", fmt.Sprintf("%d:%d", st.Dev, st.Ino), true, false},
		{"inherited variable, other stream", fmt.Sprintf("%d:%d", st.Dev, st.Ino+1), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JOURNAL_STREAM", tt.stream)
			if err := f.Truncate(0); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Seek(0, 0); err != nil {
				t.Fatal(err)
			}
			format := "text"
			if tt.json {
				format = "json"
			}
			newLogger(f, slog.LevelInfo, format).Info("hello", "feed", "a")
			out, err := os.ReadFile(f.Name())
			if err != nil {
				t.Fatal(err)
			}
			hasTime := strings.Contains(string(out), "time=") || strings.Contains(string(out), `"time":`)
			if hasTime != tt.wantTime || !strings.Contains(string(out), "hello") {
				t.Errorf("log line %q: has time %v, want %v", out, hasTime, tt.wantTime)
			}
		})
	}
}

// TestLoggerLevel: the level is a variable that a reload can change, and
// the JSON format is available.
func TestLoggerLevel(t *testing.T) {
	var buf bytes.Buffer
	lv := new(slog.LevelVar)
	lv.Set(parseLevel("warn"))
	log := newLogger(&buf, lv, "json")
	log.Info("hidden")
	lv.Set(parseLevel("DEBUG"))
	log.Debug("shown")
	if s := buf.String(); strings.Contains(s, "hidden") || !strings.Contains(s, `"msg":"shown"`) {
		t.Errorf("log output %q", s)
	}
	if _, err := levelOf("verbose"); err == nil {
		t.Error("levelOf accepted an unknown level")
	}
}
