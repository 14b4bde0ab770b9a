package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// A change over delivery.max_per_change reaches each target as one summary.
func TestRenderSummary(t *testing.T) {
	const msg = "312 new announcements on https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates: see the status page"
	a := drawwatch.Alert{Target: "slack", Event: drawwatch.Event{Type: drawwatch.EventSummary, Source: "updates", Message: msg,
		DetectedAt: time.Date(2024, 2, 6, 15, 0, 0, 0, time.UTC)}}
	m := Render(a, nil)
	if !strings.Contains(m.Subject, "updates") || !strings.Contains(m.Subject, "one by one") {
		t.Errorf("subject = %q, want the source and why it is a summary", m.Subject)
	}
	for name, body := range map[string]string{"text": m.Text, "html": m.HTML} {
		if !strings.Contains(body, "312 new announcements on") || !strings.Contains(body, "see the status page") {
			t.Errorf("%s body does not carry the summary: %q", name, body)
		}
	}
}
