package wiring

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/watch"
)

// ScrapeOnce is `scrape --once`: lock, fetch, store, print the summary to
// out, deliver. Problems beside the one returned are printed to warn.
func (a *App) ScrapeOnce(ctx context.Context, st *store.Store, out, warn io.Writer) error {
	held, release, err := a.LockStore(ctx, st, "scrape --once")
	if err != nil {
		return err
	}
	defer release()
	ctx = held
	router, rep, err := a.printedPass(ctx, st, out, false)
	if err != nil {
		return err
	}
	if lost := daemon.LeaseLost(ctx); lost != nil {
		return lost
	}
	failure := passFailure(rep)
	err = a.DeliverQueued(ctx, st, router, out, warn)
	for _, e := range []error{DeadAlerts(ctx, st), failure} {
		switch {
		case e == nil:
		case err == nil:
			err = e
		default:
			fmt.Fprintf(warn, "drawwatch: %v\n", e)
		}
	}
	return err
}

// DryRun is `scrape --once --dry-run`: a real pass on a throwaway copy of
// the store, printing to out what would be recorded and every message a
// target would get; it creates or changes nothing (not even a database
// file).
func (a *App) DryRun(ctx context.Context, out io.Writer) error {
	st, cleanup, err := DryRunStore(ctx, a.Config.Store.Path)
	if err != nil {
		return err
	}
	defer cleanup()
	router, rep, err := a.printedPass(ctx, st, out, true)
	if err != nil {
		return err
	}
	due, err := st.Alerts(ctx, drawwatch.AlertPending)
	if err != nil {
		return err
	}
	output.WouldSend(ctx, out, due, router.HighlightFor)
	return passFailure(rep)
}

func (a *App) routing() (*notify.Router, func(drawwatch.Event) []string, error) {
	router, err := a.Router()
	if err != nil {
		return nil, nil, err
	}
	if err := a.UseRoster(); err != nil {
		return nil, nil, err
	}
	return router, a.ClientRouting(router).Targets, nil
}

func passFailure(rep watch.Report) error {
	if rep.OK() {
		return nil
	}
	return fmt.Errorf("not every source was read:\n  %s", strings.ReplaceAll(rep.Err().Error(), "\n", "\n  "))
}

// printedPass runs one pass over every source and prints its summary (and,
// on a new store, that history was recorded silently); it returns the
// router the pass's alerts were routed by.
func (a *App) printedPass(ctx context.Context, st *store.Store, out io.Writer, dryRun bool) (*notify.Router, watch.Report, error) {
	router, route, err := a.routing()
	if err != nil {
		return nil, watch.Report{}, err
	}
	before, _, err := st.Counts(ctx)
	if err != nil {
		return nil, watch.Report{}, err
	}
	rep := a.Runner(st, route, nil).RunOnce(ctx, false)
	output.Pass(out, rep, dryRun, route)
	if before == 0 {
		output.FirstPass(out, rep, a.Config.Store.BacklogDays)
	}
	return router, rep, nil
}
