package web

import (
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/drawwatch/drawwatch/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Bucket bounds in seconds. Runs fetch several pages politely (with delays),
// so they take longer than a single fetch.
var (
	runBuckets   = []float64{1, 5, 15, 30, 60, 120, 300, 600}
	fetchBuckets = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
)

// Metrics holds drawwatch's Prometheus metrics in a registry of its own
// (with the standard go_* and process_* collectors) and serves them on
// /metrics through client_golang. It implements watch.Metrics and is safe
// for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	runs            *prometheus.CounterVec
	runDuration     prometheus.Histogram
	fetches         *prometheus.CounterVec
	fetchDuration   *prometheus.HistogramVec
	fetchBytes      *prometheus.CounterVec
	notModified     *prometheus.CounterVec
	lastSuccess     *prometheus.GaugeVec
	announcements   prometheus.Gauge
	draws           prometheus.Gauge
	changes         *prometheus.CounterVec
	alertsSent      *prometheus.CounterVec
	alertsFailed    *prometheus.CounterVec
	alertsPending   prometheus.Gauge
	alertsDead      prometheus.Gauge
	leader          prometheus.Gauge
	leaseGeneration prometheus.Gauge
}

// NewMetrics returns a registry with every drawwatch family registered.
// Series whose labels are known up front (run results, change types) start
// at zero: an absent series reads as "no data" in alert rules, not as zero,
// so `rate(drawwatch_runs_total{result="error"}[1h]) > 0` would never fire
// on the first failure. version labels drawwatch_build_info.
func NewMetrics(version string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := factory{m.reg}
	m.runs = f.counter("drawwatch_runs_total", "Scheduled or manual runs, by result (ok or error).", "result")
	m.runDuration = f.histogram("drawwatch_run_duration_seconds", "Wall time of one run over all sources.", runBuckets)
	m.fetches = f.counter("drawwatch_fetches_total", "Page fetches, by source, outcome and HTTP status (0 when no response).", "source", "outcome", "status")
	m.fetchDuration = f.histogramVec("drawwatch_fetch_duration_seconds", "Wall time of one page fetch, retries included.", fetchBuckets, "source")
	m.fetchBytes = f.counter("drawwatch_fetch_bytes_total", "Body bytes received, by source.", "source")
	m.notModified = f.counter("drawwatch_fetch_not_modified_total", "Fetches answered 304 Not Modified, by source.", "source")
	m.lastSuccess = f.gaugeVec("drawwatch_source_last_success_timestamp_seconds", "Unix time of the last fetch of a source that was read normally.", "source")
	m.announcements = f.gauge("drawwatch_announcements", "Announcements held in the store.")
	m.draws = f.gauge("drawwatch_draws", "Draws held in the store.")
	m.changes = f.counter("drawwatch_changes_total", "Changes detected, by type (new, changed, removed).", "type")
	m.alertsSent = f.counter("drawwatch_alerts_sent_total", "Alerts delivered, by target.", "target")
	m.alertsFailed = f.counter("drawwatch_alerts_failed_total", "Alert delivery attempts that failed, by target.", "target")
	m.alertsPending = f.gauge("drawwatch_alerts_pending", "Alerts waiting in the outbox.")
	m.leader = f.gauge("drawwatch_leader", "1 while this replica leads (scrapes), 0 while it stands by.")
	m.leaseGeneration = f.gauge("drawwatch_lease_generation", "Generation (fencing token) of the store lease this replica holds; 0 when it holds none.")
	m.alertsDead = f.gauge("drawwatch_alerts_dead", "Alerts given up on (dead) in the outbox; re-queue one with `drawwatch outbox retry ID`.")
	m.reg.MustRegister(buildInfo(version),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	for _, result := range []string{"ok", "error"} {
		m.runs.WithLabelValues(result)
	}
	for _, typ := range []string{"new", "changed", "removed"} {
		m.changes.WithLabelValues(typ)
	}
	return m
}

// factory registers each family as it is made.
type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(g)
	return g
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

// buildInfo is drawwatch_build_info{version, revision, goversion} 1, the
// usual way to let a dashboard show (and join on) what is running.
func buildInfo(version string) prometheus.Collector {
	if version == "" {
		version = "unknown"
	}
	revision := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "drawwatch_build_info",
		Help: "Always 1; labels say which drawwatch build is running.",
		ConstLabels: prometheus.Labels{
			"version": version, "revision": revision, "goversion": runtime.Version(),
		},
	})
	g.Set(1)
	return g
}

// Handler serves the registry in the exposition format the scraper asks
// for (text 0.0.4 by default, OpenMetrics or protobuf on request).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry is the registry behind /metrics, for tests and for collectors
// other packages add.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// DeclareTargets starts the per-target alert counters at zero, so a target
// that fails from its first attempt shows a rising failure count, not a
// series appearing from nowhere.
func (m *Metrics) DeclareTargets(targets ...string) {
	for _, t := range targets {
		m.alertsSent.WithLabelValues(t)
		m.alertsFailed.WithLabelValues(t)
	}
}

// DeclareSources starts the per-source byte and 304 counters at zero.
func (m *Metrics) DeclareSources(sources ...string) {
	for _, s := range sources {
		m.fetchBytes.WithLabelValues(s)
		m.notModified.WithLabelValues(s)
	}
}

// RunDone records one finished run and how long it took.
func (m *Metrics) RunDone(ok bool, d time.Duration) {
	result := "ok"
	if !ok {
		result = "error"
	}
	m.runs.WithLabelValues(result).Inc()
	m.runDuration.Observe(d.Seconds())
}

// FetchDone records one page fetch of a source. Status is the HTTP status,
// 0 when no response arrived; bytes is the body size received.
func (m *Metrics) FetchDone(source, outcome string, status int, d time.Duration, bytes int64) {
	m.fetches.WithLabelValues(source, outcome, strconv.Itoa(status)).Inc()
	m.fetchDuration.WithLabelValues(source).Observe(d.Seconds())
	m.fetchBytes.WithLabelValues(source).Add(float64(bytes))
	notModified := m.notModified.WithLabelValues(source) // declared at 0 from the first fetch
	// Fetchers that treat 304 as success may report status 0 with the
	// store's "not-modified" outcome; count either.
	if status == http.StatusNotModified || outcome == store.OutcomeNotModified {
		notModified.Inc()
	}
}

// SourceOK records that source was read normally at time at.
func (m *Metrics) SourceOK(source string, at time.Time) {
	m.lastSuccess.WithLabelValues(source).Set(float64(at.UnixNano()) / 1e9)
}

// Seen sets how many announcements and draws the store holds.
func (m *Metrics) Seen(announcements, draws int) {
	m.announcements.Set(float64(announcements))
	m.draws.Set(float64(draws))
}

// Changes adds n detected changes of one type (new, changed, removed).
func (m *Metrics) Changes(changeType string, n int) {
	m.changes.WithLabelValues(changeType).Add(float64(n))
}

// AlertSent counts one alert delivered to target.
func (m *Metrics) AlertSent(target string) { m.alertsSent.WithLabelValues(target).Inc() }

// AlertFailed counts one failed delivery attempt to target.
func (m *Metrics) AlertFailed(target string) { m.alertsFailed.WithLabelValues(target).Inc() }

// AlertsPending sets how many alerts wait in the outbox.
func (m *Metrics) AlertsPending(n int) { m.alertsPending.Set(float64(n)) }

// Leader records whether this replica leads, and its lease generation.
func (m *Metrics) Leader(leader bool, generation int64) {
	v := 0.0
	if leader {
		v = 1
	}
	m.leader.Set(v)
	if !leader {
		generation = 0
	}
	m.leaseGeneration.Set(float64(generation))
}

// AlertsDead sets how many alerts in the outbox were given up on.
func (m *Metrics) AlertsDead(n int) { m.alertsDead.Set(float64(n)) }
