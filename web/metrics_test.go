package web

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPromParser keeps the test parser honest: it must accept the valid
// fixtures and reject every invalid one, else passing /metrics through it
// proves nothing.
func TestPromParser(t *testing.T) {
	for _, dir := range []string{"valid", "invalid"} {
		files, err := filepath.Glob(filepath.Join("testdata", "prom", dir, "*.prom"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no fixtures in testdata/prom/%s: %v", dir, err)
		}
		for _, file := range files {
			t.Run(dir+"/"+filepath.Base(file), func(t *testing.T) {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				_, err = parseProm(bytes.NewReader(data))
				if dir == "valid" && err != nil {
					t.Errorf("rejected a valid exposition: %v", err)
				}
				if dir == "invalid" && err == nil {
					t.Errorf("accepted an invalid exposition:\n%s", data)
				}
			})
		}
	}
}

func TestPromParserEscapes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "prom", "valid", "escapes-and-specials.prom"))
	if err != nil {
		t.Fatal(err)
	}
	fams, err := parseProm(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := fams["a_total"].value("a_total", map[string]string{"x": "q\"uo\\te\nnl"}); !ok || v != 3 {
		t.Errorf("escaped label value not decoded: %v %v (%+v)", v, ok, fams["a_total"].Samples)
	}
	if v, ok := fams["g"].value("g", map[string]string{}); !ok || !math.IsInf(v, -1) {
		t.Errorf("-Inf not read: %v %v", v, ok)
	}
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
			name:   "fresh registry declares gauges at zero and no counters",
			record: func(m *Metrics) {},
			want: []wantSample{
				{"drawwatch_announcements", "drawwatch_announcements", nil, 0},
				{"drawwatch_draws", "drawwatch_draws", nil, 0},
				{"drawwatch_alerts_pending", "drawwatch_alerts_pending", nil, 0},
			},
			absent: []string{"drawwatch_runs_total", "drawwatch_fetches_total", "drawwatch_run_duration_seconds"},
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
			m := NewMetrics()
			tt.record(m)
			var buf bytes.Buffer
			n, err := m.WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("WriteTo returned %d bytes, wrote %d", n, buf.Len())
			}
			fams, err := parseProm(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("output is not valid exposition format: %v\n%s", err, buf.String())
			}
			for _, name := range declaredFamilies {
				f := fams[name]
				if f == nil || f.Help == "" || f.Type == "" {
					t.Errorf("family %s missing or lacks HELP/TYPE", name)
				}
			}
			for _, w := range tt.want {
				f := fams[w.family]
				if f == nil {
					t.Errorf("family %s missing", w.family)
					continue
				}
				labels := w.labels
				if labels == nil {
					labels = map[string]string{}
				}
				got, ok := f.value(w.name, labels)
				if !ok {
					t.Errorf("no sample %s%v in:\n%s", w.name, labels, buf.String())
					continue
				}
				if got != w.value {
					t.Errorf("%s%v = %v, want %v", w.name, labels, got, w.value)
				}
			}
			for _, name := range tt.absent {
				if f := fams[name]; f != nil && len(f.Samples) > 0 {
					t.Errorf("%s has samples before anything was recorded: %+v", name, f.Samples)
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
	"drawwatch_fetches_total",
	"drawwatch_fetch_duration_seconds",
	"drawwatch_fetch_bytes_total",
	"drawwatch_fetch_not_modified_total",
	"drawwatch_source_last_success_timestamp_seconds",
	"drawwatch_announcements",
	"drawwatch_draws",
	"drawwatch_changes_total",
	"drawwatch_alerts_sent_total",
	"drawwatch_alerts_failed_total",
	"drawwatch_alerts_pending",
}

// TestMetricsStableOutput checks that two writes of the same state are
// byte-identical whatever order the series were created in.
func TestMetricsStableOutput(t *testing.T) {
	a, b := NewMetrics(), NewMetrics()
	sources := []string{"zeta", "alpha", "mid"}
	for i := range sources {
		a.FetchDone(sources[i], "parsed", 200, time.Second, 10)
		b.FetchDone(sources[len(sources)-1-i], "parsed", 200, time.Second, 10)
	}
	var wa, wb bytes.Buffer
	if _, err := a.WriteTo(&wa); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WriteTo(&wb); err != nil {
		t.Fatal(err)
	}
	if wa.String() != wb.String() {
		t.Fatalf("output depends on insertion order:\n%s\n---\n%s", wa.String(), wb.String())
	}
	// Sorted: alpha before mid before zeta within the family.
	out := wa.String()
	ia, im, iz := strings.Index(out, `source="alpha"`), strings.Index(out, `source="mid"`), strings.Index(out, `source="zeta"`)
	if !(ia < im && im < iz) {
		t.Errorf("series not sorted by label value:\n%s", out)
	}
}

func TestMetricsConcurrent(t *testing.T) {
	m := NewMetrics()
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
					var buf bytes.Buffer
					_, _ = m.WriteTo(&buf)
				}
			}
		}()
	}
	wg.Wait()
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	fams, err := parseProm(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := fams["drawwatch_alerts_sent_total"].value("drawwatch_alerts_sent_total", map[string]string{"target": "t"}); v != workers*each {
		t.Errorf("alerts sent = %v, want %d", v, workers*each)
	}
	if v, _ := fams["drawwatch_fetch_bytes_total"].value("drawwatch_fetch_bytes_total", map[string]string{"source": "src"}); v != workers*each {
		t.Errorf("bytes = %v, want %d", v, workers*each)
	}
}
