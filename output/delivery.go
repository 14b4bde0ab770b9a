package output

import (
	"fmt"
	"io"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
)

// Delivery prints the totals, then one line per target, so a target that
// fails is seen apart from the ones that delivered. pending is what is
// still queued after the drain.
func Delivery(w io.Writer, rep notify.DrainReport, pending []drawwatch.Alert) {
	queued := map[string]int{}
	for _, al := range pending {
		queued[al.Target]++
	}
	fmt.Fprintf(w, "\nalerts: %d sent, %d failed, %d still queued\n", rep.Sent(), rep.Failed(), len(pending))
	heldLine(w, pending)
	for _, t := range rep.Targets {
		line := fmt.Sprintf("  %s: %d sent, %d failed, %d still queued", t.Target, t.Sent, t.Failed, queued[t.Target])
		if t.Dead > 0 {
			line += fmt.Sprintf(" (%d dead)", t.Dead)
		}
		if t.Paused {
			line += fmt.Sprintf("; paused until %s after: %s", t.Until.Local().Format(time.TimeOnly), t.Error)
		}
		fmt.Fprintln(w, line)
	}
}

// heldLine says how many queued alerts a route holds (a digest, quiet
// hours) and when the first goes, so "still queued" is not read as stuck.
func heldLine(w io.Writer, pending []drawwatch.Alert) {
	held := 0
	var first time.Time
	for _, al := range pending {
		if al.HeldUntil.IsZero() {
			continue
		}
		held++
		if first.IsZero() || al.HeldUntil.Before(first) {
			first = al.HeldUntil
		}
	}
	if held > 0 {
		fmt.Fprintf(w, "  %d held for a digest or quiet hours; the first goes at %s\n", held, first.Local().Format("2006-01-02 15:04 MST"))
	}
}
