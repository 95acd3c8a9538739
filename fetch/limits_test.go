package fetch

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/text/encoding/charmap"

	"github.com/wirestory/aggregator/news"
)

func TestSlowDripBodyHitsTimeout(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Drip</title>`))
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for range 500 { // ten seconds at most
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
			}
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	c := newTestClient(Options{Timeout: 300 * time.Millisecond})
	start := time.Now()
	res := c.Fetch(context.Background(), news.FeedState{Name: "drip", URL: srv.URL}, testNow)
	elapsed := time.Since(start)
	if res.Err == nil || res.State.Failures != 1 {
		t.Fatalf("err %v, failures %d", res.Err, res.State.Failures)
	}
	if !errors.Is(res.Err, context.DeadlineExceeded) && !strings.Contains(res.Err.Error(), "Timeout") {
		t.Errorf("err %v is no timeout", res.Err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("fetch took %v with a 300ms timeout", elapsed)
	}
}

func TestOversizeBody(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed(100, "")))
	})
	res := newTestClient(Options{MaxBodyBytes: 4096}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if !errors.Is(res.Err, ErrTooLarge) || !strings.Contains(res.Err.Error(), "body exceeds 4096 bytes") {
		t.Fatalf("err = %v", res.Err)
	}
	if res.Items != nil || res.State.BodyHash != "" {
		t.Errorf("oversize body gave items or a hash: %d, %q", len(res.Items), res.State.BodyHash)
	}
}

// TestGzipBomb serves one GiB of zeros gzip-compressed, produced while
// streaming: the fetch must stop at the cap with an error.
func TestGzipBomb(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			t.Error(err)
			return
		}
		zeros := make([]byte, 1<<20)
		for range 1024 {
			if _, err := zw.Write(zeros); err != nil || r.Context().Err() != nil {
				return
			}
		}
		zw.Close()
	})
	const limit = 2 << 20
	res := newTestClient(Options{MaxBodyBytes: limit}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if !errors.Is(res.Err, ErrTooLarge) || !strings.Contains(res.Err.Error(), fmt.Sprintf("body exceeds %d bytes", limit)) {
		t.Fatalf("err = %v", res.Err)
	}
}

func TestCompressedBodies(t *testing.T) {
	feed := rssFeed(7, "")
	for _, enc := range []string{"gzip", "br", "sniffed-gzip"} {
		t.Run(enc, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.Header.Get("Accept-Encoding"), strings.TrimPrefix(enc, "sniffed-")) {
					t.Errorf("Accept-Encoding %q lacks %s", r.Header.Get("Accept-Encoding"), enc)
				}
				var err error
				switch enc {
				case "br":
					w.Header().Set("Content-Encoding", "br")
					bw := brotli.NewWriter(w)
					_, err = bw.Write([]byte(feed))
					err = errors.Join(err, bw.Close())
				default:
					if enc == "gzip" {
						w.Header().Set("Content-Encoding", "gzip")
					}
					zw := gzip.NewWriter(w)
					_, err = zw.Write([]byte(feed))
					err = errors.Join(err, zw.Close())
				}
				if err != nil {
					t.Error(err)
				}
			})
			res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
			if res.Err != nil || len(res.Items) != 7 {
				t.Fatalf("err %v, %d items", res.Err, len(res.Items))
			}
		})
	}
}

func TestUnknownContentEncoding(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "zstd")
		w.Write([]byte("(\xb5/\xfd"))
	})
	res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if res.Err == nil || !strings.Contains(res.Err.Error(), `unsupported content encoding "zstd"`) {
		t.Fatalf("err = %v", res.Err)
	}
}

func TestCharsetFromContentType(t *testing.T) {
	latin1, err := charmap.ISO8859_1.NewEncoder().String(strings.Replace(rssFeed(1, ""),
		"Ferry timetable change 0", "Café Zürich: Müller wins the regatta", 1))
	if err != nil {
		t.Fatal(err)
	}
	latin1 = strings.Replace(latin1, ` encoding="utf-8"`, "", 1)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=ISO-8859-1")
		w.Write([]byte(latin1))
	})
	res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if res.Err != nil || len(res.Items) != 1 {
		t.Fatalf("err %v, %d items", res.Err, len(res.Items))
	}
	if got := res.Items[0].Title; got != "Café Zürich: Müller wins the regatta" {
		t.Errorf("title = %q", got)
	}
}

func TestBlockPrivateRefusesLoopback(t *testing.T) {
	hits := 0
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Write([]byte(rssFeed(1, "")))
	})
	res := newTestClient(Options{BlockPrivate: true}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow)
	if !errors.Is(res.Err, ErrBlocked) || hits != 0 {
		t.Fatalf("err %v, server hits %d", res.Err, hits)
	}
	if res := newTestClient(Options{}).Fetch(context.Background(), news.FeedState{URL: srv.URL}, testNow); res.Err != nil {
		t.Fatalf("without BlockPrivate: %v", res.Err)
	}
}

func TestRefusePrivateAddresses(t *testing.T) {
	for addr, blocked := range map[string]bool{
		"127.0.0.1:80": true, "10.1.2.3:443": true, "172.16.0.9:80": true, "192.168.1.1:80": true,
		"169.254.169.254:80": true, "100.64.0.1:80": true, "0.0.0.0:80": true, "[::1]:80": true,
		"[fe80::1]:80": true, "[fc00::1]:80": true, "[::ffff:127.0.0.1]:80": true,
		"93.184.216.34:443": false, "[2001:db8::1]:443": false, "8.8.8.8:53": false,
	} {
		err := refusePrivate("tcp", addr, nil)
		if got := errors.Is(err, ErrBlocked); got != blocked {
			t.Errorf("%s: blocked %v, want %v (err %v)", addr, got, blocked, err)
		}
	}
}
