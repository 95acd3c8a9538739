package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// buildVersion, when set with -ldflags "-X main.buildVersion=...", is the
// version printed instead of the module's.
var buildVersion = ""

// runVersion prints the version line.
func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(e.stdout, versionLine(info))
	return nil
}

// versionLine describes the build: "aggregator VERSION (revision REV,
// TIME, modified) GO". VERSION is buildVersion if set, else the main
// module's version (a tag, a pseudo-version, or "devel" for a build
// without one); the parenthesis holds what the build info has of the VCS
// revision the binary was built from.
func versionLine(info *debug.BuildInfo) string {
	version, goVersion := strings.TrimSpace(buildVersion), runtime.Version()
	var vcs []string
	if info != nil {
		if version == "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		goVersion = info.GoVersion
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			vcs = append(vcs, "revision "+rev)
		}
		if t := settings["vcs.time"]; t != "" {
			vcs = append(vcs, t)
		}
		if settings["vcs.modified"] == "true" {
			vcs = append(vcs, "modified")
		}
	}
	if version == "" {
		version = "devel"
	}
	line := "aggregator " + version
	if len(vcs) > 0 {
		line += " (" + strings.Join(vcs, ", ") + ")"
	}
	return line + " " + goVersion
}
