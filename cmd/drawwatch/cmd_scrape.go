package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/watch"
	"github.com/drawwatch/drawwatch/wiring"
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
	if *dryRun {
		return dryRunOnce(ctx, env, *configPath)
	}
	return withStore(ctx, env, *configPath, true, func(a *app, st *store.Store) error {
		return scrapeOnce(ctx, a.Interactive(), env, st)
	})
}

// scrapeOnce is one full pass: lock, fetch, store, print, deliver.
func scrapeOnce(ctx context.Context, a *app, env *cliEnv, st *store.Store) error {
	held, release, err := a.LockStore(ctx, st, "scrape --once")
	if err != nil {
		return err
	}
	defer release()
	ctx = held
	router, route, err := routing(a)
	if err != nil {
		return err
	}
	before, _, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	rep := a.Runner(st, route, nil).RunOnce(ctx, false)
	output.Pass(env.Stdout, rep, false, route)
	if before == 0 {
		output.FirstPass(env.Stdout, rep, a.Config.Store.BacklogDays)
	}
	if lost := daemon.LeaseLost(ctx); lost != nil {
		return lost
	}
	failure := passFailure(rep)
	err = a.DeliverQueued(ctx, st, router, env.Stdout, env.Stderr)
	if dead := wiring.DeadAlerts(ctx, st); dead != nil {
		if err != nil {
			env.Errorf("%v", dead)
		} else {
			err = dead
		}
	}
	if err != nil {
		if failure != nil {
			env.Errorf("%v", failure)
		}
		return err
	}
	return failure
}

// dryRunOnce is a real pass on a throwaway copy of the store: it prints
// what would be recorded and renders every message a target would get,
// and creates or changes nothing (not even a database file).
func dryRunOnce(ctx context.Context, env *cliEnv, configPath string) error {
	a, err := loadApp(env, configPath)
	if err != nil {
		return err
	}
	a = a.Interactive()
	st, cleanup, err := wiring.DryRunStore(ctx, a.Config.Store.Path)
	if err != nil {
		return err
	}
	defer cleanup()
	router, route, err := routing(a)
	if err != nil {
		return err
	}
	before, _, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	rep := a.Runner(st, route, nil).RunOnce(ctx, false)
	output.Pass(env.Stdout, rep, true, route)
	if before == 0 {
		output.FirstPass(env.Stdout, rep, a.Config.Store.BacklogDays)
	}
	due, err := st.Alerts(ctx, drawwatch.AlertPending)
	if err != nil {
		return err
	}
	output.WouldSend(ctx, env.Stdout, due, router.HighlightFor)
	return passFailure(rep)
}

func routing(a *app) (*notify.Router, func(drawwatch.Event) []string, error) {
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
	return withCode(exitFailed, fmt.Errorf("not every source was read:\n  %s", strings.ReplaceAll(rep.Err().Error(), "\n", "\n  ")))
}
