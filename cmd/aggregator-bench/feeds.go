package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"runtime"
	"sync"

	"github.com/wirestory/aggregator/internal/wiregen"
)

// feedBodies are the served documents of a generated set, gzipped.
type feedBodies struct {
	gz       [][]byte
	rawBytes int64 // total size before compression
	gzBytes  int64
	items    int
}

// generateBodies renders and gzips every feed of spec, in parallel.
func generateBodies(spec wiregen.Spec) (*feedBodies, error) {
	g := wiregen.New(spec)
	fb := &feedBodies{gz: make([][]byte, spec.Feeds)}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
		next  = make(chan int)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
			for i := range next {
				f := g.Feed(i)
				doc := f.Document()
				var buf bytes.Buffer
				zw.Reset(&buf)
				_, err := zw.Write(doc)
				if err == nil {
					err = zw.Close()
				}
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("gzip feed %d: %w", i, err)
				}
				fb.gz[i] = buf.Bytes()
				fb.rawBytes += int64(len(doc))
				fb.gzBytes += int64(buf.Len())
				fb.items += len(f.Items)
				mu.Unlock()
			}
		}()
	}
	for i := range spec.Feeds {
		next <- i
	}
	close(next)
	wg.Wait()
	return fb, first
}
