package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// newLogger returns the process logger: text or JSON, at a level the
// caller may change later (a config reload). When w is the stream journald
// gave us (JOURNAL_STREAM names its device and inode) it leaves out
// timestamps, which journald adds itself.
func newLogger(w io.Writer, level slog.Leveler, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if underJournald(w) {
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// parseLevel maps a log level that levelOf accepts to slog's; anything
// else is info.
func parseLevel(s string) slog.Level {
	lvl, err := levelOf(s)
	if err != nil {
		return slog.LevelInfo
	}
	return lvl
}

// levelOf parses debug, info, warn or error in any case.
func levelOf(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("log level %q: want debug, info, warn or error", s)
}

// underJournald reports whether w is connected to journald: systemd sets
// JOURNAL_STREAM to "DEV:INODE" of the stream it connected to stdout and
// stderr, and a process should check that the descriptor it writes to is
// that one (a child with redirected output inherits the variable).
func underJournald(w io.Writer) bool {
	js := os.Getenv("JOURNAL_STREAM")
	f, ok := w.(*os.File)
	if js == "" || !ok {
		return false
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return js == fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}
