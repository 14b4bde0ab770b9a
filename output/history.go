package output

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
)

// History writes an announcement's versions and what changed between them.
func History(w io.Writer, versions []store.AnnouncementVersion) {
	for i, v := range versions {
		fmt.Fprintf(w, "version %d, seen %s\n  %s\n", i+1, v.SeenAt.Local().Format("2 January 2006 15:04 MST"), v.Announcement.Title)
		if i == 0 {
			fmt.Fprintf(w, "  first seen with %s\n", plural(len(v.Announcement.Draws), "draw"))
		}
		if i > 0 && len(v.Fields) == 0 {
			fmt.Fprintln(w, "  reworded; no draw field changed")
		}
		for _, f := range v.Fields {
			fmt.Fprintf(w, "  %s\n", notify.ChangeLine(&v.Announcement, f))
		}
	}
}

// Alerts writes outbox rows as a table.
func Alerts(w io.Writer, alerts []drawwatch.Alert) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tTARGET\tEVENT\tATTEMPTS\tNEXT TRY\tCREATED\tSUBJECT\tLAST ERROR")
	for _, al := range alerts {
		status := string(al.Status)
		if al.Status == drawwatch.AlertPending && al.Attempts > 0 {
			status = "failed" // pending, with earlier failed attempts
		}
		if al.Status == drawwatch.AlertPending && al.Attempts == 0 && al.Hold != "" && al.HeldUntil.After(time.Now()) {
			status = "held:" + al.Hold // a digest or quiet hours; NEXT TRY is when it goes
		}
		next := "-"
		if al.Status == drawwatch.AlertPending {
			next = al.NextTry.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", al.ID, status, al.Target, al.Event.Type, al.Attempts,
			next, al.CreatedAt.Local().Format(time.DateTime), alertSubject(al.Event), al.LastError)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d alerts\n", len(alerts))
	dead := 0
	for _, al := range alerts {
		if al.Status == drawwatch.AlertDead {
			dead++
		}
	}
	if dead > 0 {
		fmt.Fprintf(w, "%s given up on: once the target works, re-queue one with `drawwatch outbox retry ID`, all with `drawwatch outbox retry --all`\n",
			plural(dead, "dead alert"))
	}
}

func alertSubject(ev drawwatch.Event) string {
	if ev.Announcement != nil {
		return ev.Announcement.Title
	}
	if ev.Source != "" {
		return "source " + ev.Source
	}
	if ev.Target != "" {
		return "alerts to " + ev.Target
	}
	return string(ev.Type)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
