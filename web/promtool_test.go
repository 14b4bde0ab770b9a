package web

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os/exec"
	"testing"
	"time"
)

// TestMetricsPromtool feeds /metrics to Prometheus's own linter, `promtool
// check metrics`: it rejects what a Prometheus server would choke on and
// flags naming mistakes (a counter without _total, a missing HELP).
func TestMetricsPromtool(t *testing.T) {
	bin, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not on PATH: install it to lint /metrics (Debian/Ubuntu: apt-get install -y --no-install-recommends prometheus)")
	}
	m := NewMetrics("v1.2.3")
	m.DeclareTargets("team-slack", "partners-mail")
	m.DeclareSources("oinp-2024")
	m.RunDone(true, 3*time.Second)
	m.RunDone(false, time.Minute)
	m.FetchDone("oinp-2024", "fetched", 200, 842*time.Millisecond, 187_400)
	m.FetchDone("oinp-2024", "not-modified", 304, 90*time.Millisecond, 0)
	m.SourceOK("oinp-2024", time.Now())
	m.Seen(239, 412)
	m.Changes("changed", 1)
	m.AlertSent("team-slack")
	m.AlertFailed("partners-mail")
	m.AlertsPending(1)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "check", "metrics")
	cmd.Stdin = bytes.NewReader(rec.Body.Bytes())
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
