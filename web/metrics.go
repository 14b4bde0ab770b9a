package web

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drawwatch/drawwatch/store"
)

// Metric family types of the Prometheus text format.
const (
	typeCounter   = "counter"
	typeGauge     = "gauge"
	typeHistogram = "histogram"
)

// Bucket bounds in seconds. Runs fetch several pages politely (with delays),
// so they take longer than a single fetch.
var (
	runBuckets   = []float64{1, 5, 15, 30, 60, 120, 300, 600}
	fetchBuckets = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
)

// Metrics is a tiny registry that writes the Prometheus text exposition
// format (version 0.0.4). It exists so the daemon needs no client library:
// the handful of families drawwatch exports are declared here, once.
// A Metrics is safe for concurrent use.
type Metrics struct {
	mu       sync.Mutex
	families map[string]*family
}

// family is one metric name with its samples keyed by label values.
type family struct {
	name    string
	help    string
	typ     string
	labels  []string
	buckets []float64 // histograms only
	series  map[string]*series
}

// series is one label set of a family.
type series struct {
	values []string
	value  float64  // counters and gauges
	counts []uint64 // histograms: per bucket, not cumulative
	sum    float64
	count  uint64
}

// NewMetrics returns a registry with every drawwatch family declared, so
// that /metrics lists them (HELP and TYPE) before the first run.
func NewMetrics() *Metrics {
	m := &Metrics{families: map[string]*family{}}
	m.declare("drawwatch_runs_total", typeCounter, "Scheduled or manual runs, by result (ok or error).", nil, "result")
	m.declare("drawwatch_run_duration_seconds", typeHistogram, "Wall time of one run over all sources.", runBuckets)
	m.declare("drawwatch_fetches_total", typeCounter, "Page fetches, by source, outcome and HTTP status (0 when no response).", nil, "source", "outcome", "status")
	m.declare("drawwatch_fetch_duration_seconds", typeHistogram, "Wall time of one page fetch, retries included.", fetchBuckets, "source")
	m.declare("drawwatch_fetch_bytes_total", typeCounter, "Body bytes received, by source.", nil, "source")
	m.declare("drawwatch_fetch_not_modified_total", typeCounter, "Fetches answered 304 Not Modified, by source.", nil, "source")
	m.declare("drawwatch_source_last_success_timestamp_seconds", typeGauge, "Unix time of the last fetch of a source that was read normally.", nil, "source")
	m.declare("drawwatch_announcements", typeGauge, "Announcements held in the store.", nil)
	m.declare("drawwatch_draws", typeGauge, "Draws held in the store.", nil)
	m.declare("drawwatch_changes_total", typeCounter, "Changes detected, by type (new, changed, removed).", nil, "type")
	m.declare("drawwatch_alerts_sent_total", typeCounter, "Alerts delivered, by target.", nil, "target")
	m.declare("drawwatch_alerts_failed_total", typeCounter, "Alert delivery attempts that failed, by target.", nil, "target")
	m.declare("drawwatch_alerts_pending", typeGauge, "Alerts waiting in the outbox.", nil)
	// Label-less gauges are written as 0 from the start: an absent sample
	// would read as "no data" in alerting rules, not as "zero".
	for _, name := range []string{"drawwatch_announcements", "drawwatch_draws", "drawwatch_alerts_pending"} {
		m.families[name].get()
	}
	return m
}

func (m *Metrics) declare(name, typ, help string, buckets []float64, labels ...string) {
	m.families[name] = &family{name: name, help: help, typ: typ, labels: labels, buckets: buckets, series: map[string]*series{}}
}

// get returns the series for the label values, creating it. Callers hold m.mu.
func (f *family) get(values ...string) *series {
	// \xff cannot appear in valid UTF-8, so the joined key is unambiguous.
	key := strings.Join(values, "\xff")
	s, ok := f.series[key]
	if !ok {
		s = &series{values: append([]string(nil), values...)}
		if f.typ == typeHistogram {
			s.counts = make([]uint64, len(f.buckets))
		}
		f.series[key] = s
	}
	return s
}

func (m *Metrics) add(name string, v float64, values ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.families[name].get(values...).value += v
}

func (m *Metrics) set(name string, v float64, values ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.families[name].get(values...).value = v
}

func (m *Metrics) observe(name string, v float64, values ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.families[name]
	s := f.get(values...)
	for i, le := range f.buckets {
		if v <= le {
			s.counts[i]++
			break
		}
	}
	s.sum += v
	s.count++
}

// RunDone records one finished run and how long it took.
func (m *Metrics) RunDone(ok bool, d time.Duration) {
	result := "ok"
	if !ok {
		result = "error"
	}
	m.add("drawwatch_runs_total", 1, result)
	m.observe("drawwatch_run_duration_seconds", d.Seconds())
}

// FetchDone records one page fetch of a source. Status is the HTTP status,
// 0 when no response arrived; bytes is the body size received.
func (m *Metrics) FetchDone(source, outcome string, status int, d time.Duration, bytes int64) {
	m.add("drawwatch_fetches_total", 1, source, outcome, strconv.Itoa(status))
	m.observe("drawwatch_fetch_duration_seconds", d.Seconds(), source)
	m.add("drawwatch_fetch_bytes_total", float64(bytes), source)
	// Fetchers that treat 304 as success may report status 0 with the
	// store's "not-modified" outcome; count either.
	if status == http.StatusNotModified || outcome == store.OutcomeNotModified {
		m.add("drawwatch_fetch_not_modified_total", 1, source)
	} else {
		// Declare the series at 0 so rate() over it works from the first fetch.
		m.add("drawwatch_fetch_not_modified_total", 0, source)
	}
}

// SourceOK records that source was read normally at time at.
func (m *Metrics) SourceOK(source string, at time.Time) {
	m.set("drawwatch_source_last_success_timestamp_seconds", float64(at.UnixNano())/1e9, source)
}

// Seen sets how many announcements and draws the store holds.
func (m *Metrics) Seen(announcements, draws int) {
	m.set("drawwatch_announcements", float64(announcements))
	m.set("drawwatch_draws", float64(draws))
}

// Changes adds n detected changes of one type (new, changed, removed).
func (m *Metrics) Changes(changeType string, n int) {
	m.add("drawwatch_changes_total", float64(n), changeType)
}

// AlertSent counts one alert delivered to target.
func (m *Metrics) AlertSent(target string) { m.add("drawwatch_alerts_sent_total", 1, target) }

// AlertFailed counts one failed delivery attempt to target.
func (m *Metrics) AlertFailed(target string) { m.add("drawwatch_alerts_failed_total", 1, target) }

// AlertsPending sets how many alerts wait in the outbox.
func (m *Metrics) AlertsPending(n int) { m.set("drawwatch_alerts_pending", float64(n)) }

// WriteTo writes every family in the Prometheus text format 0.0.4, sorted
// by metric name and then label values so that output is stable.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriter(cw)
	m.mu.Lock()
	names := make([]string, 0, len(m.families))
	for name := range m.families {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m.families[name].write(bw)
	}
	m.mu.Unlock()
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write metrics: %w", err)
	}
	return cw.n, nil
}

func (f *family) write(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n", f.name, escapeHelp(f.help))
	fmt.Fprintf(w, "# TYPE %s %s\n", f.name, f.typ)
	all := make([]*series, 0, len(f.series))
	for _, s := range f.series {
		all = append(all, s)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i].values, all[j].values
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
	for _, s := range all {
		if f.typ != typeHistogram {
			writeSample(w, f.name, f.labels, s.values, "", "", s.value)
			continue
		}
		var cum uint64
		for i, le := range f.buckets {
			cum += s.counts[i]
			writeSample(w, f.name+"_bucket", f.labels, s.values, "le", formatFloat(le), float64(cum))
		}
		writeSample(w, f.name+"_bucket", f.labels, s.values, "le", "+Inf", float64(s.count))
		writeSample(w, f.name+"_sum", f.labels, s.values, "", "", s.sum)
		writeSample(w, f.name+"_count", f.labels, s.values, "", "", float64(s.count))
	}
}

// writeSample writes one line; extraName/extraValue add the histogram "le".
func writeSample(w *bufio.Writer, name string, labels, values []string, extraName, extraValue string, v float64) {
	w.WriteString(name)
	if len(labels) > 0 || extraName != "" {
		w.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, "%s=\"%s\"", l, escapeLabel(values[i]))
		}
		if extraName != "" {
			if len(labels) > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, "%s=\"%s\"", extraName, extraValue)
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	w.WriteByte('\n')
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
