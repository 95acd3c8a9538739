package main

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// maxConns caps the connections the HTTP server holds open at once; more
// wait in the kernel's accept queue until one closes. Each takes a file
// descriptor, and readers that stop reading must not be able to take
// them all (the store and the feeds need some). Go raises the soft
// descriptor limit to the hard one at start, typically far above this.
const maxConns = 1024

// Timeouts of the HTTP server. The feeds set a write deadline of their own
// that grows with the document (output's handler); serverWriteTimeout
// bounds everything else (health, readiness, metrics).
const (
	readHeaderTimeout  = 10 * time.Second
	readTimeout        = 30 * time.Second
	serverWriteTimeout = 30 * time.Second
	idleTimeout        = 2 * time.Minute
)

// limitListener returns ln accepting at most n connections at once.
func limitListener(ln net.Listener, n int) net.Listener {
	return netutil.LimitListener(ln, n)
}

// newHTTPServer returns the daemon's HTTP server for h, with its timeouts
// and a small header limit; serve it on limitListener(ln, maxConns).
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      serverWriteTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}
