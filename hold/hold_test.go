package hold

import (
	"testing"
	"time"
	_ "time/tzdata" // America/Toronto without a system zone database

	"github.com/drawwatch/drawwatch"
	"github.com/robfig/cron/v3"
)

func toronto(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseWindow(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"21:00-07:30", true}, {"09:00-17:00", true}, {"00:00-23:59", true},
		{"21:00-21:00", false}, {"25:00-07:00", false}, {"21:60-07:00", false},
		{"9:00-17:00", false}, {"21:00", false}, {"21:00-07:30 ", false}, {"", false}, {"ab:cd-ef:gh", false},
	} {
		_, err := ParseWindow(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseWindow(%q): err = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func TestWindowAcrossMidnight(t *testing.T) {
	loc := toronto(t)
	w, err := ParseWindow("21:00-07:30")
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h, m int) time.Time { return time.Date(2026, 6, d, h, m, 0, 0, loc) }
	for _, tt := range []struct {
		at   time.Time
		in   bool
		ends time.Time
	}{
		{day(10, 20, 59), false, time.Time{}},
		{day(10, 21, 0), true, day(11, 7, 30)},
		{day(10, 23, 59), true, day(11, 7, 30)},
		{day(11, 0, 0), true, day(11, 7, 30)},
		{day(11, 7, 29), true, day(11, 7, 30)},
		{day(11, 7, 30), false, time.Time{}},
		{day(11, 12, 0), false, time.Time{}},
	} {
		ends, in := w.Ends(tt.at)
		if in != tt.in || !ends.Equal(tt.ends) {
			t.Errorf("Ends(%s) = %s, %v; want %s, %v", tt.at, ends, in, tt.ends, tt.in)
		}
	}
}

// The window ends at 07:30 local on the day after a daylight-saving change,
// not an hour off.
func TestWindowAcrossDaylightSaving(t *testing.T) {
	loc := toronto(t)
	w, _ := ParseWindow("21:00-07:30")
	for _, tt := range []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"spring forward", time.Date(2026, 3, 7, 22, 0, 0, 0, loc), time.Date(2026, 3, 8, 7, 30, 0, 0, loc)},
		{"fall back", time.Date(2026, 10, 31, 22, 0, 0, 0, loc), time.Date(2026, 11, 1, 7, 30, 0, 0, loc)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Quiet: &w, Zone: loc}
			until, why := p.Release("news", tt.at.UTC())
			if why != drawwatch.HoldQuiet || !until.Equal(tt.want) {
				t.Fatalf("Release = %s (%q), want %s", until.In(loc), why, tt.want)
			}
			if h, m, _ := until.In(loc).Clock(); h != 7 || m != 30 {
				t.Errorf("released at %02d:%02d local, want 07:30", h, m)
			}
			// The night is an hour shorter (or longer) than usual.
			night := until.Sub(tt.at)
			if night == 9*time.Hour+30*time.Minute {
				t.Errorf("night of %s is %s, as on a day without a change", tt.name, night)
			}
		})
	}
}

func TestReleaseKinds(t *testing.T) {
	loc := toronto(t)
	w, _ := ParseWindow("21:00-07:30")
	night := time.Date(2026, 6, 10, 23, 0, 0, 0, loc)
	morning := time.Date(2026, 6, 11, 7, 30, 0, 0, loc)
	for _, tt := range []struct {
		name     string
		quietFor []string
		kind     string
		held     bool
	}{
		{"news is held", nil, "news", true},
		{"draws go at once", nil, "draw", false},
		{"ops go at once", nil, "ops", false},
		{"quiet_for draw holds draws", []string{"draw"}, "draw", true},
		{"quiet_for draw still holds news", []string{"draw"}, "news", true},
		{"quiet_for draw lets ops go", []string{"draw"}, "ops", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Quiet: &w, Zone: loc, QuietFor: tt.quietFor}
			until, why := p.Release(tt.kind, night)
			if tt.held && (why != drawwatch.HoldQuiet || !until.Equal(morning)) {
				t.Errorf("Release = %s %q, want held until %s", until, why, morning)
			}
			if !tt.held && (why != "" || !until.Equal(night)) {
				t.Errorf("Release = %s %q, want at once", until, why)
			}
		})
	}
	// Outside the window nothing waits.
	if _, why := (Policy{Quiet: &w, Zone: loc}).Release("news", morning); why != "" {
		t.Errorf("news at 07:30 held (%q)", why)
	}
}

// A weekday 08:00 digest fires at 08:00 local across both 2026 changes.
func TestDigestAcrossDaylightSaving(t *testing.T) {
	loc := toronto(t)
	sched, err := cron.ParseStandard("CRON_TZ=America/Toronto 0 8 * * MON-FRI")
	if err != nil {
		t.Fatal(err)
	}
	p := Policy{Deliver: DeliverDigest, Digest: sched}
	for _, tt := range []struct{ queued, want time.Time }{
		// Friday evening before the spring change -> Monday 9 March 08:00 EDT.
		{time.Date(2026, 3, 6, 18, 0, 0, 0, loc), time.Date(2026, 3, 9, 8, 0, 0, 0, loc)},
		// Friday evening before the autumn change -> Monday 2 November 08:00 EST.
		{time.Date(2026, 10, 30, 18, 0, 0, 0, loc), time.Date(2026, 11, 2, 8, 0, 0, 0, loc)},
		// Right at 08:00 the next digest is the next weekday's.
		{time.Date(2026, 11, 2, 8, 0, 0, 0, loc), time.Date(2026, 11, 3, 8, 0, 0, 0, loc)},
	} {
		until, why := p.Release("draw", tt.queued.UTC())
		if why != drawwatch.HoldDigest || !until.Equal(tt.want) {
			t.Errorf("queued %s: Release = %s %q, want %s", tt.queued, until.In(loc), why, tt.want)
		}
		if h, m, _ := until.In(loc).Clock(); h != 8 || m != 0 {
			t.Errorf("queued %s: digest at %02d:%02d local", tt.queued, h, m)
		}
	}
	if off := time.Date(2026, 3, 9, 8, 0, 0, 0, loc).Sub(time.Date(2026, 3, 6, 8, 0, 0, 0, loc)); off != 71*time.Hour {
		t.Errorf("spring weekend lasted %s, want 71h (the clock went forward)", off)
	}
}

func TestNowPolicyNeverHolds(t *testing.T) {
	now := time.Date(2026, 6, 10, 23, 0, 0, 0, time.UTC)
	if until, why := (Policy{}).Release("news", now); why != "" || !until.Equal(now) {
		t.Errorf("Release = %s %q", until, why)
	}
}
