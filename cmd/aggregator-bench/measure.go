package main

import (
	"bufio"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// usage is a snapshot of the process's resource use.
type usage struct {
	wall      time.Time
	user, sys time.Duration
	rt        []metrics.Sample // runtimeMetrics, in order
}

// runtimeMetrics are the Go runtime's counters a Span reports the change
// of: collections, bytes allocated, CPU spent collecting.
var runtimeMetrics = []string{"/gc/cycles/total:gc-cycles", "/gc/heap/allocs:bytes", "/cpu/classes/gc/total:cpu-seconds"}

func snapshot() usage {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	u := usage{wall: time.Now(), user: time.Duration(ru.Utime.Nano()), sys: time.Duration(ru.Stime.Nano())}
	for _, name := range runtimeMetrics {
		u.rt = append(u.rt, metrics.Sample{Name: name})
	}
	metrics.Read(u.rt)
	return u
}

// rtDelta is the change of runtime metric i from a to b, as a float.
func rtDelta(a, b usage, i int) float64 {
	x, y := a.rt[i].Value, b.rt[i].Value
	switch x.Kind() {
	case metrics.KindUint64:
		return float64(y.Uint64() - x.Uint64())
	case metrics.KindFloat64:
		return y.Float64() - x.Float64()
	}
	return 0
}

// liveHeapMB is the heap the last collection found live.
func liveHeapMB() float64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(s[0].Value.Uint64()) / (1 << 20)
}

// Span is what one measured step cost.
type Span struct {
	Wall   float64 `json:"wall_s"`
	User   float64 `json:"user_s"`
	Sys    float64 `json:"sys_s"`
	PeakMB float64 `json:"peak_rss_mb"` // VmHWM since the step began (see resetPeak)
	// AnonMB and FileMB split the RSS at the end of the step into private
	// memory (the heap) and mapped file pages (the store's mmap).
	AnonMB  float64 `json:"rss_anon_mb"`
	FileMB  float64 `json:"rss_file_mb"`
	LoadAvg float64 `json:"load_avg_1m"` // at the start of the step
	// From runtime/metrics: collections during the step, bytes allocated,
	// CPU the collector used (an estimate), and the heap live at the last
	// collection of the step.
	GCs     float64 `json:"gc_cycles"`
	AllocMB float64 `json:"alloc_mb"`
	GCCPU   float64 `json:"gc_cpu_s"`
	LiveMB  float64 `json:"live_heap_mb"`
}

// CPU is the user plus system time of the step.
func (s Span) CPU() float64 { return s.User + s.Sys }

// measure runs fn and returns its wall and CPU time and the peak RSS of
// the process while it ran.
func measure(fn func() error) (Span, error) {
	load := loadAvg()
	resetPeak()
	a := snapshot()
	err := fn()
	b := snapshot()
	return Span{
		Wall: b.wall.Sub(a.wall).Seconds(), User: (b.user - a.user).Seconds(), Sys: (b.sys - a.sys).Seconds(),
		PeakMB: float64(statusKB("VmHWM")) / 1024, LoadAvg: load,
		AnonMB: float64(statusKB("RssAnon")) / 1024, FileMB: float64(statusKB("RssFile")) / 1024,
		GCs: rtDelta(a, b, 0), AllocMB: rtDelta(a, b, 1) / (1 << 20), GCCPU: rtDelta(a, b, 2), LiveMB: liveHeapMB(),
	}, err
}

// resetPeak resets VmHWM to the current RSS (Linux: clear_refs 5), so the
// next read is the peak of what follows. It does nothing where that is
// not supported.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// statusKB reads a "kB" field of /proc/self/status; 0 when absent.
func statusKB(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// loadAvg returns the one-minute load average; 0 when unknown.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// Machine describes where the figures were taken.
type Machine struct {
	CPUs    int    `json:"nproc"`
	Model   string `json:"cpu_model"`
	Go      string `json:"go_version"`
	OS      string `json:"os_arch"`
	LoadAvg string `json:"load_avg_at_start"`
	Date    string `json:"date"`
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		Date: time.Now().UTC().Format(time.RFC3339)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				m.Model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return m
}
