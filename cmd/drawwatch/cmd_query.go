package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/wiring"
)

func cmdDraws(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("draws", env)
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV")
	var f store.DrawFilter
	var kind string
	fs.StringVar(&f.Program, "program", "", "only draws of this `PROGRAM`: OINP (ontario.ca) or EE (federal Express Entry rounds)")
	fs.StringVar(&f.Stream, "stream", "", "stream `SLUG` (hcp, fssw, skilled-trades, ejo-foreign-worker, ...)")
	fs.StringVar(&f.NOC, "noc", "", "NOC `CODE`, or a prefix ending in * (\"31*\")")
	fs.StringVar(&f.Since, "since", "", "only draws on or after this `DATE` (YYYY-MM-DD)")
	fs.StringVar(&kind, "kind", "draw", "draw, news, or all")
	fs.IntVar(&f.Limit, "limit", 0, "at most `N` rows (0: all)")
	fs.BoolVar(&f.IncludeRemoved, "removed", false, "include announcements removed from the site")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("choose one of --json and --csv")
	}
	if err := wiring.DrawFilter(&f, kind); err != nil {
		return withCode(exitUsage, err)
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		draws, err := st.Draws(ctx, f)
		if err != nil {
			return fmt.Errorf("query draws: %w", err)
		}
		switch {
		case *asJSON:
			if draws == nil {
				draws = []store.StoredDraw{}
			}
			err = output.JSON(env.Stdout, draws)
		case *asCSV:
			err = output.DrawsCSV(env.Stdout, draws)
		default:
			err = output.Draws(env.Stdout, draws)
		}
		if err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	})
}

func cmdHistory(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("history", env)
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: drawwatch history [--config FILE] ANNOUNCEMENT_ID  (ids are in the ID column of `drawwatch draws` and in alerts)")
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		versions, err := st.History(ctx, pos[0])
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no announcement %q in %s; list ids with `drawwatch draws --kind all`", pos[0], st.Path())
		}
		if err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		if *asJSON {
			return output.JSON(env.Stdout, versions)
		}
		output.History(env.Stdout, versions)
		return nil
	})
}
