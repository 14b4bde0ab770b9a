package wiring

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
	"github.com/drawwatch/drawwatch/watch"
	"github.com/drawwatch/drawwatch/web"
)

// RunDaemon runs the daemon: the store lock first (a second daemon exits
// at once), then the HTTP listener (a taken port stops it before any
// scrape), then schedule, delivery and endpoint until ctx ends.
func (a *App) RunDaemon(ctx context.Context, st *store.Store) error {
	sched, err := config.ParseCron(a.Config.Schedule.Cron)
	if err != nil {
		return configErr(fmt.Errorf("schedule.cron: %w", err))
	}
	if err := a.UseRoster(); err != nil {
		return err
	}
	if a.Roster != nil {
		go a.Roster.Watch(ctx, RosterReloadEvery, a.Log)
	}
	const owner = "drawwatch run" // pid and host are stored beside it
	metrics := web.NewMetrics(scraper.Version)
	var lead *leadership
	if st.IsPostgres() {
		lead = &leadership{app: a, st: st, owner: owner, onRole: metrics.Leader}
		if err := lead.start(ctx); err != nil {
			return err
		}
		defer lead.release()
		go a.recordReplica(ctx, st, lead)
		go lead.standBy(ctx, a.heartbeatEvery())
	} else {
		unlock, err := a.TakeLock(ctx, st, owner)
		if err != nil {
			return err
		}
		defer unlock()
		metrics.Leader(true, st.LeaseGeneration())
	}
	var ln net.Listener
	if addr := a.Config.HTTP.BindAddr(); addr != "" {
		if ln, err = new(net.ListenConfig).Listen(ctx, "tcp", addr); err != nil {
			return fmt.Errorf("http.listen %s: cannot listen (is the port taken? set another address): %w", addr, err)
		}
	}
	router, err := a.Router()
	if err != nil {
		return err
	}
	ns, err := a.Notifiers(router)
	if err != nil {
		return err
	}
	metrics.DeclareTargets(a.Config.Targets()...)
	for _, src := range a.Config.Sources {
		metrics.DeclareSources(src.Name)
	}
	cfg := a.daemonConfig(st, router, ns, metrics, owner, lead)
	var d *daemon.Daemon
	if ln != nil {
		cfg.Serve = a.serveHTTP(ln, st, metrics, lead, func() (time.Time, bool) { return d.LastSuccess() })
	}
	if d, err = daemon.New(cfg); err != nil {
		return err
	}
	a.Log.Info("drawwatch daemon started", "schedule", a.Config.Schedule.Cron,
		"next", sched.Next(time.Now()).Format(time.RFC3339), "store", st.Path(),
		"sources", len(a.Config.Sources), "targets", len(ns), "listen", a.Config.HTTP.Listen)
	return d.Run(ctx)
}

// serveHTTP serves the status page, probes, metrics, API and feeds on ln.
func (a *App) serveHTTP(ln net.Listener, st *store.Store, metrics *web.Metrics, lead *leadership, lastRun func() (time.Time, bool)) func(context.Context) error {
	if !a.Config.HTTP.Loopback() && a.Config.HTTP.Token == "" {
		a.Log.Warn("the status page, /api and the feeds are open to every machine that reaches the listener; set [http] token_file to require a token",
			"listen", ln.Addr().String())
	}
	srv := web.NewServer(web.Options{Data: st, Metrics: metrics, ReadyMaxAge: a.Config.HTTP.ReadyMaxAge.Duration,
		Zone:  config.ScheduleZone(a.Config.Schedule.Cron),
		Token: a.Config.HTTP.Token, Roster: a.RosterIndex(),
		Sources: sourceInfos(a.Config), LastRun: lastRun,
		Role: func() (string, int64) {
			if lead == nil {
				return "leader", st.LeaseGeneration()
			}
			if leader, gen := lead.Leader(); leader {
				return "leader", gen
			}
			return "standby", 0
		}})
	return func(ctx context.Context) error {
		if err := srv.Serve(ctx, ln); err != nil {
			return fmt.Errorf("http.listen %s: %w", a.Config.HTTP.Listen, err)
		}
		return nil
	}
}

func (a *App) daemonConfig(st *store.Store, router *notify.Router, ns []notify.Notifier, metrics *web.Metrics, owner string, lead *leadership) daemon.Config {
	sched, _ := config.ParseCron(a.Config.Schedule.Cron) // checked by the caller
	runner := a.Runner(st, a.ClientRouting(router).Targets, metrics)
	pending := func(ctx context.Context) {
		if n, err := st.PendingCount(ctx); err == nil {
			metrics.AlertsPending(n)
		}
		if n, err := st.DeadCount(ctx, ""); err == nil {
			metrics.AlertsDead(n)
		}
	}
	pending(context.Background()) // dead alerts from earlier runs show from the start
	disp := a.Dispatcher(st, ns, notify.WithDeadAlertOps(router.Targets), notify.WithHolds(router), notify.WithObserver(func(target string, sent bool) {
		if sent {
			metrics.AlertSent(target)
		} else {
			metrics.AlertFailed(target)
		}
		pending(context.Background())
	}))
	last, _ := lastSuccessfulRun(st)
	cfg := daemon.Config{
		Schedule: sched, Jitter: a.Config.Schedule.Jitter.Duration, Grace: a.Config.Schedule.Grace.Duration,
		RunAtStart: *a.Config.Schedule.RunAtStart, Deliver: disp, AfterPass: pending, LastSuccess: last,
		Lease: StoreLease{st, owner}, HeartbeatEvery: a.heartbeatEvery(), Logger: a.Log,
	}
	if lead != nil {
		// PostgreSQL replicas: leadership holds (and may lose) the lease
		// itself; a standby's pass only tries to take it.
		cfg.Lease, cfg.HeartbeatEvery = nil, 0
	}
	cfg.Pass = func(ctx context.Context) error {
		if lead != nil {
			held, leading, err := lead.pass(ctx)
			if err != nil || !leading {
				return err
			}
			err = a.scrapePass(held, runner)
			if lost := daemon.LeaseLost(held); lost != nil {
				// Not the daemon's end: the next pass stands by.
				return fmt.Errorf("pass cut short, leadership lost: %v", lost)
			}
			return err
		}
		return a.scrapePass(ctx, runner)
	}
	return cfg
}

// scrapePass is one pass of the leader; a lease lost meanwhile is its error.
func (a *App) scrapePass(ctx context.Context, runner *watch.Runner) error {
	rep := runner.RunOnce(ctx, false)
	a.Log.Info("run finished", "ok", rep.OK(), "duration", rep.Duration.Round(time.Millisecond))
	if lost := daemon.LeaseLost(ctx); lost != nil {
		return lost
	}
	return rep.Err()
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

// recordReplica notes this replica and its role in the store every
// heartbeat, for the status page's list of replicas.
func (a *App) recordReplica(ctx context.Context, st *store.Store, lead *leadership) {
	started := time.Now()
	t := time.NewTicker(a.heartbeatEvery())
	defer t.Stop()
	for {
		role := "standby"
		leader, gen := lead.Leader()
		if leader {
			role = "leader"
		}
		if err := st.RecordReplica(ctx, role, gen, started); err != nil && ctx.Err() == nil {
			a.Log.Warn("record this replica for the status page", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
