package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/output"
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

// daemon is the running service: HTTP server, scheduler, polls and
// signals. It owns every goroutine it starts and waits for each before run
// returns; the caller closes the store afterwards.
type daemon struct {
	app    *app
	cf     *configFlags
	grace  time.Duration
	out    *output.Server
	met    *metrics
	notify *notifier
	sched  *scheduler

	ready    atomic.Bool // a poll has finished
	stopping atomic.Bool // shutdown has begun

	pollCtx    context.Context // polls run in it; cancelled when the grace period ends
	cancelPoll context.CancelFunc

	mu       sync.Mutex // guards the fields below
	cfg      *config.Config
	inflight map[string]bool // feeds that a running poll holds
	closing  bool            // set at shutdown: no poll may start
	polls    sync.WaitGroup  // running polls; Add only under mu while !closing

	pubMu sync.Mutex // serialises publish, so an older rendering never replaces a newer one
}

func newDaemon(a *app, cf *configFlags, grace time.Duration, n *notifier) (*daemon, error) {
	d := &daemon{app: a, cf: cf, grace: grace, cfg: a.cfg, met: newMetrics(), notify: n, inflight: map[string]bool{}}
	d.pollCtx, d.cancelPoll = context.WithCancel(context.Background())
	d.out = output.NewServer(d.outputOptions(a.cfg))
	d.sched = newScheduler(a.log, d.poll)
	if err := d.sched.set(feedsBySchedule(a.cfg)); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *daemon) outputError(err error) { d.app.log.Warn("output", "err", err) }

// run serves on ln, signals readiness, polls once, then polls on the
// schedule until a termination signal or the end of ctx, and shuts down
// in order: scheduler and polls, HTTP, watchdog. SIGHUP reloads the config.
func (d *daemon) run(ctx context.Context, ln net.Listener, sigs <-chan os.Signal) error {
	srv := newHTTPServer(d.routes())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(limitListener(ln, maxConns)) }()
	d.app.log.Info("serving", "addr", ln.Addr().String(), "feeds", len(d.cfg.Feeds), "schedule", d.cfg.Schedule, "store", d.cfg.Store)
	d.publish(ctx) // serve what the store already has
	d.notifyState("READY=1")
	stopWatchdog := d.startWatchdog()
	d.startPoll(nil)
	d.sched.start()
	serverDone, err := d.wait(ctx, sigs, served)
	d.shutdown(srv)
	if !serverDone {
		<-served // http.ErrServerClosed
	}
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
				d.reload(ctx)
				continue
			}
			d.app.log.Info("shutting down", "signal", sig.String())
			return false, nil
		case <-ctx.Done():
			d.app.log.Info("shutting down", "reason", context.Cause(ctx).Error())
			return false, nil
		case err := <-served:
			return true, fmt.Errorf("http server: %w", err)
		}
	}
}

// shutdown stops the scheduler and the polls (see stopPolls), then
// drains the HTTP connections: feeds are served until the last poll has
// been published.
func (d *daemon) shutdown(srv *http.Server) {
	d.stopping.Store(true)
	d.notifyState("STOPPING=1")
	d.stopPolls()
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		d.app.log.Warn("drain http connections", "err", err)
		_ = srv.Close()
	}
	d.out.Close()
	d.app.log.Info("stopped")
}

// stopPolls stops the scheduler, forbids new polls and waits for the
// running ones; a poll still running at the end of the grace period is
// cancelled (its feeds' results are then not stored, and they are fetched
// again at the next start) and waited for.
func (d *daemon) stopPolls() {
	cronDone := d.sched.stop()
	d.mu.Lock()
	d.closing = true
	d.mu.Unlock()
	idle := make(chan struct{})
	go func() {
		<-cronDone.Done()
		d.polls.Wait()
		close(idle)
	}()
	grace := time.NewTimer(d.grace)
	defer grace.Stop()
	select {
	case <-idle:
	case <-grace.C:
		d.app.log.Warn("poll still running at the end of the grace period: cancelling it", "grace", d.grace)
		d.cancelPoll()
		<-idle
	}
	d.cancelPoll()
}

// enter registers a poll that is about to run, unless shutdown has begun;
// the caller calls d.polls.Done when it returns true.
func (d *daemon) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closing {
		return false
	}
	d.polls.Add(1)
	return true
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
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				d.watchdogPing(interval)
			}
		}
	}()
	return func() { close(quit); <-done }
}

func (d *daemon) watchdogPing(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := d.app.store.Ping(ctx); err != nil {
		d.app.log.Error("store does not answer: withholding the watchdog ping", "err", err)
		return
	}
	d.notifyState("WATCHDOG=1")
}
