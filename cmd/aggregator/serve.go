package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
	"github.com/wirestory/aggregator/pipeline"
)

// drainTimeout bounds how long shutdown waits for HTTP requests in flight.
const drainTimeout = 10 * time.Second

// runServe runs the daemon until SIGTERM or SIGINT.
func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "")
	var cf configFlags
	cf.register(fs, true)
	fs.StringVar(&cf.listen, "listen", "", "override output.listen (host:port)")
	grace := fs.Duration("shutdown-timeout", 30*time.Second, "how long an in-flight poll may run on after SIGTERM before it is cancelled")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// From here on the signals are ours: a SIGHUP or SIGTERM that arrives
	// during start-up waits in the channel instead of killing the process.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	a, err := openApp(ctx, e, &cf)
	if err != nil {
		return err
	}
	defer a.close() // after the daemon has stopped every poll and request
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", a.cfg.Output.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Output.Listen, err)
	}
	d, err := newDaemon(a, &cf, *grace, newNotifier())
	if err != nil {
		ln.Close()
		return err
	}
	return d.run(ctx, ln, sigs)
}

// current is the daemon's settings in force: one immutable value per
// config, swapped whole by a reload.
type current struct {
	cfg  *config.Config
	pipe *pipeline.Settings
	out  output.Options
}

// daemon is the running service: HTTP server, scheduler, the poll runner
// and signals. It owns every goroutine it starts and waits for each before
// run returns; the caller closes the store afterwards.
type daemon struct {
	app    *app
	cf     *configFlags
	grace  time.Duration
	out    *output.Server
	met    *metrics
	notify *notifier
	sched  *scheduler
	polls  *runner
	dist   *distributed // PostgreSQL: poll jobs and the placer; nil for SQLite
	cur    atomic.Pointer[current]

	ready     atomic.Bool  // a poll has finished
	stopping  atomic.Bool  // shutdown has begun
	published atomic.Int64 // the store's data version when last published
	fatal     chan error   // an error that ends the daemon (capacity 1)
}

func newDaemon(a *app, cf *configFlags, grace time.Duration, n *notifier) (*daemon, error) {
	d := &daemon{app: a, cf: cf, grace: grace, met: newMetrics(), notify: n, fatal: make(chan error, 1)}
	cur := d.currentOf(a.cfg, nil)
	d.cur.Store(cur)
	d.out = output.NewServer(cur.out)
	d.polls = newRunner(d.poll)
	d.sched = newScheduler(a.log, d.polls.request)
	if err := d.sched.set(feedsBySchedule(a.cfg)); err != nil {
		return nil, err
	}
	if a.pg != nil {
		var err error
		if d.dist, err = newDistributed(d, a.pg); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// currentOf builds the settings of cfg; the fetcher of old is kept when
// the fetch options did not change, so that per-host spacing carries on.
func (d *daemon) currentOf(cfg *config.Config, old *current) *current {
	var f pipeline.Fetcher
	if old != nil && fetchOptions(cfg) == fetchOptions(old.cfg) {
		f = old.pipe.Fetcher
	} else {
		f = d.app.fetcherFor(cfg)
	}
	out := outputOptions(cfg, pollInterval(cfg.Schedule), d.outputError)
	out.Observe = d.met.observeOutput
	out.StoryPages, out.Archives = true, true // served by pageHandlers
	return &current{cfg: cfg, pipe: settingsOf(cfg, f), out: out}
}

func (d *daemon) outputError(err error) {
	d.app.log.Warn("output", "err", news.RedactText(err.Error(), d.cur.Load().cfg.Fetch.SecretParams...))
}

// run serves on ln, publishes what the store holds, signals readiness,
// polls once, then polls on the schedule until a termination signal or the
// end of ctx, and shuts down in order: scheduler and polls, HTTP,
// watchdog. SIGHUP reloads the config.
func (d *daemon) run(ctx context.Context, ln net.Listener, sigs <-chan os.Signal) error {
	srv := newHTTPServer(d.routes())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(limitListener(ln, maxConns)) }()
	cur := d.cur.Load()
	d.app.log.Info("serving", "addr", ln.Addr().String(), "feeds", len(cur.cfg.Feeds), "schedule", cur.cfg.Schedule, "store", storeName(cur.cfg.Store))
	d.publish(ctx, cur) // serve what the store already has
	d.notifyState("READY=1")
	stopWatchdog := d.startWatchdog()
	stopWatching := d.watchStore()
	d.polls.start()
	if d.dist != nil {
		d.dist.start()
	} else {
		d.polls.request(nil)
		d.sched.start()
	}
	serverDone, err := d.wait(ctx, sigs, served)
	d.shutdown(srv)
	if !serverDone {
		<-served // http.ErrServerClosed
	}
	stopWatching()
	stopWatchdog()
	return err
}

// wait blocks until a termination signal, the end of ctx or a failed
// listener, reloading the config on SIGHUP meanwhile. serverDone reports
// whether the server's result was received.
func (d *daemon) wait(ctx context.Context, sigs <-chan os.Signal, served <-chan error) (serverDone bool, err error) {
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				d.reload()
				continue
			}
			d.app.log.Info("shutting down", "signal", sig.String())
			return false, nil
		case <-ctx.Done():
			d.app.log.Info("shutting down", "reason", context.Cause(ctx).Error())
			return false, nil
		case err := <-served:
			return true, fmt.Errorf("http server: %w", err)
		case err := <-d.fatal:
			d.app.log.Error("shutting down", "err", err)
			return false, err
		}
	}
}

// shutdown stops the scheduler and the poll runner (a poll still running
// at the end of the grace period is cancelled: what it fetched is stored,
// the rest is fetched again at the next start), then drains the HTTP
// connections: feeds are served until the last poll has been published.
func (d *daemon) shutdown(srv *http.Server) {
	d.stopping.Store(true)
	d.notifyState("STOPPING=1")
	<-d.sched.stop().Done()
	if d.dist != nil {
		d.dist.shutdown(d.grace)
	}
	if !d.polls.stop(d.grace) {
		d.app.log.Warn("poll still running at the end of the grace period: cancelled it", "grace", d.grace)
	}
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		d.app.log.Warn("drain http connections", "err", err)
		_ = srv.Close()
	}
	d.out.Close()
	d.app.log.Info("stopped")
}

// notifyState sends a state to systemd, logging a failure.
func (d *daemon) notifyState(state string) {
	if err := d.notify.send(state); err != nil {
		d.app.log.Warn("notify systemd", "err", err)
	}
}

// startWatchdog pings systemd's watchdog while the store answers, when
// systemd asked for it. The returned function stops it and waits for it.
func (d *daemon) startWatchdog() (stop func()) {
	interval := watchdogInterval()
	if interval == 0 {
		return func() {}
	}
	return every(interval, func() bool { d.watchdogPing(interval); return true })
}

func (d *daemon) watchdogPing(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// With a shared database (d.dist) one that does not answer is not
	// this process's fault, and a restart would stop it serving what it
	// rendered: only /readyz says so.
	if d.dist == nil {
		if err := d.app.store.Ping(ctx); err != nil {
			d.app.log.Error("store does not answer: withholding the watchdog ping", "err", err)
			return
		}
	}
	d.notifyState("WATCHDOG=1")
}
