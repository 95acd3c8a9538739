package main

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/pipeline"
)

// metrics are the daemon's Prometheus metrics, in their own registry.
type metrics struct {
	reg            *prometheus.Registry
	pollDuration   *prometheus.HistogramVec
	cycleDuration  prometheus.Histogram
	httpStatus     *prometheus.CounterVec
	notModified    prometheus.Gauge
	itemsIngested  prometheus.Counter
	itemsUpdated   prometheus.Counter
	merged         prometheus.Counter
	stories        prometheus.Gauge
	storySizes     *prometheus.GaugeVec
	feedFailures   *prometheus.GaugeVec
	feedSuccess    *prometheus.GaugeVec
	feedGone       *prometheus.GaugeVec
	outputRequests *prometheus.CounterVec
	polls          *prometheus.CounterVec
	cycles         *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	f := promauto{m.reg}
	m.pollDuration = f.histogramVec("aggregator_feed_poll_duration_seconds", "Time to poll one feed, by result.", []string{"result"})
	m.cycleDuration = f.histogram("aggregator_poll_duration_seconds", "Time of a whole poll cycle: fetch, dedupe, store.")
	m.cycles = f.counterVec("aggregator_poll_cycles_total", "Poll cycles by outcome: ok, error (store or cancelled), panic, skipped (the previous one still running).", []string{"result"})
	m.polls = f.counterVec("aggregator_feed_polls_total", "Feed polls by result (ok, not-modified, failed, skipped).", []string{"result"})
	m.httpStatus = f.counterVec("aggregator_fetch_http_status_total", "HTTP status codes of feed fetches.", []string{"code"})
	m.notModified = f.gauge("aggregator_fetch_not_modified_ratio", "Share of the last poll's fetched feeds that were not modified (304 or identical body).")
	m.itemsIngested = f.counter("aggregator_items_ingested_total", "Items stored for the first time.")
	m.itemsUpdated = f.counter("aggregator_items_updated_total", "Known items whose text changed.")
	m.merged = f.counter("aggregator_duplicates_merged_total", "New items merged into an existing story.")
	m.stories = f.gauge("aggregator_stories", "Stories in the published output.")
	m.storySizes = f.gaugeVec("aggregator_story_members", "Stories in the published output by number of members (cluster size).", []string{"members"})
	m.feedFailures = f.gaugeVec("aggregator_feed_consecutive_failures", "Consecutive failed polls of a feed.", []string{"feed"})
	m.feedSuccess = f.gaugeVec("aggregator_feed_last_success_timestamp_seconds", "Unix time of a feed's last successful poll.", []string{"feed"})
	m.feedGone = f.gaugeVec("aggregator_feed_gone", "1 when a feed answered 410 Gone and is no longer polled.", []string{"feed"})
	m.outputRequests = f.counterVec("aggregator_output_requests_total", "Requests to the output server by route and status (304s included).", []string{"path", "code"})
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// promauto registers metrics in one registry.
type promauto struct{ reg *prometheus.Registry }

func (p promauto) histogramVec(name, help string, labels []string) *prometheus.HistogramVec {
	v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)}, labels)
	p.reg.MustRegister(v)
	return v
}

func (p promauto) histogram(name, help string) prometheus.Histogram {
	v := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 12)})
	p.reg.MustRegister(v)
	return v
}

func (p promauto) counterVec(name, help string, labels []string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	p.reg.MustRegister(v)
	return v
}

func (p promauto) counter(name, help string) prometheus.Counter {
	v := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	p.reg.MustRegister(v)
	return v
}

func (p promauto) gauge(name, help string) prometheus.Gauge {
	v := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	p.reg.MustRegister(v)
	return v
}

func (p promauto) gaugeVec(name, help string, labels []string) *prometheus.GaugeVec {
	v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	p.reg.MustRegister(v)
	return v
}

// observePoll records one poll's report.
func (m *metrics) observePoll(rep *pipeline.Report) {
	m.cycleDuration.Observe(rep.Duration.Seconds())
	fetched, unchanged := 0, 0
	for _, f := range rep.Feeds {
		m.polls.WithLabelValues(string(f.Status)).Inc()
		if f.Status == pipeline.StatusSkipped {
			continue
		}
		fetched++
		if f.Status == pipeline.StatusNotModified {
			unchanged++
		}
		m.pollDuration.WithLabelValues(string(f.Status)).Observe(f.Duration.Seconds())
		if f.HTTP != 0 {
			m.httpStatus.WithLabelValues(strconv.Itoa(f.HTTP)).Inc()
		}
		m.itemsIngested.Add(float64(f.New))
		m.itemsUpdated.Add(float64(f.Updated))
		m.merged.Add(float64(f.Merged))
	}
	if fetched > 0 {
		m.notModified.Set(float64(unchanged) / float64(fetched))
	}
}

// observeState records the feeds' health and the published stories.
func (m *metrics) observeState(states []news.FeedState, stories []news.Story) {
	m.feedFailures.Reset()
	m.feedSuccess.Reset()
	m.feedGone.Reset()
	for _, st := range states {
		m.feedFailures.WithLabelValues(st.Name).Set(float64(st.Failures))
		if !st.LastSuccess.IsZero() {
			m.feedSuccess.WithLabelValues(st.Name).Set(float64(st.LastSuccess.UnixNano()) / 1e9)
		}
		gone := 0.0
		if st.Gone {
			gone = 1
		}
		m.feedGone.WithLabelValues(st.Name).Set(gone)
	}
	m.stories.Set(float64(len(stories)))
	m.storySizes.Reset()
	for _, s := range stories {
		n := len(s.Members)
		label := strconv.Itoa(n)
		if n >= 5 {
			label = "5+"
		}
		m.storySizes.WithLabelValues(label).Inc()
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observeOutput counts one request the output server answered, by its
// route ("/", "/feed.atom", "/tags/{tag}.rss", "other") and status; it is
// output.Options.Observe.
func (m *metrics) observeOutput(route string, status int) {
	m.outputRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
}
