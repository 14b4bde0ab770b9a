package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/internal/cli"
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
	failed, tried := false, 0
	for _, n := range ns {
		if *target != "" && n.Name() != *target {
			continue
		}
		tried++
		if err := a.SendTest(ctx, n); err != nil {
			fmt.Fprintf(env.Stdout, "%-20s FAILED  %v\n", n.Name(), err)
			failed = true
			continue
		}
		fmt.Fprintf(env.Stdout, "%-20s ok\n", n.Name())
	}
	if tried == 0 {
		return usagef("no target is named %q (targets: %v)", *target, a.Config.Targets())
	}
	if failed {
		return cli.Silent(exitFailed)
	}
	return nil
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
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return usagef("healthcheck: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *target, resp.Status)
	}
	fmt.Fprintln(env.Stdout, "ok")
	return nil
}
