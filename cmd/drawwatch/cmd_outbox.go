package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

func cmdOutbox(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags("outbox", env)
	configPath := fs.String("config", "", "config file")
	all := fs.Bool("all", false, "with retry: re-queue every pending and dead alert")
	showSent := fs.Bool("sent", false, "also list delivered alerts")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	a, err := loadApp(env, *configPath)
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	st, err := a.openStore(ctx)
	if err != nil {
		env.errorf("%v", err)
		return exitFailed
	}
	defer st.Close()

	if len(pos) > 0 && pos[0] == "retry" {
		switch {
		case *all && len(pos) == 1:
			n, err := st.RequeueAll(ctx)
			if err != nil {
				env.errorf("re-queue: %v", err)
				return exitFailed
			}
			fmt.Fprintf(env.stdout, "%d alerts re-queued; they are sent on the next `scrape --once` or by the running daemon\n", n)
			return exitOK
		case !*all && len(pos) == 2:
			id, err := strconv.ParseInt(pos[1], 10, 64)
			if err != nil {
				env.errorf("alert id %q is not a number", pos[1])
				return exitUsage
			}
			if err := st.Requeue(ctx, id); errors.Is(err, store.ErrNotFound) {
				env.errorf("no alert %d in the outbox", id)
				return exitFailed
			} else if err != nil {
				env.errorf("re-queue %d: %v", id, err)
				return exitFailed
			}
			fmt.Fprintf(env.stdout, "alert %d re-queued\n", id)
			return exitOK
		}
		env.errorf("usage: drawwatch outbox retry ID | drawwatch outbox retry --all")
		return exitUsage
	}
	if len(pos) > 0 {
		env.errorf("unknown outbox action %q (want: retry)", pos[0])
		return exitUsage
	}
	statuses := []drawwatch.AlertStatus{drawwatch.AlertPending, drawwatch.AlertDead}
	if *showSent {
		statuses = append(statuses, drawwatch.AlertSent)
	}
	alerts, err := st.Alerts(ctx, statuses...)
	if err != nil {
		env.errorf("read outbox: %v", err)
		return exitFailed
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tTARGET\tEVENT\tATTEMPTS\tNEXT TRY\tCREATED\tSUBJECT\tLAST ERROR")
	for _, al := range alerts {
		status := string(al.Status)
		if al.Status == drawwatch.AlertPending && al.Attempts > 0 {
			status = "failed" // pending, with earlier failed attempts
		}
		next := "-"
		if al.Status == drawwatch.AlertPending {
			next = al.NextTry.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", al.ID, status, al.Target, al.Event.Type, al.Attempts,
			next, al.CreatedAt.Local().Format(time.DateTime), alertSubject(al.Event), al.LastError)
	}
	tw.Flush()
	fmt.Fprintf(env.stdout, "%d alerts\n", len(alerts))
	return exitOK
}

func alertSubject(ev drawwatch.Event) string {
	if ev.Announcement != nil {
		return ev.Announcement.Title
	}
	if ev.Source != "" {
		return "source " + ev.Source
	}
	return string(ev.Type)
}
