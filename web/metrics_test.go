package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrapeMetrics GETs /metrics from h as Prometheus would and parses the
// answer with the Prometheus text parser (expfmt), so what is checked is
// what a real server reads.
func scrapeMetrics(t *testing.T, h http.Handler) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: HTTP %d", rec.Code)
	}
	body := rec.Body.String()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not valid exposition format: %v\n%s", err, body)
	}
	return fams, body
}

// sampleValue finds the sample name{labels} in a parsed family: a counter
// or gauge value, or a histogram's _count, _sum or _bucket{le}.
func sampleValue(f *dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	for _, m := range f.GetMetric() {
		want := make(map[string]string, len(labels))
		for k, v := range labels {
			want[k] = v
		}
		le, hasLE := want["le"]
		delete(want, "le")
		got := make(map[string]string)
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		if len(got) != len(want) {
			continue
		}
		match := true
		for k, v := range want {
			if got[k] != v {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), name == f.GetName()
		case m.Gauge != nil:
			return m.Gauge.GetValue(), name == f.GetName()
		case m.Histogram != nil:
			h := m.Histogram
			switch {
			case name == f.GetName()+"_count":
				return float64(h.GetSampleCount()), true
			case name == f.GetName()+"_sum":
				return h.GetSampleSum(), true
			case name == f.GetName()+"_bucket" && hasLE:
				if le == "+Inf" {
					return float64(h.GetSampleCount()), true
				}
				for _, b := range h.GetBucket() {
					if formatLE(b.GetUpperBound()) == le {
						return float64(b.GetCumulativeCount()), true
					}
				}
			}
		}
	}
	return 0, false
}

func formatLE(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func buildRevision() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

type wantSample struct {
	family, name string
	labels       map[string]string
	value        float64
}

func TestMetrics(t *testing.T) {
	at := time.Date(2024, 2, 6, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		record func(m *Metrics)
		want   []wantSample
		absent []string // families that must have no samples
	}{
		{
			name:   "fresh registry: gauges and failure counters at zero, build info",
			record: func(m *Metrics) { m.DeclareTargets("slack-team", "email-ops"); m.DeclareSources("oinp-2024") },
			want: []wantSample{
				{"drawwatch_announcements", "drawwatch_announcements", nil, 0},
				{"drawwatch_draws", "drawwatch_draws", nil, 0},
				{"drawwatch_alerts_pending", "drawwatch_alerts_pending", nil, 0},
				{"drawwatch_alerts_dead", "drawwatch_alerts_dead", nil, 0},
				{"drawwatch_runs_total", "drawwatch_runs_total", map[string]string{"result": "error"}, 0},
				{"drawwatch_runs_total", "drawwatch_runs_total", map[string]string{"result": "ok"}, 0},
				{"drawwatch_changes_total", "drawwatch_changes_total", map[string]string{"type": "new"}, 0},
				{"drawwatch_alerts_failed_total", "drawwatch_alerts_failed_total", map[string]string{"target": "slack-team"}, 0},
				{"drawwatch_alerts_failed_total", "drawwatch_alerts_failed_total", map[string]string{"target": "email-ops"}, 0},
				{"drawwatch_alerts_sent_total", "drawwatch_alerts_sent_total", map[string]string{"target": "email-ops"}, 0},
				{"drawwatch_fetch_not_modified_total", "drawwatch_fetch_not_modified_total", map[string]string{"source": "oinp-2024"}, 0},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_count", nil, 0},
				{"drawwatch_build_info", "drawwatch_build_info", map[string]string{"version": "v1.2.3-test", "revision": buildRevision(), "goversion": runtime.Version()}, 1},
			},
			absent: []string{"drawwatch_fetches_total", "drawwatch_source_last_success_timestamp_seconds"},
		},
		{
			name: "runs by result with duration histogram",
			record: func(m *Metrics) {
				m.RunDone(true, 3*time.Second)
				m.RunDone(true, 40*time.Second)
				m.RunDone(false, 2*time.Hour)
			},
			want: []wantSample{
				{"drawwatch_runs_total", "drawwatch_runs_total", map[string]string{"result": "ok"}, 2},
				{"drawwatch_runs_total", "drawwatch_runs_total", map[string]string{"result": "error"}, 1},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_bucket", map[string]string{"le": "1"}, 0},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_bucket", map[string]string{"le": "5"}, 1},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_bucket", map[string]string{"le": "60"}, 2},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_bucket", map[string]string{"le": "600"}, 2},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_bucket", map[string]string{"le": "+Inf"}, 3},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_count", nil, 3},
				{"drawwatch_run_duration_seconds", "drawwatch_run_duration_seconds_sum", nil, 3 + 40 + 7200},
			},
		},
		{
			name: "fetches by source, outcome and status; bytes and 304s",
			record: func(m *Metrics) {
				m.FetchDone("oinp-2024", "parsed", 200, 300*time.Millisecond, 1000)
				m.FetchDone("oinp-2024", "not-modified", 304, 100*time.Millisecond, 0)
				m.FetchDone("oinp-2024", "not-modified", 304, 100*time.Millisecond, 0)
				m.FetchDone("oinp-tech", "error", 0, 10*time.Second, 0)
				m.FetchDone("oinp-noi", "not-modified", 0, 50*time.Millisecond, 0)
			},
			want: []wantSample{
				{"drawwatch_fetches_total", "drawwatch_fetches_total", map[string]string{"source": "oinp-2024", "outcome": "parsed", "status": "200"}, 1},
				{"drawwatch_fetches_total", "drawwatch_fetches_total", map[string]string{"source": "oinp-2024", "outcome": "not-modified", "status": "304"}, 2},
				{"drawwatch_fetches_total", "drawwatch_fetches_total", map[string]string{"source": "oinp-tech", "outcome": "error", "status": "0"}, 1},
				{"drawwatch_fetch_bytes_total", "drawwatch_fetch_bytes_total", map[string]string{"source": "oinp-2024"}, 1000},
				{"drawwatch_fetch_not_modified_total", "drawwatch_fetch_not_modified_total", map[string]string{"source": "oinp-2024"}, 2},
				{"drawwatch_fetch_not_modified_total", "drawwatch_fetch_not_modified_total", map[string]string{"source": "oinp-tech"}, 0},
				{"drawwatch_fetch_not_modified_total", "drawwatch_fetch_not_modified_total", map[string]string{"source": "oinp-noi"}, 1},
				{"drawwatch_fetch_duration_seconds", "drawwatch_fetch_duration_seconds_bucket", map[string]string{"source": "oinp-2024", "le": "0.1"}, 2},
				{"drawwatch_fetch_duration_seconds", "drawwatch_fetch_duration_seconds_bucket", map[string]string{"source": "oinp-2024", "le": "0.5"}, 3},
				{"drawwatch_fetch_duration_seconds", "drawwatch_fetch_duration_seconds_count", map[string]string{"source": "oinp-tech"}, 1},
				{"drawwatch_fetch_duration_seconds", "drawwatch_fetch_duration_seconds_sum", map[string]string{"source": "oinp-tech"}, 10},
			},
		},
		{
			name: "gauges take the last value, counters add",
			record: func(m *Metrics) {
				m.SourceOK("oinp-2024", at.Add(-time.Hour))
				m.SourceOK("oinp-2024", at)
				m.Seen(10, 25)
				m.Seen(12, 30)
				m.Changes("new", 3)
				m.Changes("new", 2)
				m.Changes("changed", 1)
				m.AlertSent("slack-team")
				m.AlertSent("slack-team")
				m.AlertFailed("email-ops")
				m.AlertsPending(4)
				m.AlertsDead(2)
			},
			want: []wantSample{
				{"drawwatch_source_last_success_timestamp_seconds", "drawwatch_source_last_success_timestamp_seconds", map[string]string{"source": "oinp-2024"}, float64(at.Unix())},
				{"drawwatch_announcements", "drawwatch_announcements", nil, 12},
				{"drawwatch_draws", "drawwatch_draws", nil, 30},
				{"drawwatch_changes_total", "drawwatch_changes_total", map[string]string{"type": "new"}, 5},
				{"drawwatch_changes_total", "drawwatch_changes_total", map[string]string{"type": "changed"}, 1},
				{"drawwatch_alerts_sent_total", "drawwatch_alerts_sent_total", map[string]string{"target": "slack-team"}, 2},
				{"drawwatch_alerts_failed_total", "drawwatch_alerts_failed_total", map[string]string{"target": "email-ops"}, 1},
				{"drawwatch_alerts_pending", "drawwatch_alerts_pending", nil, 4},
				{"drawwatch_alerts_dead", "drawwatch_alerts_dead", nil, 2},
			},
		},
		{
			name: "label values with quotes, backslashes and newlines are escaped",
			record: func(m *Metrics) {
				m.AlertSent("team \"a\"\\b\nc")
			},
			want: []wantSample{
				{"drawwatch_alerts_sent_total", "drawwatch_alerts_sent_total", map[string]string{"target": "team \"a\"\\b\nc"}, 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics("v1.2.3-test")
			tt.record(m)
			fams, body := scrapeMetrics(t, m.Handler())
			for _, name := range declaredFamilies {
				f := fams[name]
				if f == nil || f.GetHelp() == "" {
					t.Errorf("family %s missing or lacks HELP", name)
				}
			}
			for _, w := range tt.want {
				f := fams[w.family]
				if f == nil {
					t.Errorf("family %s missing", w.family)
					continue
				}
				got, ok := sampleValue(f, w.name, w.labels)
				if !ok {
					t.Errorf("no sample %s%v in:\n%s", w.name, w.labels, body)
					continue
				}
				if got != w.value {
					t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
				}
			}
			for _, name := range tt.absent {
				if f := fams[name]; f != nil && len(f.GetMetric()) > 0 {
					t.Errorf("%s has samples before anything was recorded: %v", name, f.GetMetric())
				}
			}
		})
	}
}

// declaredFamilies is the public contract of /metrics: dashboards and
// alert rules are written against these names.
var declaredFamilies = []string{
	"drawwatch_runs_total",
	"drawwatch_run_duration_seconds",
	"drawwatch_changes_total",
	"drawwatch_announcements",
	"drawwatch_draws",
	"drawwatch_alerts_pending",
	"drawwatch_alerts_dead",
	"drawwatch_build_info",
}

// TestMetricsStandardCollectors checks the go_* and process_* families
// Prometheus users expect from any Go service are served.
func TestMetricsStandardCollectors(t *testing.T) {
	fams, _ := scrapeMetrics(t, NewMetrics("dev").Handler())
	want := []string{"go_goroutines", "go_memstats_alloc_bytes", "go_gc_duration_seconds"}
	if runtime.GOOS == "linux" {
		want = append(want, "process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds")
	}
	for _, name := range want {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// TestMetricsStableOutput checks that two scrapes of the same state are
// byte-identical whatever order the series were created in.
func TestMetricsStableOutput(t *testing.T) {
	a, b := NewMetrics("dev"), NewMetrics("dev")
	sources := []string{"zeta", "alpha", "mid"}
	for i := range sources {
		a.FetchDone(sources[i], "parsed", 200, time.Second, 10)
		b.FetchDone(sources[len(sources)-1-i], "parsed", 200, time.Second, 10)
	}
	names := []string{"drawwatch_fetches_total", "drawwatch_fetch_bytes_total", "drawwatch_fetch_duration_seconds"}
	wa, err := testutil.GatherAndFormat(a.Registry(), expfmt.TypeTextPlain, names...)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := testutil.GatherAndFormat(b.Registry(), expfmt.TypeTextPlain, names...)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wa, wb) {
		t.Fatalf("output depends on insertion order:\n%s\n---\n%s", wa, wb)
	}
	out := string(wa)
	ia, im, iz := strings.Index(out, `source="alpha"`), strings.Index(out, `source="mid"`), strings.Index(out, `source="zeta"`)
	if !(ia < im && im < iz) {
		t.Errorf("series not sorted by label value:\n%s", out)
	}
}

func TestMetricsConcurrent(t *testing.T) {
	m := NewMetrics("dev")
	var wg sync.WaitGroup
	const workers, each = 8, 200
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				m.FetchDone("src", "parsed", 200, time.Millisecond, 1)
				m.AlertSent("t")
				if w == 0 {
					rec := httptest.NewRecorder()
					m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				}
			}
		}()
	}
	wg.Wait()
	if v := testutil.ToFloat64(m.alertsSent.WithLabelValues("t")); v != workers*each {
		t.Errorf("alerts sent = %v, want %d", v, workers*each)
	}
	if v := testutil.ToFloat64(m.fetchBytes.WithLabelValues("src")); v != workers*each {
		t.Errorf("bytes = %v, want %d", v, workers*each)
	}
}
