package main

import (
	"debug/buildinfo"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackaging: what a user installing aggregator expects (issue 19 #9):
// a license file, and a README whose `go install` line names the package
// path the binary is built from (so that PATH@latest fetches this
// command), under the module path go.mod declares.
func TestPackaging(t *testing.T) {
	license, err := os.ReadFile(filepath.Join("..", "..", "LICENSE"))
	if err != nil || !strings.Contains(string(license), "Permission is hereby granted") {
		t.Errorf("no MIT LICENSE at the root of the module: %v", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "MIT license (`LICENSE`)") {
		t.Error("the README does not name the license")
	}
	info, err := buildinfo.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != info.Main.Path+"/cmd/aggregator" {
		t.Errorf("the binary's package is %s, not cmd/aggregator of the module %s", info.Path, info.Main.Path)
	}
	if line := "go install " + info.Path + "@latest"; !strings.Contains(string(readme), line) {
		t.Errorf("the README lacks %q", line)
	}
	if host, _, _ := strings.Cut(info.Main.Path, "/"); !strings.Contains(host, ".") || strings.HasSuffix(host, ".example") || host == "example.com" {
		t.Errorf("module path %s is not fetchable by go install", info.Main.Path)
	}
}
