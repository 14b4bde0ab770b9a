package main

import (
	"context"
	"fmt"

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/wiring"
)

func cmdNotifyTest(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("notify test", env)
	configPath := fs.configFlag()
	target := fs.String("target", "", "only the target called `NAME` (default: every target)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("usage: drawwatch notify test [--target NAME] [--config FILE]")
	}
	a, err := loadApp(env, *configPath)
	if err != nil {
		return err
	}
	router, err := a.Router()
	if err != nil {
		return withCode(exitUsage, err)
	}
	ns, err := a.Notifiers(router)
	if err != nil {
		return withCode(exitUsage, err)
	}
	if len(ns) == 0 {
		where := a.Config.File
		if where == "" {
			where = "the defaults (no config file)"
		}
		return usagef("no target ([[slack]], [[email]], [[webhook]], [[teams]], [[telegram]], [[discord]]) is configured in %s", where)
	}
	return a.TestTargets(ctx, ns, *target, env.Stdout)
}

func cmdConfigCheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("config check", env)
	configPath := fs.configFlag()
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("usage: drawwatch config check [--config FILE]")
	}
	cfg, err := config.Load(*configPath)
	if err != nil {
		return withCode(exitFailed, err)
	}
	out, err := cfg.Masked()
	if err != nil {
		return err
	}
	src := cfg.File
	if src == "" {
		src = "(no config file: defaults)"
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(env.Stdout, "# warning: %s\n", w)
	}
	fmt.Fprintf(env.Stdout, "# %s is valid. Effective configuration, secrets masked:\n\n%s", src, out)
	return nil
}

func cmdVersion(ctx context.Context, env *cliEnv, args []string) error {
	if _, err := newFlags("version", env).parse(args); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "drawwatch %s\n", scraper.Version)
	return nil
}

// cmdHealthcheck probes the daemon's own /healthz: distroless images have
// no curl for a container HEALTHCHECK. It finds the daemon where the
// config's http.listen puts it.
func cmdHealthcheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("healthcheck", env)
	configPath := fs.configFlag()
	target := fs.String("url", "", "`URL` to probe (default: /healthz at the config's http.listen)")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	if *target == "" {
		a, err := loadApp(env, *configPath)
		if err != nil {
			return err
		}
		if *target, err = wiring.HealthzURL(a.Config.HTTP.BindAddr()); err != nil {
			return withCode(exitUsage, err)
		}
	}
	if err := wiring.Probe(ctx, *target); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "ok")
	return nil
}
