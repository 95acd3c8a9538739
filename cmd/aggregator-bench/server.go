package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// feedServer serves generated feeds on one loopback listener: /f/N.xml is
// feed N, gzipped when the client accepts it, with a strong ETag and a
// Last-Modified. POST /_validators?on=0 makes it ignore the validators
// (every poll then gets the unchanged body with 200); on=1 restores 304s.
type feedServer struct {
	bodies     *feedBodies
	modified   string
	validators atomic.Bool
	requests   atomic.Int64
	srv        *http.Server
	url        string
	done       chan error
}

// startServer listens on 127.0.0.1 (loopback only) and serves fb until
// Close.
func startServer(fb *feedBodies) (*feedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &feedServer{
		bodies:   fb,
		modified: time.Now().UTC().Add(-time.Minute).Format(http.TimeFormat),
		url:      "http://" + ln.Addr().String(),
		done:     make(chan error, 1),
	}
	s.validators.Store(true)
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and waits for it.
func (s *feedServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_validators" && r.Method == http.MethodPost {
		s.validators.Store(r.URL.Query().Get("on") != "0")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.requests.Add(1)
	name, ok := strings.CutPrefix(r.URL.Path, "/f/")
	name, ok2 := strings.CutSuffix(name, ".xml")
	i, err := strconv.Atoi(name)
	if !ok || !ok2 || err != nil || i < 0 || i >= len(s.bodies.gz) {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"feed-%d"`, i)
	h := w.Header()
	h.Set("Content-Type", "application/xml; charset=utf-8")
	h.Set("Vary", "Accept-Encoding")
	if s.validators.Load() {
		h.Set("ETag", etag)
		h.Set("Last-Modified", s.modified)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	gz := s.bodies.gz[i]
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(gz)))
		w.Write(gz)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	io.Copy(w, zr)
}

// setValidators switches the server's handling of validators from the
// measured process.
func setValidators(ctx context.Context, base string, on bool) error {
	v := "1"
	if !on {
		v = "0"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/_validators?on="+v, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("switch validators: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("switch validators: status %d", resp.StatusCode)
	}
	return nil
}
