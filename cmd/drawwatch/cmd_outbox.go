package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

func cmdOutbox(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("outbox", env)
	configPath := fs.configFlag()
	showSent := fs.Bool("sent", false, "also list delivered alerts")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unknown outbox action %q (want: retry)", pos[0])
	}
	statuses := []drawwatch.AlertStatus{drawwatch.AlertPending, drawwatch.AlertDead}
	if *showSent {
		statuses = append(statuses, drawwatch.AlertSent)
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		alerts, err := st.Alerts(ctx, statuses...)
		if err != nil {
			return fmt.Errorf("read outbox: %w", err)
		}
		printAlerts(env.stdout, alerts)
		return nil
	})
}

func printAlerts(w io.Writer, alerts []drawwatch.Alert) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
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
	fmt.Fprintf(w, "%d alerts\n", len(alerts))
}

func cmdOutboxRetry(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("outbox retry", env)
	configPath := fs.configFlag()
	all := fs.Bool("all", false, "re-queue every pending and dead alert")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	var id int64
	switch {
	case *all && len(pos) == 0:
	case !*all && len(pos) == 1:
		if id, err = strconv.ParseInt(pos[0], 10, 64); err != nil {
			return usagef("alert id %q is not a number (ids are in the ID column of `drawwatch outbox`)", pos[0])
		}
	default:
		return usagef("usage: drawwatch outbox retry ID | drawwatch outbox retry --all")
	}
	return withStore(ctx, env, *configPath, true, func(a *app, st *store.Store) error {
		if *all {
			n, err := st.RequeueAll(ctx)
			if err != nil {
				return fmt.Errorf("re-queue: %w", err)
			}
			fmt.Fprintf(env.stdout, "%d alerts re-queued; they are sent on the next `scrape --once` or by the running daemon\n", n)
			return nil
		}
		if err := st.Requeue(ctx, id); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no alert %d in the outbox of %s", id, st.Path())
		} else if err != nil {
			return fmt.Errorf("re-queue %d: %w", id, err)
		}
		fmt.Fprintf(env.stdout, "alert %d re-queued\n", id)
		return nil
	})
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
