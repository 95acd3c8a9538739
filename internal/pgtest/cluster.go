package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Options changes how a cluster is set up. The zero value is the fast
// default.
type Options struct {
	// SyncCommit keeps synchronous_commit on. With it off (the default) a
	// COMMIT returns before its WAL is written, so Crash may lose the
	// transactions of the last few hundred milliseconds; a test that counts
	// on every committed row surviving a crash sets it. (fsync stays off:
	// the files survive a server crash, only not a machine crash.)
	SyncCommit bool
}

// Cluster is one throwaway PostgreSQL server. Its methods are safe for
// concurrent use; Stop, Crash, Start and Restart are meant for one test
// that owns the cluster.
type Cluster struct {
	bin  string // directory of initdb, pg_ctl, postgres
	dir  string // temporary directory: data/, the socket, the log
	port int
	as   *runAs

	mu      sync.Mutex
	running bool
}

// User is the superuser of every cluster; it needs no password.
const User = "postgres"

// startTimeout bounds pg_ctl start and stop (seconds).
const startTimeout = "60"

// Start creates and starts a cluster. The caller must Close it.
func Start(opts Options) (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	as, err := serverUser()
	if err != nil {
		return nil, err
	}
	sweepStale(bin, as)
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{bin: bin, dir: dir, as: as}
	if err := c.create(opts); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if err := c.startOnFreePort(); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return c, nil
}

// create runs initdb and writes the owner file and the settings that do not
// depend on the port.
func (c *Cluster) create(opts Options) error {
	if err := writeOwner(c.dir); err != nil {
		return err
	}
	if err := c.as.chown(c.dir); err != nil {
		return fmt.Errorf("pgtest: give %s to postgres: %w", c.dir, err)
	}
	if err := c.run("initdb", "-D", c.dataDir(), "-U", User, "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return err
	}
	commit := "off"
	if opts.SyncCommit {
		commit = "on"
	}
	conf := fmt.Sprintf(`
# pgtest: a throwaway server
listen_addresses = '127.0.0.1'
unix_socket_directories = '%s'
fsync = off
full_page_writes = off
synchronous_commit = %s
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
include_if_exists = 'pgtest_port.conf'
`, c.dir, commit)
	return appendFile(filepath.Join(c.dataDir(), "postgresql.conf"), conf)
}

// startOnFreePort picks a free loopback port and starts the server on it,
// trying again with another port when one is taken in between.
func (c *Cluster) startOnFreePort() error {
	var err error
	for range 3 {
		var port int
		if port, err = freePort(); err != nil {
			return err
		}
		c.port = port
		portConf := filepath.Join(c.dataDir(), "pgtest_port.conf")
		if err = os.WriteFile(portConf, []byte("port = "+strconv.Itoa(port)+"\n"), 0o644); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		if err = c.Start(); err == nil {
			return nil
		}
	}
	return err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts the server if it is stopped and waits until it accepts
// connections.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return nil
	}
	err := c.run("pg_ctl", "start", "-w", "-t", startTimeout, "-D", c.dataDir(),
		"-l", c.logFile())
	if err != nil {
		return fmt.Errorf("%w\n%s", err, c.logTail())
	}
	c.running = true
	return nil
}

// Stop shuts the server down cleanly (pg_ctl stop -m fast: sessions are
// ended, a checkpoint is written).
func (c *Cluster) Stop() error { return c.stop("fast") }

// Crash stops the server as a crash would (pg_ctl stop -m immediate: no
// checkpoint; the next start recovers from the WAL). See Options.SyncCommit.
func (c *Cluster) Crash() error { return c.stop("immediate") }

// Restart stops the server cleanly and starts it again on the same port.
func (c *Cluster) Restart() error {
	if err := c.Stop(); err != nil {
		return err
	}
	return c.Start()
}

func (c *Cluster) stop(mode string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	if err := c.run("pg_ctl", "stop", "-w", "-t", startTimeout, "-D", c.dataDir(), "-m", mode); err != nil {
		return err
	}
	c.running = false
	return nil
}

// Close stops the server (immediately: its data is thrown away) and removes
// its directory.
func (c *Cluster) Close() error {
	return errors.Join(c.Crash(), os.RemoveAll(c.dir))
}

// Port is the server's TCP port on 127.0.0.1; it survives restarts.
func (c *Cluster) Port() int { return c.port }

// SocketDir is the directory of the server's unix socket.
func (c *Cluster) SocketDir() string { return c.dir }

// LogFile is the server's log.
func (c *Cluster) LogFile() string { return c.logFile() }

// DSN is a connection URL for pgx (and libpq) to database dbname over TCP.
func (c *Cluster) DSN(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(User),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Env is the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE,
// PGSSLMODE) for a child process (an aggregator serve, psql) to reach
// dbname; append it to os.Environ().
func (c *Cluster) Env(dbname string) []string {
	return []string{
		"PGHOST=127.0.0.1",
		"PGPORT=" + strconv.Itoa(c.port),
		"PGUSER=" + User,
		"PGDATABASE=" + dbname,
		"PGSSLMODE=disable",
	}
}

// CreateDatabase creates database name, a copy of template (template1 when
// empty; a template must have no open connections).
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	if template == "" {
		template = "template1"
	}
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() +
		" TEMPLATE " + pgx.Identifier{template}.Sanitize()
	return c.exec(ctx, sql)
}

// DropDatabase drops database name, ending its sessions first.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	return c.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

func (c *Cluster) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *Cluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

// run runs one of the server binaries as the server's user.
func (c *Cluster) run(name string, args ...string) error {
	cmd := c.as.command(c.dir, filepath.Join(c.bin, name), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgtest: %s %v: %w\n%s", name, args, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// logTail is the end of the server log, for error messages.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(c.logFile())
	if err != nil {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	_, err = f.WriteString(text)
	return errors.Join(err, f.Close())
}
