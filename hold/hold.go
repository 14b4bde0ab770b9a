// Package hold decides when an alert a route holds is released: the next
// time of the route's digest schedule, or the end of its quiet hours. It
// is pure (no I/O, no clock of its own): callers pass the time.
package hold

import (
	"fmt"
	"slices"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/robfig/cron/v3"
)

// Deliver modes of a route.
const (
	DeliverNow    = "now"    // send each alert as it comes (the default)
	DeliverDigest = "digest" // hold alerts for the route's digest schedule
)

// Window is a daily quiet window between two local times of day; End
// before Start means it crosses midnight ("21:00-07:30").
type Window struct {
	start, end time.Duration // since local midnight
	text       string
}

// ParseWindow parses "HH:MM-HH:MM" (24-hour clock).
func ParseWindow(s string) (Window, error) {
	var sh, sm, eh, em int
	var rest string
	n, _ := fmt.Sscanf(s, "%d:%d-%d:%d%s", &sh, &sm, &eh, &em, &rest)
	if n != 4 || len(s) != len("21:00-07:30") {
		return Window{}, fmt.Errorf("%q is not a window like \"21:00-07:30\" (HH:MM-HH:MM, 24-hour clock)", s)
	}
	for _, v := range [][2]int{{sh, sm}, {eh, em}} {
		if v[0] > 23 || v[1] > 59 || v[0] < 0 || v[1] < 0 {
			return Window{}, fmt.Errorf("%q: %02d:%02d is not a time of day", s, v[0], v[1])
		}
	}
	w := Window{
		start: time.Duration(sh)*time.Hour + time.Duration(sm)*time.Minute,
		end:   time.Duration(eh)*time.Hour + time.Duration(em)*time.Minute,
		text:  s,
	}
	if w.start == w.end {
		return Window{}, fmt.Errorf("%q: the window starts when it ends", s)
	}
	return w, nil
}

// String is the window as written.
func (w Window) String() string { return w.text }

// at is the instant of time-of-day d on t's local date. time.Date
// normalises a time that a daylight-saving jump skips.
func at(t time.Time, d time.Duration) time.Time {
	y, m, day := t.Date()
	return time.Date(y, m, day, int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, t.Location())
}

// Ends reports whether t (in the window's zone: convert it first) falls in
// the window, and when the window it falls in ends.
func (w Window) Ends(t time.Time) (time.Time, bool) {
	tod := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	switch {
	case w.start < w.end && tod >= w.start && tod < w.end:
		return at(t, w.end), true
	case w.start > w.end && tod < w.end: // after midnight
		return at(t, w.end), true
	case w.start > w.end && tod >= w.start: // before midnight: ends tomorrow
		return at(t.AddDate(0, 0, 1), w.end), true
	}
	return time.Time{}, false
}

// Policy is one route's delivery timing.
type Policy struct {
	// Deliver is DeliverNow ("" too) or DeliverDigest.
	Deliver string
	// Digest is when a digest route sends (DeliverDigest only).
	Digest cron.Schedule
	// Quiet, when set, holds news (and QuietFor's kinds) while it lasts.
	// Zone is the zone its times of day, and a digest spec without
	// CRON_TZ=, are in (nil: the machine's).
	Quiet *Window
	Zone  *time.Location
	// QuietFor lists the route kinds ("draw", "ops") quiet hours hold on
	// top of news, which they always hold.
	QuietFor []string
}

// Release is when an alert of route kind ("draw", "news", "ops") queued
// now may go under p, and why it waits (HoldDigest, HoldQuiet); until is
// now and why "" when it goes at once.
func (p Policy) Release(kind string, now time.Time) (until time.Time, why string) {
	zone := p.Zone
	if zone == nil {
		zone = time.Local
	}
	if p.Deliver == DeliverDigest && p.Digest != nil {
		// A spec without CRON_TZ= runs in Zone, like quiet hours.
		if next := p.Digest.Next(now.In(zone)); !next.IsZero() {
			return next, drawwatch.HoldDigest
		}
	}
	if p.Quiet != nil && (kind == "news" || slices.Contains(p.QuietFor, kind)) {
		if end, in := p.Quiet.Ends(now.In(zone)); in {
			return end, drawwatch.HoldQuiet
		}
	}
	return now, ""
}
