// Package pgtest starts throwaway PostgreSQL servers for tests, from the
// server binaries of the machine (Debian's postgresql package): no Docker,
// no network but the loopback interface.
//
// A [Cluster] is one server: initdb into a fresh temporary directory (trust
// authentication for the superuser "postgres", UTF8, C locale), fsync and
// full page writes off, a unix socket in that directory and a free port on
// 127.0.0.1, started with pg_ctl. PostgreSQL refuses to run as root, so when
// the test runs as root the directory belongs to the postgres system user
// (which Debian's package creates) and initdb, pg_ctl and the server run as
// that user; a normal user runs them directly.
//
// Most tests share one cluster per test binary and get a fresh database
// each:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.NewDatabase(t) // postgres://postgres@127.0.0.1:PORT/NAME?sslmode=disable
//		...
//	}
//
// [Run] stops the shared cluster and removes its directory when the tests
// are done. A test that stops, crashes or restarts the server (to see what
// PostgreSQL restarts do to the code under test) starts its own with
// [NewCluster]; the port and the DSN stay the same across restarts, so the
// processes of an end-to-end test (started with [Cluster.Env] or the DSN in
// their environment or flags) reconnect to the same address.
//
// When the binaries are absent the tests that need them are skipped with a
// message naming the package to install, except under CI=true, where they
// fail. Set PGTEST_BINDIR to use the binaries of one directory.
//
// A test binary that dies without running [Run]'s cleanup (a panic, a
// timeout, a kill) leaves its server running; the next start of a cluster
// finds the directories of dead owners and stops and removes them.
package pgtest
