package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/wiring"
)

func cmdOutbox(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("outbox", env)
	configPath := fs.configFlag()
	showSent := fs.Bool("sent", false, "also list delivered alerts")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unknown outbox action %q (want: retry)", pos[0])
	}
	statuses := []drawwatch.AlertStatus{drawwatch.AlertPending, drawwatch.AlertDead}
	if *showSent {
		statuses = append(statuses, drawwatch.AlertSent, drawwatch.AlertDigested) // digested: sent inside a digest
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		alerts, err := st.Alerts(ctx, statuses...)
		if err != nil {
			return fmt.Errorf("read outbox: %w", err)
		}
		if *asJSON {
			if alerts == nil {
				alerts = []drawwatch.Alert{}
			}
			return output.JSON(env.Stdout, alerts)
		}
		output.Alerts(env.Stdout, alerts)
		return nil
	})
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
		return wiring.Requeue(ctx, st, id, *all, env.Stdout)
	})
}
