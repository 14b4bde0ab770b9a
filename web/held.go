package web

import (
	"fmt"
	"sort"
	"time"

	"github.com/drawwatch/drawwatch"
)

// heldRow is one alert a route holds (a digest, quiet hours), with when it
// is released.
type heldRow struct {
	ID      int64
	Target  string
	Subject string
	Hold    string // "digest" or "quiet hours"
	Until   when
	Queued  when
}

// heldRows lists the pending alerts that wait for a digest or the end of
// quiet hours, the first to go first.
func (s *Server) heldRows(pending []drawwatch.Alert, now time.Time) []heldRow {
	var held []drawwatch.Alert
	for _, a := range pending {
		if !a.HeldUntil.IsZero() {
			held = append(held, a)
		}
	}
	sort.SliceStable(held, func(i, j int) bool { return held[i].HeldUntil.Before(held[j].HeldUntil) })
	rows := make([]heldRow, 0, len(held))
	for _, a := range held {
		why := a.Hold
		if why == drawwatch.HoldQuiet {
			why = "quiet hours"
		}
		rows = append(rows, heldRow{ID: a.ID, Target: a.Target, Subject: heldSubject(a.Event), Hold: why,
			Until: when{Time: s.fmtTime(a.HeldUntil), Ago: until(now, a.HeldUntil)}, Queued: s.fmtAgo(now, a.CreatedAt)})
	}
	return rows
}

// heldSubject names what a held alert is about.
func heldSubject(ev drawwatch.Event) string {
	switch {
	case ev.Announcement != nil:
		return string(ev.Type) + ": " + ev.Announcement.Title
	case ev.Source != "":
		return string(ev.Type) + ": source " + ev.Source
	}
	return string(ev.Type)
}

// until is how long until t, coarsely ("in 40 min", "in 9 h"); "due" once
// it has passed (the next delivery sends it).
func until(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d <= 0:
		return "due"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int(d.Round(time.Minute)/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("in %d h", int(d.Round(time.Hour)/time.Hour))
	}
	return fmt.Sprintf("in %d days", int(d/(24*time.Hour)))
}
