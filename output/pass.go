package output

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/watch"
)

// Pass writes one pass's per-source summary and the changes it recorded
// (or, in a dry run, would record), with who would be alerted.
func Pass(w io.Writer, rep watch.Report, dryRun bool, route func(drawwatch.Event) []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tOUTCOME\tSTATUS\tBYTES\tTIME\tANNOUNCEMENTS\tDRAWS\tNEW\tCHANGED\tREMOVED\tALERTS\tURL")
	for _, s := range rep.Sources {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Source, s.Outcome, s.Status, s.Bytes,
			s.Duration.Round(time.Millisecond), s.Announcements, s.Draws, s.New, s.Changed, s.Removed, s.Alerts, s.URL)
	}
	tw.Flush()
	verb := "recorded"
	if dryRun {
		verb = "would be recorded (dry run: nothing written)"
	}
	var lines []string
	for _, s := range rep.Sources {
		for _, c := range s.Changes {
			lines = append(lines, describeChange(c, dryRun, route))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nchanges %s:\n%s\n", verb, strings.Join(lines, "\n"))
	}
}

func describeChange(c drawwatch.Change, dryRun bool, route func(drawwatch.Event) []string) string {
	a := c.Announcement
	s := fmt.Sprintf("  %-9s %s, posted %s (id %s)", changeWord(c.Type), a.Title, a.Posted, a.ID)
	for _, f := range c.Fields {
		s += "\n             " + notify.ChangeLine(&a, f)
	}
	if dryRun && route != nil && c.Type != drawwatch.ChangeRemoved {
		typ := drawwatch.EventNew
		switch {
		case c.Type == drawwatch.ChangeChanged:
			typ = drawwatch.EventChanged
		case a.Kind == drawwatch.KindNews:
			typ = drawwatch.EventNews
		}
		if targets := route(drawwatch.Event{Type: typ, Announcement: &a, Fields: c.Fields}); len(targets) > 0 {
			s += "\n             would alert: " + strings.Join(targets, ", ")
		}
	}
	return s
}

// changeWord says what happened to an announcement as a reader would.
func changeWord(t drawwatch.ChangeType) string {
	switch t {
	case drawwatch.ChangeChanged:
		return "corrected"
	case drawwatch.ChangeRemoved:
		return "removed"
	}
	return string(t)
}

// FirstPass tells what the first pass of a new store did quietly: it
// recorded the pages' history, alerting only recent draws.
func FirstPass(w io.Writer, rep watch.Report, backlogDays int) {
	anns, alerts := 0, 0
	for _, s := range rep.Sources {
		anns += s.Announcements
		alerts += s.Alerts
	}
	if anns == 0 {
		return
	}
	rule := "none of them alerted (store.backlog_days = 0)"
	if backlogDays > 0 {
		rule = fmt.Sprintf("%s queued, only for what was posted in the last %d days (store.backlog_days)", plural(alerts, "alert"), backlogDays)
	}
	fmt.Fprintf(w, "\nfirst pass of a new store: %s recorded as history, %s; from now on every new or corrected draw is alerted.\n",
		plural(anns, "announcement"), rule)
}

// WouldSend renders the alerts a dry run queued, as each target would get
// them.
func WouldSend(ctx context.Context, w io.Writer, due []drawwatch.Alert, highlight func(drawwatch.Alert) []string) {
	if len(due) == 0 {
		fmt.Fprintln(w, "\nno message would be sent (dry run)")
		return
	}
	fmt.Fprintf(w, "\n%s would be sent (dry run: nothing sent, nothing written):\n", plural(len(due), "message"))
	c := &Console{W: w, Highlight: highlight}
	for _, a := range due {
		c.Send(ctx, a)
	}
}
