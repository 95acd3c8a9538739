package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The peer comparison: the wire-dev feeds copied to many loopback feeds,
// each copy on an address of its own (127.0.0.1, 127.0.0.2, …: one host a
// feed, as in real use), polled once from scratch by the aggregator's
// one-shot fetch and by the classic feed readers installed on the machine
// (newsboat, sfeed), one process tree after the other, alternating.

// peerRun is one measured first poll of one tool.
type peerRun struct {
	Wall   float64 `json:"wall_s"`
	CPU    float64 `json:"cpu_s"`
	PeakMB float64 `json:"peak_rss_mb"` // ru_maxrss: the largest process of the tree
}

// PeerResult is what one tool did over the runs.
type PeerResult struct {
	Tool    string    `json:"tool"`
	Command string    `json:"command"`
	Skipped string    `json:"skipped,omitempty"` // why it was not run
	Runs    []peerRun `json:"runs,omitempty"`
}

// median returns the median run by wall time, and the median peak.
func (r PeerResult) median() (wall, cpu, peak float64) {
	if len(r.Runs) == 0 {
		return 0, 0, 0
	}
	w := make([]float64, 0, len(r.Runs))
	c := make([]float64, 0, len(r.Runs))
	p := make([]float64, 0, len(r.Runs))
	for _, x := range r.Runs {
		w, c, p = append(w, x.Wall), append(c, x.CPU), append(p, x.PeakMB)
	}
	mid := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	return mid(w), mid(c), mid(p)
}

// peerFeed is one copy of a corpus feed and where it is served.
type peerFeed struct{ name, url string }

// peerTool is a tool the comparison runs: setup writes its config in dir
// and returns the command of one first poll.
type peerTool struct {
	name  string
	look  string // executable looked up in $PATH ("" for ours)
	setup func(dir string, feeds []peerFeed) (*exec.Cmd, error)
}

// comparePeers serves n feeds, the corpus feeds in dir copied in turn,
// and runs every tool runs times. aggregators are the aggregator binaries to
// compare (each a tool of its own).
func comparePeers(ctx context.Context, dir string, n, runs, concurrency, maxItems int, aggregators []string) ([]PeerResult, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no feeds in %s", dir)
	}
	srv, feeds, err := servePeerFeeds(files, n)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	var tools []peerTool
	for _, a := range aggregators {
		tools = append(tools, aggregatorTool(a, concurrency, maxItems))
	}
	tools = append(tools, newsboatTool(concurrency), sfeedTool(concurrency))
	res := make([]PeerResult, len(tools))
	for i, t := range tools {
		res[i].Tool = t.name
		if t.look != "" {
			if _, err := exec.LookPath(t.look); err != nil {
				res[i].Skipped = t.look + " is not installed (apt-get install " + t.name + ")"
			}
		}
	}
	for run := range runs {
		// Alternate the order, so that no tool always runs first.
		for k := range tools {
			i := (k + run) % len(tools)
			if res[i].Skipped != "" {
				continue
			}
			r, cmdline, err := runPeer(ctx, tools[i], feeds)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", tools[i].name, err)
			}
			res[i].Command, res[i].Runs = cmdline, append(res[i].Runs, r)
		}
	}
	return res, nil
}

// runPeer runs one first poll of t in a fresh directory. The peak RSS is
// GNU time's %M (the largest process of the tree) when /usr/bin/time is
// installed: the rusage of a child Go starts counts the parent's peak too
// (it is started with the parent's memory mapped until it execs), which
// after the baselines is over a gigabyte.
func runPeer(ctx context.Context, t peerTool, feeds []peerFeed) (peerRun, string, error) {
	dir, err := os.MkdirTemp("", "aggregator-bench-peer-")
	if err != nil {
		return peerRun{}, "", err
	}
	defer os.RemoveAll(dir)
	cmd, err := t.setup(dir, feeds)
	if err != nil {
		return peerRun{}, "", err
	}
	cmdline := strings.Join(cmd.Args, " ")
	timeOut := filepath.Join(dir, "time.out")
	if _, err := os.Stat(gnuTime); err == nil {
		cmd = exec.Command(gnuTime, append([]string{"-f", "%M %U %S", "-o", timeOut}, cmd.Args...)...)
	}
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr, cmd.Dir = io.Discard, &stderr, dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return peerRun{}, "", fmt.Errorf("%s: %w: %s", cmdline, err, lastLines(stderr.String(), 5))
	}
	r := peerRun{Wall: wall.Seconds(), CPU: (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()}
	if b, err := os.ReadFile(timeOut); err == nil {
		var kb, user, sys float64
		if _, err := fmt.Sscan(lastLines(string(b), 1), &kb, &user, &sys); err != nil {
			return peerRun{}, "", fmt.Errorf("%s: read %s: %w", cmdline, gnuTime, err)
		}
		r.PeakMB, r.CPU = kb/1024, user+sys
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakMB = float64(ru.Maxrss) / 1024 // an upper bound: see above
	}
	return r, cmdline, nil
}

// gnuTime measures the peers' peak RSS (Debian's package time).
const gnuTime = "/usr/bin/time"

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

func aggregatorTool(bin string, concurrency, maxItems int) peerTool {
	return peerTool{name: "aggregator " + filepath.Base(bin), setup: func(dir string, feeds []peerFeed) (*exec.Cmd, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "store: %s\ndedupe:\n  window: 87600h\nfetch:\n  concurrency: %d\n  host_delay: 0s\n", filepath.Join(dir, "aggregator.db"), concurrency)
		fmt.Fprintf(&b, "output:\n  title: Peer comparison\n  link: http://127.0.0.1/\n  max_items: %d\nfeeds:\n", maxItems)
		for _, f := range feeds {
			fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", f.name, f.url)
		}
		cfg := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		return exec.Command(bin, "fetch", "--config", cfg, "--quiet"), nil
	}}
}

func newsboatTool(concurrency int) peerTool {
	return peerTool{name: "newsboat", look: "newsboat", setup: func(dir string, feeds []peerFeed) (*exec.Cmd, error) {
		var urls strings.Builder
		for _, f := range feeds {
			fmt.Fprintf(&urls, "%s \"~%s\"\n", f.url, f.name)
		}
		if err := os.WriteFile(filepath.Join(dir, "urls"), []byte(urls.String()), 0o644); err != nil {
			return nil, err
		}
		conf := fmt.Sprintf("reload-threads %d\n", concurrency)
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(conf), 0o644); err != nil {
			return nil, err
		}
		return exec.Command("newsboat", "-u", filepath.Join(dir, "urls"), "-c", filepath.Join(dir, "cache.db"),
			"-C", filepath.Join(dir, "config"), "-x", "reload"), nil
	}}
}

func sfeedTool(concurrency int) peerTool {
	return peerTool{name: "sfeed", look: "sfeed_update", setup: func(dir string, feeds []peerFeed) (*exec.Cmd, error) {
		var rc strings.Builder
		fmt.Fprintf(&rc, "sfeedpath=%q\nmaxjobs=%d\nfeeds() {\n", filepath.Join(dir, "feeds"), concurrency)
		for _, f := range feeds {
			fmt.Fprintf(&rc, "\tfeed %q %q\n", f.name, f.url)
		}
		rc.WriteString("}\n")
		path := filepath.Join(dir, "sfeedrc")
		if err := os.WriteFile(path, []byte(rc.String()), 0o644); err != nil {
			return nil, err
		}
		return exec.Command("sfeed_update", path), nil
	}}
}

// peerServer serves the corpus files on one listener per copy.
type peerServer struct{ srvs []*http.Server }

func (s *peerServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, h := range s.srvs {
		_ = h.Shutdown(ctx)
	}
}

// servePeerFeeds serves n feeds, the files copied in turn, each on an
// address of its own, 127.0.0.1, 127.0.0.2, … (loopback only: Linux
// routes all of 127.0.0.0/8 to lo).
func servePeerFeeds(files []string, n int) (*peerServer, []peerFeed, error) {
	bodies := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		bodies["/"+filepath.Base(f)] = b
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType(r.URL.Path))
		w.Write(b)
	})
	s := &peerServer{}
	feeds := make([]peerFeed, 0, n)
	for i := range n {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.%d.%d:0", i/254, i%254+1))
		if err != nil {
			s.close()
			return nil, nil, fmt.Errorf("listen on loopback: %w", err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		s.srvs = append(s.srvs, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintln(os.Stderr, "peer feed server:", err)
			}
		}()
		base := filepath.Base(files[i%len(files)])
		name := fmt.Sprintf("%s-%02d", strings.TrimSuffix(base, filepath.Ext(base)), i/len(files))
		feeds = append(feeds, peerFeed{name: name, url: "http://" + ln.Addr().String() + "/" + base})
	}
	return s, feeds, nil
}

func contentType(path string) string {
	switch filepath.Ext(path) {
	case ".json":
		return "application/feed+json"
	case ".atom":
		return "application/atom+xml"
	}
	return "application/xml"
}
