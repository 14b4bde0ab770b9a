package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // CRON_TZ must work in a scratch image without /usr/share/zoneinfo

	"github.com/robfig/cron/v3"

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/web"
)

func cmdRun(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags("run", env)
	configPath := fs.String("config", "", "config file")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	a, err := loadApp(env, *configPath)
	if err != nil {
		env.errorf("%v", err)
		return exitUsage
	}
	if err := a.runDaemon(ctx); err != nil {
		env.errorf("%v", err)
		return exitCodeFor(err)
	}
	return exitOK
}

// runDaemon scrapes on the cron schedule and delivers alerts until ctx is
// cancelled, then stops within the configured grace period.
func (a *app) runDaemon(ctx context.Context) error {
	sched, err := config.ParseCron(a.cfg.Schedule.Cron)
	if err != nil {
		return fmt.Errorf("schedule.cron: %w", err)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	host, _ := os.Hostname()
	owner := fmt.Sprintf("drawwatch run (pid %d on %s)", os.Getpid(), host)
	release, err := a.lockStore(ctx, st, owner)
	if err != nil {
		return err
	}
	defer release()

	router, err := a.router()
	if err != nil {
		return err
	}
	ns, err := a.notifiers(router)
	if err != nil {
		return err
	}
	metrics := web.NewMetrics()
	runner := a.runner(st, router.Targets, metrics)
	disp := a.dispatcher(st, ns, notify.WithObserver(func(target string, sent bool) {
		if sent {
			metrics.AlertSent(target)
		} else {
			metrics.AlertFailed(target)
		}
		if n, err := st.PendingCount(context.WithoutCancel(ctx)); err == nil {
			metrics.AlertsPending(n)
		}
	}))

	// Runs and deliveries get their own context: on shutdown they may finish
	// within the grace period instead of being cut off at the signal.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()

	var lastOK atomic.Int64
	if rec, ok := a.lastSuccessfulRun(ctx, st); ok {
		lastOK.Store(rec.UnixNano())
	}
	wake := make(chan struct{}, 1)
	var running atomic.Bool
	var startRun sync.WaitGroup // the run at start, which cron does not track
	job := func() {
		if !running.CompareAndSwap(false, true) {
			a.log.Warn("previous run still in progress; skipping this one")
			return
		}
		defer running.Store(false)
		if j := a.cfg.Schedule.Jitter.Duration; j > 0 {
			if !sleepCtx(workCtx, rand.N(j)) {
				return
			}
		}
		rep := runner.RunOnce(workCtx, false)
		outcomes := make([]any, 0, 2*len(rep.Sources)+4)
		for _, s := range rep.Sources {
			outcomes = append(outcomes, s.Source+"@"+s.URL, fmt.Sprintf("%s new=%d changed=%d", s.Outcome, s.New, s.Changed))
		}
		outcomes = append(outcomes, "ok", rep.OK(), "duration", rep.Duration.Round(time.Millisecond))
		a.log.Info("run finished", outcomes...)
		if rep.OK() {
			lastOK.Store(time.Now().UnixNano())
		}
		if n, err := st.PendingCount(workCtx); err == nil {
			metrics.AlertsPending(n)
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}

	c := cron.New(cron.WithLocation(time.Local))
	c.Schedule(sched, cron.FuncJob(job))
	c.Start()
	a.log.Info("drawwatch daemon started", "schedule", a.cfg.Schedule.Cron, "next", sched.Next(time.Now()).Format(time.RFC3339),
		"store", st.Path(), "sources", len(a.cfg.Sources), "targets", len(ns), "listen", a.cfg.HTTP.Listen)

	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		if err := disp.Run(workCtx, wake); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("alert dispatcher stopped", "err", err)
		}
	}()
	httpErr := make(chan error, 1)
	if a.cfg.HTTP.Listen != "" {
		srv := web.NewServer(web.Options{
			Data: st, Metrics: metrics, ReadyMaxAge: a.cfg.HTTP.ReadyMaxAge.Duration, Sources: sourceInfos(a.cfg),
			LastRun: func() (time.Time, bool) {
				n := lastOK.Load()
				return time.Unix(0, n), n != 0
			},
		})
		go func() { httpErr <- srv.ListenAndServe(ctx, a.cfg.HTTP.Listen) }()
	}
	if *a.cfg.Schedule.RunAtStart {
		startRun.Add(1)
		go func() { defer startRun.Done(); job() }()
	}

	var failure error
	select {
	case <-ctx.Done():
	case err := <-httpErr:
		if err != nil {
			failure = fmt.Errorf("http.listen %s: %w", a.cfg.HTTP.Listen, err)
			a.log.Error("HTTP endpoint failed; shutting down", "listen", a.cfg.HTTP.Listen, "err", err)
		}
	}
	a.log.Info("shutting down", "grace", a.cfg.Schedule.Grace.Duration)
	deadline := time.Now().Add(a.cfg.Schedule.Grace.Duration)
	cronDone := c.Stop().Done() // no new runs; done when cron's running jobs return
	startDone := make(chan struct{})
	go func() { startRun.Wait(); close(startDone) }()
	inFlight := func(d time.Duration) bool {
		timeout := time.After(max(d, 0))
		for _, done := range []<-chan struct{}{cronDone, startDone} {
			select {
			case <-done:
			case <-timeout:
				return true
			}
		}
		return false
	}
	if inFlight(time.Until(deadline)) {
		a.log.Warn("run in flight did not finish within the grace period; abandoning it (nothing half-written: each page is stored in one transaction)")
		cancelWork()
		inFlight(5 * time.Second) // a cancelled run returns promptly; don't close the store under it
	}
	cancelWork()
	bg.Wait()
	// Deliver what is due with what is left of the grace period.
	if left := time.Until(deadline); left > 0 {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), left)
		sent, failed, err := disp.Drain(dctx)
		cancel()
		a.log.Info("final delivery", "sent", sent, "failed", failed, "err", err)
	}
	a.log.Info("drawwatch daemon stopped")
	return failure
}

// lastSuccessfulRun recovers, after a restart, when every source last read
// normally, so /readyz does not report ready on a store that went stale.
func (a *app) lastSuccessfulRun(ctx context.Context, st *store.Store) (time.Time, bool) {
	hs, err := st.SourceHealths(ctx)
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

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
