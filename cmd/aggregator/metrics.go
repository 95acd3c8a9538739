package main

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
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
	f := promauto.With(m.reg)
	gauge := func(name, help string) prometheus.Gauge {
		return f.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	gaugeVec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return f.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	}
	counter := func(name, help string) prometheus.Counter {
		return f.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		return f.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	m.pollDuration = f.NewHistogramVec(prometheus.HistogramOpts{Name: "aggregator_feed_poll_duration_seconds",
		Help: "Time to poll one feed, by result.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)}, []string{"result"})
	m.cycleDuration = f.NewHistogram(prometheus.HistogramOpts{Name: "aggregator_poll_duration_seconds",
		Help: "Time of a whole poll cycle: fetch, dedupe, store.", Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 12)})
	m.cycles = counterVec("aggregator_poll_cycles_total", "Poll cycles by outcome: ok, error (store or cancelled), panic.", "result")
	m.polls = counterVec("aggregator_feed_polls_total", "Feed polls by result (ok, not-modified, failed, skipped).", "result")
	m.httpStatus = counterVec("aggregator_fetch_http_status_total", "HTTP status codes of feed fetches.", "code")
	m.notModified = gauge("aggregator_fetch_not_modified_ratio", "Share of the last poll's fetched feeds that were not modified (304 or identical body).")
	m.itemsIngested = counter("aggregator_items_ingested_total", "Items stored for the first time.")
	m.itemsUpdated = counter("aggregator_items_updated_total", "Known items whose text changed.")
	m.merged = counter("aggregator_duplicates_merged_total", "New items merged into an existing story.")
	m.stories = gauge("aggregator_stories", "Stories in the published output.")
	m.storySizes = gaugeVec("aggregator_story_members", "Stories in the published output by number of members (cluster size).", "members")
	m.feedFailures = gaugeVec("aggregator_feed_consecutive_failures", "Consecutive failed polls of a feed.", "feed")
	m.feedSuccess = gaugeVec("aggregator_feed_last_success_timestamp_seconds", "Unix time of a feed's last successful poll.", "feed")
	m.feedGone = gaugeVec("aggregator_feed_gone", "1 when a feed answered 410 Gone and is no longer polled.", "feed")
	m.outputRequests = counterVec("aggregator_output_requests_total", "Requests to the output server by route and status (304s included).", "path", "code")
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observePoll records one poll's report.
func (m *metrics) observePoll(rep *pipeline.Report) {
	m.cycleDuration.Observe(rep.Duration.Seconds())
	fetched, unchanged := 0, 0
	for _, f := range rep.Feeds {
		if m.observeFeed(f) {
			fetched++
			if f.Status == pipeline.StatusNotModified {
				unchanged++
			}
		}
	}
	if fetched > 0 {
		m.notModified.Set(float64(unchanged) / float64(fetched))
	}
}

// observeFeed records one feed's poll (a poll's, or a poll job's); it
// reports whether the feed was fetched (not skipped).
func (m *metrics) observeFeed(f pipeline.FeedReport) (fetched bool) {
	m.polls.WithLabelValues(string(f.Status)).Inc()
	if f.Status == pipeline.StatusSkipped {
		return false
	}
	m.pollDuration.WithLabelValues(string(f.Status)).Observe(f.Duration.Seconds())
	if f.HTTP != 0 {
		m.httpStatus.WithLabelValues(strconv.Itoa(f.HTTP)).Inc()
	}
	m.itemsIngested.Add(float64(f.New))
	m.itemsUpdated.Add(float64(f.Updated))
	m.merged.Add(float64(f.Merged))
	return true
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
