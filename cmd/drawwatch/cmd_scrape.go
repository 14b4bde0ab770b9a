package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/watch"
)

func cmdScrape(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("scrape", env)
	once := fs.Bool("once", false, "one pass over all sources, then exit (the daemon is the run command)")
	dryRun := fs.Bool("dry-run", false, "fetch and parse, print what would be recorded and alerted, write nothing")
	configPath := fs.configFlag()
	if _, err := fs.parse(args); err != nil {
		return err
	}
	if !*once {
		return usagef("scrape needs --once (one pass); run the daemon with the run command")
	}
	return withStore(ctx, env, *configPath, true, func(a *app, st *store.Store) error {
		return a.scrapeOnce(ctx, env, st, *dryRun)
	})
}

// scrapeOnce is one full pass: lock, fetch, store, print, deliver.
func (a *app) scrapeOnce(ctx context.Context, env *cliEnv, st *store.Store, dryRun bool) error {
	if !dryRun {
		held, release, err := a.lockStore(ctx, st, "scrape --once")
		if err != nil {
			return err
		}
		defer release()
		ctx = held
	}
	router, err := a.router()
	if err != nil {
		return withCode(exitUsage, err)
	}
	if err := a.useRoster(); err != nil {
		return err
	}
	route := a.clientRouting(router).Targets
	rep := a.runner(st, route, nil).RunOnce(ctx, dryRun)
	printReport(env.stdout, rep, dryRun, route)
	if lost := daemon.LeaseLost(ctx); lost != nil {
		return lost
	}

	var failure error
	if !rep.OK() {
		failure = withCode(exitFailed, fmt.Errorf("not every source was read:\n  %s", strings.ReplaceAll(rep.Err().Error(), "\n", "\n  ")))
	}
	if dryRun {
		return failure
	}
	if err := a.deliverQueued(ctx, env, st, router); err != nil {
		if failure != nil {
			env.errorf("%v", failure)
		}
		return err
	}
	return failure
}

// deliverQueued sends what is due, within the configured wait; what cannot
// be delivered now stays queued for the next run or the daemon.
func (a *app) deliverQueued(ctx context.Context, env *cliEnv, st *store.Store, router *notify.Router) error {
	ns, err := a.notifiers(router)
	if err != nil {
		return withCode(exitUsage, err)
	}
	pending, err := st.PendingCount(ctx)
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	if pending == 0 {
		return nil
	}
	if len(ns) == 0 {
		fmt.Fprintf(env.stdout, "\n%d alerts queued; no [[slack]] or [[email]] target is configured to send them.\n", pending)
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, a.cfg.Delivery.Wait.Duration)
	defer cancel()
	disp := a.dispatcher(st, ns)
	rep, err := disp.DrainTargets(wctx)
	printDelivery(ctx, env.stdout, st, rep)
	if n := disp.Unmarked(); n > 0 {
		env.errorf("%d alerts were delivered but could not be marked sent in the store; the next run will send them again", n)
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("deliver alerts: %w (they stay queued; see the outbox command)", err)
	}
	if failed := rep.Failed(); failed > 0 {
		return withCode(exitFailed, fmt.Errorf("%d alerts could not be delivered; see `drawwatch outbox`", failed))
	}
	return nil
}

// printDelivery prints the totals, then one line per target, so a target
// that fails is seen apart from the ones that delivered.
func printDelivery(ctx context.Context, w io.Writer, st store.Outbox, rep notify.DrainReport) {
	queued := map[string]int{}
	left := 0
	if pending, err := st.Alerts(ctx, drawwatch.AlertPending); err == nil {
		for _, al := range pending {
			queued[al.Target]++
		}
		left = len(pending)
	}
	fmt.Fprintf(w, "\nalerts: %d sent, %d failed, %d still queued\n", rep.Sent(), rep.Failed(), left)
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

func printReport(w io.Writer, rep watch.Report, dryRun bool, route func(drawwatch.Event) []string) {
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
	s := fmt.Sprintf("  %-8s %s  %s  [%s]", c.Type, a.Posted, a.Title, a.ID)
	for _, f := range c.Fields {
		s += fmt.Sprintf("\n             %s: %s", f.Field, f.Summary())
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

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
