package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// TestStatusPageHeldAlerts: alerts a route holds show with their target,
// why they wait and until when (in the page's zone), the first to go
// first; with none held, no section.
func TestStatusPageHeldAlerts(t *testing.T) {
	st := newTestStore(t)
	s := newTestServer(t, st, testNow.Add(-10*time.Minute), true)
	doc := func() *goquery.Document {
		d, err := goquery.NewDocumentFromReader(get(t, s.Handler(), "GET", "/").Body)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if n := doc().Find("#held-alerts").Length(); n != 0 {
		t.Errorf("held-alerts section shown with nothing held")
	}
	addHeldAlerts(t, st)
	d := doc()
	rows := d.Find("#held-alerts tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("held rows = %d, want 2", rows.Length())
	}
	want := [][]string{
		{"slack-team", "news: Intake paused", "quiet hours", s.fmtTime(testNow.Add(90 * time.Minute)), "in 2 h"},
		{"email-team", "news: Intake paused", "digest", s.fmtTime(testNow.Add(20 * time.Hour)), "in 20 h"},
	}
	rows.Each(func(i int, row *goquery.Selection) {
		text := strings.Join(strings.Fields(row.Text()), " ")
		for _, w := range want[i] {
			if !strings.Contains(text, w) {
				t.Errorf("held row %d lacks %q: %s", i, w, text)
			}
		}
	})
	if summary := d.Find("dl.summary").Text(); !strings.Contains(summary, "2 held") {
		t.Errorf("summary does not count held alerts: %s", strings.Join(strings.Fields(summary), " "))
	}
}

// addHeldAlerts queues one news alert to two targets and holds them: one
// for quiet hours ending 90 minutes after testNow, one for a digest 20 h on.
func addHeldAlerts(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	ev := drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{ID: "held", Title: "Intake paused"}, DetectedAt: testNow}
	for _, h := range []struct {
		target, why string
		until       time.Time
	}{
		{"email-team", drawwatch.HoldDigest, testNow.Add(20 * time.Hour)},
		{"slack-team", drawwatch.HoldQuiet, testNow.Add(90 * time.Minute)},
	} {
		id, _, err := st.Enqueue(ctx, h.target, ev, "held|"+h.target)
		if err != nil {
			t.Fatal(err)
		}
		if held, err := st.HoldAlert(ctx, id, h.until, h.why); !held || err != nil {
			t.Fatalf("HoldAlert = %v, %v", held, err)
		}
	}
}
