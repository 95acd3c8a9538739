package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// ErrNoBinaries is returned (wrapped) when no PostgreSQL server binaries are
// found on the machine.
var ErrNoBinaries = errors.New("pgtest: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PGTEST_BINDIR, /usr/lib/postgresql/*/bin or PATH; install Debian's postgresql package")

// debianRoot is where Debian installs one directory per major version.
const debianRoot = "/usr/lib/postgresql"

// FindBinaries returns the directory holding initdb, pg_ctl and postgres:
// PGTEST_BINDIR when set, else the newest /usr/lib/postgresql/<version>/bin,
// else the directory of pg_ctl found in PATH.
func FindBinaries() (string, error) {
	if dir := os.Getenv("PGTEST_BINDIR"); dir != "" {
		if !hasBinaries(dir) {
			return "", fmt.Errorf("pgtest: PGTEST_BINDIR %s lacks initdb, pg_ctl or postgres: %w", dir, ErrNoBinaries)
		}
		return dir, nil
	}
	if dir := newestDebian(debianRoot); dir != "" {
		return dir, nil
	}
	if path, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(path); err == nil && hasBinaries(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if hasBinaries(filepath.Dir(path)) {
			return filepath.Dir(path), nil
		}
	}
	return "", ErrNoBinaries
}

// newestDebian returns root/<version>/bin of the highest version that holds
// the binaries, or "".
func newestDebian(root string) string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	var versions []float64
	byVersion := map[float64]string{}
	for _, e := range entries {
		v, err := strconv.ParseFloat(e.Name(), 64) // "15", "9.6"
		dir := filepath.Join(root, e.Name(), "bin")
		if err != nil || !hasBinaries(dir) {
			continue
		}
		versions = append(versions, v)
		byVersion[v] = dir
	}
	if len(versions) == 0 {
		return ""
	}
	return byVersion[slices.Max(versions)]
}

func hasBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// runAs says which user runs the server: nil for the current user, the
// postgres system user when the process is root (PostgreSQL refuses root).
type runAs struct {
	uid, gid uint32
}

// serverUser returns the credentials the server must run with.
func serverUser() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root needs the postgres system user (Debian's postgresql-common creates it): %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: user postgres: %w", err)
	}
	return &runAs{uid: uint32(uid), gid: uint32(gid)}, nil
}

// command builds a command of the server's user, run in dir with a plain
// C locale.
func (r *runAs) command(dir, bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(withoutLocale(os.Environ()), "LC_ALL=C", "LANG=C")
	if r != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: &syscall.Credential{Uid: r.uid, Gid: r.gid},
		}
		cmd.Env = append(cmd.Env, "HOME="+dir)
	}
	return cmd
}

// chown gives path to the server's user.
func (r *runAs) chown(path string) error {
	if r == nil {
		return nil
	}
	return os.Chown(path, int(r.uid), int(r.gid))
}

func withoutLocale(env []string) []string {
	return slices.DeleteFunc(env, func(kv string) bool {
		return strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") ||
			strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "PG")
	})
}
