package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/wirestory/aggregator/internal/jobs"
	"github.com/wirestory/aggregator/pipeline"
	"github.com/wirestory/aggregator/store/postgres"
)

// clusterMetrics are the metrics of distributed mode, in the daemon's
// registry: poll jobs by outcome, rescues, the placer's lease as this
// instance sees it, the inbox's lag and the stories version published. It
// is the jobs' Observer.
type clusterMetrics struct {
	base      *metrics
	jobs      *prometheus.CounterVec
	rescued   prometheus.Counter
	leaseHeld prometheus.Gauge
	leaseTerm prometheus.Gauge
}

func newClusterMetrics(base *metrics, db *postgres.DB, published *atomic.Int64) *clusterMetrics {
	f := promauto.With(base.reg)
	m := &clusterMetrics{base: base}
	m.jobs = f.NewCounterVec(prometheus.CounterOpts{Name: "aggregator_poll_jobs_total",
		Help: "Poll jobs this instance ran, by outcome: committed, refused (fenced: a newer attempt, or the feed moved on), skipped (nothing to do), failed (retried)."},
		[]string{"outcome"})
	m.rescued = f.NewCounter(prometheus.CounterOpts{Name: "aggregator_poll_jobs_rescued_total",
		Help: "Poll jobs this instance ran again after River's rescuer took them from an instance presumed lost."})
	m.leaseHeld = f.NewGauge(prometheus.GaugeOpts{Name: "aggregator_placer_lease_held",
		Help: "1 while this instance holds the placer's lease (it places the inbox)."})
	m.leaseTerm = f.NewGauge(prometheus.GaugeOpts{Name: "aggregator_placer_lease_term",
		Help: "The term of the placer's lease this instance last held (0: never)."})
	f.NewGaugeFunc(prometheus.GaugeOpts{Name: "aggregator_stories_version_published",
		Help: "The stories version this instance's output was rendered from."},
		func() float64 { return float64(published.Load()) })
	base.reg.MustRegister(&inboxCollector{db: db,
		rows: prometheus.NewDesc("aggregator_inbox_items", "Items waiting in the inbox to be placed.", nil, nil),
		age:  prometheus.NewDesc("aggregator_inbox_oldest_age_seconds", "Age of the oldest item waiting in the inbox (0 when none).", nil, nil),
	})
	for _, o := range []jobs.Outcome{jobs.Committed, jobs.Refused, jobs.Skipped, jobs.Failed} {
		m.jobs.WithLabelValues(string(o))
	}
	return m
}

// Polled counts a poll job and, when committed, its feed's poll.
func (m *clusterMetrics) Polled(rep pipeline.FeedReport, o jobs.Outcome) {
	m.jobs.WithLabelValues(string(o)).Inc()
	if o == jobs.Committed {
		m.base.observeFeed(rep)
	}
}

// Rescued counts a rescued job run again here.
func (m *clusterMetrics) Rescued() { m.rescued.Inc() }

// Lease records the placer's lease taken or given up.
func (m *clusterMetrics) Lease(held bool, term int64) {
	if held {
		m.leaseHeld.Set(1)
		m.leaseTerm.Set(float64(term))
		return
	}
	m.leaseHeld.Set(0)
}

// inboxCollector reads the inbox's lag from the database at each scrape.
type inboxCollector struct {
	db        *postgres.DB
	rows, age *prometheus.Desc
}

func (c *inboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.rows; ch <- c.age }

func (c *inboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, oldest, err := c.db.InboxLag(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.rows, err)
		return
	}
	age := 0.0
	if !oldest.IsZero() {
		age = time.Since(oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.rows, prometheus.GaugeValue, float64(rows))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
}
