package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/wiring"
)

// app is the wired config a command works with.
type app = wiring.App

// loadApp loads the config; a bad one is a usage error.
func loadApp(env *cliEnv, configPath string) (*app, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	a := wiring.New(cfg, wiring.NewLogger(env.Stderr, cfg.Log))
	if env.Process {
		slog.SetDefault(a.Log) // libraries that log through the default logger follow the configured format
	}
	return a, nil
}

// withStore is the common start of commands that use the store: load the
// config, open its store (read-only unless write; a read never creates a
// file), run fn, close the store. Errors come back with their exit code.
func withStore(ctx context.Context, env *cliEnv, configPath string, write bool, fn func(a *app, st *store.Store) error) error {
	a, err := loadApp(env, configPath)
	if err != nil {
		return err
	}
	open := store.OpenReadOnly
	if write {
		open = func(ctx context.Context, path string) (*store.Store, error) { return store.Open(ctx, path) }
	}
	if u := a.Config.Store.URL; u != "" {
		// PostgreSQL: read commands need no separate mode, they only read.
		open = func(ctx context.Context, _ string) (*store.Store, error) {
			return store.OpenPostgres(ctx, u, a.Config.Store.Password)
		}
	}
	st, err := open(ctx, a.Config.Store.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(a, st)
}

// exitCodeFor maps an error to the exit code scripts can act on.
func exitCodeFor(err error) int {
	var ce *wiring.ConfigError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ce):
		return exitUsage
	case errors.Is(err, store.ErrLocked), errors.Is(err, daemon.ErrLeaseLost):
		return exitBusy
	case errors.Is(err, scraper.ErrBlocked):
		return exitBlocked
	default:
		return exitFailed
	}
}
