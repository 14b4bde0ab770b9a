package main

import (
	"context"
	"fmt"
	"net"
	"time"
	_ "time/tzdata" // CRON_TZ must work in a scratch image without /usr/share/zoneinfo

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/web"
)

func cmdRun(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("run", env)
	configPath := fs.configFlag()
	if _, err := fs.parse(args); err != nil {
		return err
	}
	return withStore(ctx, env, *configPath, true, func(a *app, st *store.Store) error {
		return a.runDaemon(ctx, st)
	})
}

// runDaemon wires the daemon: the store lock first (a second daemon exits
// at once), then the HTTP listener (a taken port stops it before any
// scrape), then schedule, delivery and endpoint until ctx ends.
func (a *app) runDaemon(ctx context.Context, st *store.Store) error {
	sched, err := config.ParseCron(a.cfg.Schedule.Cron)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("schedule.cron: %w", err))
	}
	if err := a.useRoster(); err != nil {
		return err
	}
	if a.roster != nil {
		go a.roster.Watch(ctx, rosterReloadEvery, a.log)
	}
	const owner = "drawwatch run" // pid and host are stored beside it
	unlock, err := a.takeLock(ctx, st, owner)
	if err != nil {
		return err
	}
	defer unlock()
	var ln net.Listener
	if addr := a.cfg.HTTP.Listen; addr != "" {
		if ln, err = new(net.ListenConfig).Listen(ctx, "tcp", addr); err != nil {
			return fmt.Errorf("http.listen %s: cannot listen (is the port taken? set another address): %w", addr, err)
		}
	}
	router, err := a.router()
	if err != nil {
		return withCode(exitUsage, err)
	}
	ns, err := a.notifiers(router)
	if err != nil {
		return withCode(exitUsage, err)
	}
	metrics := web.NewMetrics(scraper.Version)
	metrics.DeclareTargets(a.cfg.Targets()...)
	for _, src := range a.cfg.Sources {
		metrics.DeclareSources(src.Name)
	}
	cfg := a.daemonConfig(st, router, ns, metrics, owner)
	var d *daemon.Daemon
	if ln != nil {
		srv := web.NewServer(web.Options{Data: st, Metrics: metrics, ReadyMaxAge: a.cfg.HTTP.ReadyMaxAge.Duration,
			Zone:    config.ScheduleZone(a.cfg.Schedule.Cron),
			Sources: sourceInfos(a.cfg), LastRun: func() (time.Time, bool) { return d.LastSuccess() }})
		cfg.Serve = func(ctx context.Context) error {
			if err := srv.Serve(ctx, ln); err != nil {
				return fmt.Errorf("http.listen %s: %w", a.cfg.HTTP.Listen, err)
			}
			return nil
		}
	}
	if d, err = daemon.New(cfg); err != nil {
		return err
	}
	a.log.Info("drawwatch daemon started", "schedule", a.cfg.Schedule.Cron,
		"next", sched.Next(time.Now()).Format(time.RFC3339), "store", st.Path(),
		"sources", len(a.cfg.Sources), "targets", len(ns), "listen", a.cfg.HTTP.Listen)
	return d.Run(ctx)
}

func (a *app) daemonConfig(st *store.Store, router *notify.Router, ns []notify.Notifier, metrics *web.Metrics, owner string) daemon.Config {
	sched, _ := config.ParseCron(a.cfg.Schedule.Cron) // checked by the caller
	runner := a.runner(st, a.clientRouting(router).Targets, metrics)
	pending := func(ctx context.Context) {
		if n, err := st.PendingCount(ctx); err == nil {
			metrics.AlertsPending(n)
		}
	}
	disp := a.dispatcher(st, ns, notify.WithObserver(func(target string, sent bool) {
		if sent {
			metrics.AlertSent(target)
		} else {
			metrics.AlertFailed(target)
		}
		pending(context.Background())
	}))
	last, _ := lastSuccessfulRun(st)
	return daemon.Config{
		Schedule: sched, Jitter: a.cfg.Schedule.Jitter.Duration, Grace: a.cfg.Schedule.Grace.Duration,
		RunAtStart: *a.cfg.Schedule.RunAtStart, Deliver: disp, AfterPass: pending, LastSuccess: last,
		Lease: storeLease{st, owner}, HeartbeatEvery: a.heartbeatEvery(), Logger: a.log,
		Pass: func(ctx context.Context) error {
			rep := runner.RunOnce(ctx, false)
			a.log.Info("run finished", "ok", rep.OK(), "duration", rep.Duration.Round(time.Millisecond))
			if lost := daemon.LeaseLost(ctx); lost != nil {
				return lost
			}
			return rep.Err()
		},
	}
}

// lastSuccessfulRun recovers, after a restart, when every source last read
// normally, so /readyz does not report ready on a store that went stale.
func lastSuccessfulRun(st *store.Store) (time.Time, bool) {
	hs, err := st.SourceHealths(context.Background())
	if err != nil || len(hs) == 0 {
		return time.Time{}, false
	}
	oldest := hs[0].LastOK
	for _, h := range hs[1:] {
		if h.LastOK.Before(oldest) {
			oldest = h.LastOK
		}
	}
	return oldest, !oldest.IsZero()
}

func sourceInfos(cfg *config.Config) []web.SourceInfo {
	out := make([]web.SourceInfo, 0, len(cfg.Sources))
	for _, s := range cfg.Sources {
		out = append(out, web.SourceInfo{Name: s.Name, Kind: s.Kind, URL: s.URL})
	}
	return out
}
