package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/watch"
)

func cmdScrape(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags("scrape", env)
	once := fs.Bool("once", false, "one pass over all sources, then exit (the daemon is `drawwatch run`)")
	dryRun := fs.Bool("dry-run", false, "fetch and parse, print what would be recorded and alerted, write nothing")
	configPath := fs.String("config", "", "config file (default $DRAWWATCH_CONFIG, else ./drawwatch.toml)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	if !*once {
		env.errorf("scrape needs --once (one pass); run the daemon with `drawwatch run`")
		return exitUsage
	}
	a, err := loadApp(env, *configPath)
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	return a.scrapeOnce(ctx, env, *dryRun)
}

// scrapeOnce is one full pass: lock, fetch, store, print, deliver.
func (a *app) scrapeOnce(ctx context.Context, env *cliEnv, dryRun bool) int {
	st, err := a.openStore(ctx)
	if err != nil {
		env.errorf("%v", err)
		return exitFailed
	}
	defer st.Close()
	if !dryRun {
		release, err := a.lockStore(ctx, st, fmt.Sprintf("scrape --once (pid %d)", os.Getpid()))
		if err != nil {
			env.errorf("%v", err)
			return exitCodeFor(err)
		}
		defer release()
	}
	router, err := a.router()
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	rep := a.runner(st, router.Targets, nil).RunOnce(ctx, dryRun)
	printReport(env.stdout, rep, dryRun, router.Targets)

	code := exitOK
	if !rep.OK() {
		env.errorf("not every source was read:\n  %s", strings.ReplaceAll(rep.Err().Error(), "\n", "\n  "))
		code = exitFailed
	}
	if dryRun {
		return code
	}
	if c := a.deliverQueued(ctx, env, st, router); c != exitOK {
		code = c
	}
	return code
}

// deliverQueued sends what is due, within the configured wait; what cannot
// be delivered now stays queued for the next run or the daemon.
func (a *app) deliverQueued(ctx context.Context, env *cliEnv, st *store.Store, router *notify.Router) int {
	ns, err := a.notifiers(router)
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	pending, err := st.PendingCount(ctx)
	if err != nil {
		env.errorf("read outbox: %v", err)
		return exitFailed
	}
	if pending == 0 {
		return exitOK
	}
	if len(ns) == 0 {
		fmt.Fprintf(env.stdout, "\n%d alerts queued; no [[slack]] or [[email]] target is configured to send them.\n", pending)
		return exitOK
	}
	wctx, cancel := context.WithTimeout(ctx, a.cfg.Delivery.Wait.Duration)
	defer cancel()
	sent, failed, err := a.dispatcher(st, ns).Drain(wctx)
	left, _ := st.PendingCount(ctx)
	fmt.Fprintf(env.stdout, "\nalerts: %d sent, %d failed, %d still queued\n", sent, failed, left)
	if err != nil && ctx.Err() == nil {
		env.errorf("deliver alerts: %v (they stay queued; see `drawwatch outbox`)", err)
		return exitFailed
	}
	if failed > 0 {
		env.errorf("%d alerts could not be delivered; see `drawwatch outbox`", failed)
		return exitFailed
	}
	return exitOK
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
