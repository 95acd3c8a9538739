package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnit runs `systemd-analyze verify` on the unit file with its
// paths rewritten into a temporary directory (verify checks that the
// executables exist, and the system's /usr/local/bin is none of our
// business), and runs its ExecStartPre= check command. A copy whose binary
// is missing must fail verify, which shows the check is real. Skipped
// without systemd-analyze.
func TestSystemdUnit(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is not installed (CI=true: .ci/run should have installed it)")
		}
		t.Skip("systemd-analyze is not installed")
	}
	unit, err := os.ReadFile(filepath.Join("..", "..", "contrib", "systemd", "aggregator.service"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "aggregator")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, feedConfig(filepath.Join(dir, "a.db"), "*/10 * * * *", "agency", "https://agency.example/rss"))
	text := string(unit)
	for old, new := range map[string]string{"/usr/local/bin/aggregator": bin, "/etc/aggregator/config.yaml": cfg} {
		if !strings.Contains(text, old) {
			t.Fatalf("the unit does not mention %s", old)
		}
		text = strings.ReplaceAll(text, old, new)
	}

	t.Run("verify", func(t *testing.T) {
		out, err := verifyUnit(t, analyze, filepath.Join(dir, "ok"), text)
		if err != nil || strings.Contains(out, "aggregator.service") {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	})
	t.Run("documentation", func(t *testing.T) {
		if !strings.Contains(text, "\nDocumentation=man:aggregator(8)\n") {
			t.Error("the unit's Documentation= is not man:aggregator(8), the page the README installs")
		}
		readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), "install -D -m 0644 docs/aggregator.8 /usr/local/share/man/man8/aggregator.8") {
			t.Error("the README's install steps do not install the manual page")
		}
	})
	t.Run("verify with the cluster drop-in", func(t *testing.T) {
		dropIn, err := os.ReadFile(filepath.Join("..", "..", "contrib", "systemd", "cluster.conf"))
		if err != nil {
			t.Fatal(err)
		}
		conf := strings.ReplaceAll(strings.ReplaceAll(string(dropIn), "/usr/local/bin/aggregator", bin), "/etc/aggregator/config.yaml", cfg)
		if !strings.Contains(conf, bin+" serve") {
			t.Fatal("the drop-in does not start the binary")
		}
		// verify reads NAME.service.d/*.conf beside the unit.
		for sub, dropText := range map[string]string{"cluster": conf, "cluster-bad": strings.ReplaceAll(conf, bin+" serve", filepath.Join(dir, "missing", "aggregator")+" serve")} {
			d := filepath.Join(dir, sub)
			if err := os.MkdirAll(filepath.Join(d, "aggregator.service.d"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(d, "aggregator.service.d", "cluster.conf"), dropText)
			out, err := verifyUnit(t, analyze, d, text)
			bad := err != nil || strings.Contains(out, "aggregator.service")
			if bad != (sub == "cluster-bad") {
				t.Errorf("%s: systemd-analyze verify: %v\n%s", sub, err, out)
			}
		}
	})
	t.Run("verify fails without the binary", func(t *testing.T) {
		missing := strings.ReplaceAll(text, bin, filepath.Join(dir, "missing", "aggregator"))
		if out, err := verifyUnit(t, analyze, filepath.Join(dir, "bad"), missing); err == nil && !strings.Contains(out, "not executable") {
			t.Errorf("verify accepted a unit whose binary is missing:\n%s", out)
		}
	})
	t.Run("ExecStartPre", func(t *testing.T) {
		var pre string
		for _, line := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(line, "ExecStartPre="); ok {
				pre = v
			}
		}
		f := strings.Fields(pre)
		if len(f) == 0 {
			t.Fatal("no ExecStartPre= in the unit")
		}
		if out, err := exec.Command(f[0], f[1:]...).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", pre, err, out)
		}
	})
}

func verifyUnit(t *testing.T, analyze, dir, text string) (string, error) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "aggregator.service")
	writeFile(t, path, text)
	cmd := exec.Command(analyze, "verify", path)
	// verify runs man for the unit's Documentation=man:aggregator(8): find
	// the page where the README's install steps put it, under a MANPATH.
	man := filepath.Join(dir, "man")
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "aggregator.8"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(man, "man8"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(man, "man8", "aggregator.8"), string(page))
	cmd.Env = append(cleanEnv(), "SYSTEMD_LOG_COLOR=0", "SYSTEMD_PAGER=", "MANPATH="+man)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
