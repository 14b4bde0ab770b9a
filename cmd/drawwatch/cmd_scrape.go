package main

import (
	"context"

	"github.com/drawwatch/drawwatch/store"
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
		a, err := loadApp(env, *configPath)
		if err != nil {
			return err
		}
		return a.Interactive().DryRun(ctx, env.Stdout)
	}
	return withStore(ctx, env, *configPath, true, func(a *app, st *store.Store) error {
		return a.Interactive().ScrapeOnce(ctx, st, env.Stdout, env.Stderr)
	})
}
