package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/scraper"
)

func cmdNotify(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags("notify", env)
	configPath := fs.String("config", "", "config file")
	target := fs.String("target", "", "only this target (default: every target)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 || pos[0] != "test" {
		env.errorf("usage: drawwatch notify test [--target NAME] [--config FILE]")
		return exitUsage
	}
	a, err := loadApp(env, *configPath)
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	router, err := a.router()
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	ns, err := a.notifiers(router)
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	if len(ns) == 0 {
		env.errorf("no [[slack]] or [[email]] target is configured in %s", orNone(a.cfg.File))
		return exitUsage
	}
	code, tried := exitOK, 0
	for _, n := range ns {
		if *target != "" && n.Name() != *target {
			continue
		}
		tried++
		al := drawwatch.Alert{Target: n.Name(), CreatedAt: time.Now(), Event: drawwatch.Event{
			Type: drawwatch.EventTest, DetectedAt: time.Now(),
			Message: fmt.Sprintf("drawwatch %s test message for target %q: if you can read this, alerts will arrive here.", scraper.Version, n.Name()),
		}}
		sctx, cancel := context.WithTimeout(ctx, a.cfg.Delivery.Wait.Duration)
		_, err := n.Send(sctx, al)
		cancel()
		if err != nil {
			fmt.Fprintf(env.stdout, "%-20s FAILED  %v\n", n.Name(), err)
			code = exitFailed
			continue
		}
		fmt.Fprintf(env.stdout, "%-20s ok\n", n.Name())
	}
	if tried == 0 {
		env.errorf("no target is named %q (targets: %v)", *target, a.cfg.Targets())
		return exitUsage
	}
	return code
}

func cmdConfig(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags("config", env)
	configPath := fs.String("config", "", "config file")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 || pos[0] != "check" {
		env.errorf("usage: drawwatch config check [--config FILE]")
		return exitUsage
	}
	cfg, err := config.Load(*configPath)
	if err != nil {
		env.errorf("%v", err)
		return exitFailed
	}
	out, err := cfg.Masked()
	if err != nil {
		env.errorf("%v", err)
		return exitFailed
	}
	src := cfg.File
	if src == "" {
		src = "(no config file: defaults)"
	}
	fmt.Fprintf(env.stdout, "# %s is valid. Effective configuration, secrets masked:\n\n%s", src, out)
	return exitOK
}

func cmdVersion(ctx context.Context, env *cliEnv, args []string) int {
	fmt.Fprintf(env.stdout, "drawwatch %s\n", scraper.Version)
	return exitOK
}

// cmdHealthcheck probes the daemon's own /healthz: distroless images have
// no curl for a container HEALTHCHECK.
func cmdHealthcheck(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags("healthcheck", env)
	target := fs.String("url", "http://127.0.0.1:9180/healthz", "URL to probe")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		env.errorf("healthcheck: %v", err)
		return exitUsage
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		env.errorf("healthcheck: %v", err)
		return exitFailed
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		env.errorf("healthcheck: %s answered %s", *target, resp.Status)
		return exitFailed
	}
	fmt.Fprintln(env.stdout, "ok")
	return exitOK
}
