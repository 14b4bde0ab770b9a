package main

import (
	"context"

	"github.com/drawwatch/drawwatch/store"
)

func cmdRun(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("run", env)
	configPath := fs.configFlag()
	if _, err := fs.parse(args); err != nil {
		return err
	}
	return withStore(ctx, env, *configPath, true, func(a *app, st *store.Store) error {
		return a.RunDaemon(ctx, st)
	})
}
