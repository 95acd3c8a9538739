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

	"aggregator/config"
	"aggregator/output"
)

// runServe runs the daemon until SIGTERM or SIGINT.
func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "")
	var cf configFlags
	cf.register(fs, true)
	listen := fs.String("listen", "", "override output.listen (host:port)")
	grace := fs.Duration("shutdown-timeout", 30*time.Second, "how long an in-flight poll may run on after SIGTERM before it is cancelled")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, e, &cf)
	if err != nil {
		return err
	}
	defer a.close()
	if *listen != "" {
		a.cfg.Output.Listen = *listen
	}
	d := newDaemon(a, &cf, *grace)
	return d.run(ctx)
}

// daemon is the running service: HTTP server, scheduler and signals.
type daemon struct {
	app    *app
	cf     *configFlags
	grace  time.Duration
	out    *output.Server
	met    *metrics
	notify *notifier
	ready  atomic.Bool // a poll has finished

	pollCtx    context.Context // cancelled when the grace period ends
	cancelPoll context.CancelFunc
	polls      sync.WaitGroup // polls started outside cron (at start, on reload)

	mu   sync.Mutex // guards cfg and sched
	cfg  *config.Config
	sch  *scheduler
	stop chan struct{}
}

func newDaemon(a *app, cf *configFlags, grace time.Duration) *daemon {
	d := &daemon{app: a, cf: cf, grace: grace, cfg: a.cfg, met: newMetrics(), notify: newNotifier(), stop: make(chan struct{})}
	d.pollCtx, d.cancelPoll = context.WithCancel(context.Background())
	d.out = output.NewServer(outputOptions(a.cfg, pollInterval(a.cfg.Schedule), d.outputError))
	return d
}

func (d *daemon) outputError(err error) { d.app.log.Warn("output", "err", err) }

// run listens, signals readiness, polls once, then polls on the schedule
// until a termination signal, and shuts down in order: scheduler, HTTP,
// (the caller closes the store).
func (d *daemon) run(ctx context.Context) error {
	log := d.app.log
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", d.cfg.Output.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", d.cfg.Output.Listen, err)
	}
	srv := &http.Server{Handler: d.routes(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "feeds", len(d.cfg.Feeds), "schedule", d.cfg.Schedule, "store", d.cfg.Store)
	d.publish(ctx) // serve what the store already has
	if err := d.notify.send("READY=1"); err != nil {
		log.Warn("notify systemd", "err", err)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	watchdogDone := d.startWatchdog()
	d.startPoll(nil)
	if err := d.schedule(d.cfg); err != nil {
		return err
	}
	err = d.wait(ctx, sigs, served)
	d.shutdown(srv)
	close(d.stop)
	<-watchdogDone
	return err
}

// wait blocks until a termination signal, a cancelled context or a failed
// listener; SIGHUP reloads the config meanwhile.
func (d *daemon) wait(ctx context.Context, sigs <-chan os.Signal, served <-chan error) error {
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				d.reload(ctx)
				continue
			}
			d.app.log.Info("shutting down", "signal", sig.String())
			return nil
		case <-ctx.Done():
			return nil
		case err := <-served:
			return fmt.Errorf("http server: %w", err)
		}
	}
}

// shutdown stops the scheduler, lets the running poll finish within the
// grace period (then cancels it), and drains HTTP connections.
func (d *daemon) shutdown(srv *http.Server) {
	log := d.app.log
	if err := d.notify.send("STOPPING=1"); err != nil {
		log.Warn("notify systemd", "err", err)
	}
	d.mu.Lock()
	sch := d.sch
	d.mu.Unlock()
	idle := make(chan struct{})
	go func() {
		if sch != nil {
			<-sch.stop().Done()
		}
		d.polls.Wait()
		close(idle)
	}()
	select {
	case <-idle:
	case <-time.After(d.grace):
		log.Warn("poll still running at the end of the grace period: cancelling it", "grace", d.grace)
		d.cancelPoll()
		<-idle
	}
	d.cancelPoll()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("drain http connections", "err", err)
	}
	d.out.Close()
}

// startWatchdog pings systemd's watchdog while the store answers.
func (d *daemon) startWatchdog() <-chan struct{} {
	done := make(chan struct{})
	interval := watchdogInterval()
	if interval == 0 {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-d.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), interval)
				err := d.app.store.Ping(ctx)
				cancel()
				if err != nil {
					d.app.log.Error("store does not answer: withholding the watchdog ping", "err", err)
					continue
				}
				_ = d.notify.send("WATCHDOG=1")
			}
		}
	}()
	return done
}
