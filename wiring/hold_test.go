package wiring

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
)

// TestRouterCarriesHolds: the [[route]] keys deliver, digest, quiet_hours
// and quiet_for reach the router; quiet hours are read in the schedule's
// zone.
func TestRouterCarriesHolds(t *testing.T) {
	doc := `
[schedule]
cron = "CRON_TZ=America/Toronto */10 7-21 * * MON-FRI"
[[slack]]
name = "morning"
webhook_url = "https://hooks.slack.com/services/T/B/x"
[[slack]]
name = "night"
webhook_url = "https://hooks.slack.com/services/T/B/y"
[[route]]
targets = ["morning"]
kinds = ["news"]
deliver = "digest"
digest = "CRON_TZ=America/Toronto 0 8 * * MON-FRI"
[[route]]
targets = ["night"]
kinds = ["news", "draw"]
quiet_hours = "21:00-07:30"
`
	cfg, err := config.Parse([]byte(doc), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a := &App{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	router, err := a.Router()
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/Toronto")
	night := time.Date(2026, 6, 10, 23, 0, 0, 0, loc) // a Wednesday
	news := drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{Title: "Intake paused"}}
	draw := drawwatch.Event{Type: drawwatch.EventNew, Announcement: &drawwatch.Announcement{Kind: drawwatch.KindDraw}}
	for _, tt := range []struct {
		name   string
		ev     drawwatch.Event
		target string
		until  time.Time
		why    string
	}{
		{"digest at 08:00", news, "morning", time.Date(2026, 6, 11, 8, 0, 0, 0, loc), drawwatch.HoldDigest},
		{"quiet until 07:30 local", news, "night", time.Date(2026, 6, 11, 7, 30, 0, 0, loc), drawwatch.HoldQuiet},
		{"draws go at once", draw, "night", night, ""},
	} {
		until, why := router.Release(tt.ev, tt.target, night.UTC())
		if why != tt.why || !until.Equal(tt.until) {
			t.Errorf("%s: Release = %s %q, want %s %q", tt.name, until.In(loc), why, tt.until, tt.why)
		}
	}
}
