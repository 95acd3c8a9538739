package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestConnectionCap: with a cap of two, a third connection is not served
// while two are open (its request waits in the accept queue), and is
// served as soon as one of them closes.
func TestConnectionCap(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered := make(chan string, 4)
	release := make(chan struct{})
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.Header.Get("X-Conn")
		<-release
		io.WriteString(w, "ok")
	}))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(limitListener(ln, 2)) }()
	defer func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	}()
	dial := func(name string) net.Conn {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Conn: %s\r\n\r\n", name)
		return c
	}
	wait := func(want string) {
		t.Helper()
		select {
		case got := <-entered:
			if got != want {
				t.Fatalf("request of connection %s served, want %s", got, want)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("request of connection %s never served", want)
		}
	}
	c1 := dial("1")
	wait("1")
	dial("2")
	wait("2")
	c3 := dial("3")
	// Nothing can show that a request is not served but the absence of
	// its answer for a while: half a second, far beyond a loopback
	// round trip.
	c3.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if n, err := c3.Read(make([]byte, 1)); n > 0 || !isTimeout(err) {
		t.Fatalf("a third connection was answered over the cap: %d bytes, %v", n, err)
	}
	select {
	case got := <-entered:
		t.Fatalf("request of connection %s entered the handler over the cap", got)
	default:
	}
	close(release)
	resp, err := http.ReadResponse(bufio.NewReader(c1), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("first connection: %v", err)
	}
	c1.Close() // frees a slot: the third connection is accepted and served
	wait("3")
	c3.SetReadDeadline(time.Now().Add(waitTimeout))
	if resp, err := http.ReadResponse(bufio.NewReader(c3), nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("third connection after a slot freed: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestServerTimeouts pins the server settings serve uses.
func TestServerTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.WriteTimeout == 0 || srv.ReadHeaderTimeout == 0 || srv.IdleTimeout == 0 || srv.ReadTimeout == 0 {
		t.Errorf("a timeout is off: %+v", srv)
	}
	if maxConns < 64 {
		t.Errorf("maxConns %d", maxConns)
	}
}
