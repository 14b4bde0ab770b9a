package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// TestStatusPageDeadAlerts: a dead alert shows on the status page with its
// target, its error and the command that re-queues it; none, no section.
func TestStatusPageDeadAlerts(t *testing.T) {
	st := newTestStore(t)
	s := newTestServer(t, st, testNow.Add(-10*time.Minute), true)
	doc := func() *goquery.Document {
		d, err := goquery.NewDocumentFromReader(get(t, s.Handler(), "GET", "/").Body)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if n := doc().Find("#dead-alerts").Length(); n != 0 {
		t.Errorf("dead-alerts section shown with no dead alert")
	}

	id := addDeadAlert(t, st)
	d := doc()
	rows := d.Find("#dead-alerts tbody tr")
	if rows.Length() != 1 {
		t.Fatalf("dead-alerts rows = %d, want 1", rows.Length())
	}
	text := strings.Join(strings.Fields(rows.Text()), " ")
	for _, w := range []string{fmt.Sprint(id), "slack-team", "Upcoming changes to the OINP", deadReason, fmt.Sprintf("drawwatch outbox retry %d", id)} {
		if !strings.Contains(text, w) {
			t.Errorf("dead alert row lacks %q: %s", w, text)
		}
	}
	if strings.Contains(text, "will retry") || strings.Contains(text, "retryable") {
		t.Errorf("dead alert row says it will retry: %s", text)
	}
	if summary := d.Find("dl.summary").Text(); !strings.Contains(summary, "1 dead") {
		t.Errorf("summary does not count the dead alert: %s", strings.Join(strings.Fields(summary), " "))
	}
}

const deadReason = "gave up after 12 attempts; the last failed with: notify slack-team: post webhook: 500 Internal Server Error"

// addDeadAlert queues one news alert to slack-team and gives up on it.
func addDeadAlert(t *testing.T, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	ev := drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{ID: "x", Title: "Upcoming changes to the OINP"}, DetectedAt: testNow}
	id, _, err := st.Enqueue(ctx, "slack-team", ev, "dead-test")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkDead(ctx, id, deadReason); err != nil {
		t.Fatal(err)
	}
	return id
}
