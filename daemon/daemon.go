// Package daemon runs drawwatch as a service: scrape passes on a cron
// schedule, with jitter and never two at once; continuous alert delivery;
// the store lease kept alive by its own heartbeat; and a shutdown bounded by
// a grace period. Time comes from an injected clock, so all of it is tested
// in process without sleeping.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/robfig/cron/v3"
)

// Deliverer sends queued alerts: continuously while the daemon runs, and
// once more at shutdown. *notify.Dispatcher satisfies it.
type Deliverer interface {
	Run(ctx context.Context, wake <-chan struct{}) error
	Drain(ctx context.Context) (sent, failed int, err error)
}

// Config is what a Daemon runs. Schedule and Pass are required.
type Config struct {
	Schedule   cron.Schedule
	Jitter     time.Duration // each pass starts after a random wait up to this
	Grace      time.Duration // how long shutdown waits for a pass and deliveries
	RunAtStart bool

	// Pass runs one scrape pass. A nil error means every source was read
	// normally, which is what readiness counts. An error wrapping
	// ErrLeaseLost stops the daemon at once.
	Pass func(ctx context.Context) error
	// AfterPass, when set, runs after every pass (metrics, say).
	AfterPass func(ctx context.Context)
	Deliver   Deliverer // nil: no delivery
	// Serve, when set, serves HTTP until its context is done. Bind the
	// listener before New: a taken port must stop the daemon before it
	// scrapes, not after.
	Serve func(ctx context.Context) error
	// Lease, when set, is renewed every HeartbeatEvery; losing it stops
	// the daemon at once with an error wrapping ErrLeaseLost.
	Lease          Lease
	HeartbeatEvery time.Duration
	// LastSuccess is when a pass last succeeded before this process
	// started (from the store), so readiness survives a restart.
	LastSuccess time.Time

	Clock  clockwork.Clock                       // nil: the real clock
	Logger *slog.Logger                          // nil: slog.Default()
	RandN  func(max time.Duration) time.Duration // nil: uniform in [0, max)
}

// Daemon is a running schedule; see Run.
type Daemon struct {
	cfg     Config
	clock   clockwork.Clock
	log     *slog.Logger
	lastOK  atomic.Int64
	running atomic.Bool
	passes  sync.WaitGroup
	wake    chan struct{}
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Daemon, error) {
	if cfg.Schedule == nil || cfg.Pass == nil {
		return nil, errors.New("daemon: Schedule and Pass are required")
	}
	if cfg.Lease != nil && cfg.HeartbeatEvery <= 0 {
		return nil, errors.New("daemon: a Lease needs a positive HeartbeatEvery")
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RandN == nil {
		cfg.RandN = func(max time.Duration) time.Duration { return rand.N(max) }
	}
	d := &Daemon{cfg: cfg, clock: cfg.Clock, log: cfg.Logger, wake: make(chan struct{}, 1)}
	if !cfg.LastSuccess.IsZero() {
		d.lastOK.Store(cfg.LastSuccess.UnixNano())
	}
	return d, nil
}

// LastSuccess reports when the last successful pass finished; false before
// the first. It is the daemon's readiness signal (/readyz).
func (d *Daemon) LastSuccess() (time.Time, bool) {
	n := d.lastOK.Load()
	return time.Unix(0, n), n != 0
}

// Run schedules passes and delivers alerts until ctx is done, the HTTP
// endpoint fails or the lease is lost. On ctx's end it stops scheduling,
// lets the pass in flight finish within the grace period (then cancels
// it), delivers what is due with the time left, and returns nil. A failed
// endpoint returns its error after the same shutdown; a lost lease stops
// everything at once and returns an error wrapping ErrLeaseLost.
func (d *Daemon) Run(ctx context.Context) error {
	// Work gets its own context: on shutdown a pass may finish within the
	// grace period instead of being cut off at the signal.
	base := context.WithoutCancel(ctx)
	stopLease := func() {}
	if d.cfg.Lease != nil {
		base, stopLease = Hold(base, d.cfg.Lease, d.cfg.HeartbeatEvery, d.clock, d.log)
	}
	defer stopLease()
	work, cancelWork := context.WithCancelCause(base)
	defer cancelWork(nil)

	var bg sync.WaitGroup
	delivering := make(chan struct{})
	go func() { defer close(delivering); d.deliverLoop(work, cancelWork) }()
	serveErr := make(chan error, 1)
	serveCtx, stopServe := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServe()
	if d.cfg.Serve != nil {
		bg.Go(func() { serveErr <- d.cfg.Serve(serveCtx) })
	}
	schedCtx, stopSched := context.WithCancel(work)
	schedDone := make(chan struct{})
	go func() { defer close(schedDone); d.schedule(schedCtx, work, cancelWork) }()
	if d.cfg.RunAtStart {
		d.trigger(work, cancelWork)
	}

	var failure error
	select {
	case <-ctx.Done():
	case <-work.Done(): // lease lost
	case err := <-serveErr:
		if err != nil {
			failure = fmt.Errorf("http endpoint: %w", err)
			d.log.Error("HTTP endpoint failed; shutting down", "err", err)
		}
	}
	stopSched()
	<-schedDone
	if lost := LeaseLost(work); lost != nil {
		cancelWork(lost)
		d.passes.Wait()
		<-delivering
		stopServe()
		bg.Wait()
		return lost
	}
	d.shutdown(base, cancelWork, delivering)
	stopServe()
	bg.Wait()
	if lost := LeaseLost(base); lost != nil {
		return lost
	}
	d.log.Info("drawwatch daemon stopped")
	return failure
}

// shutdown waits for the pass in flight within the grace period, then
// delivers what is due with what is left of it, under the lease (base).
func (d *Daemon) shutdown(base context.Context, cancelWork context.CancelCauseFunc, delivering <-chan struct{}) {
	grace := d.cfg.Grace
	d.log.Info("shutting down", "grace", grace)
	deadline := d.clock.Now().Add(grace)
	if !d.waitPasses(grace) {
		d.log.Warn("pass in flight did not finish within the grace period; cancelling it (nothing half-written: each page is stored in one transaction)")
		cancelWork(errors.New("grace period over"))
		d.passes.Wait() // a cancelled pass returns promptly; don't close the store under it
	}
	cancelWork(errors.New("shutting down")) // stops the dispatcher's loop
	<-delivering
	if d.cfg.Deliver == nil {
		return
	}
	left := deadline.Sub(d.clock.Now())
	if left <= 0 {
		return
	}
	drainCtx, cancel := clockwork.WithTimeout(base, d.clock, left)
	defer cancel()
	sent, failed, err := d.cfg.Deliver.Drain(drainCtx)
	d.log.Info("final delivery", "sent", sent, "failed", failed, "err", err)
}

// waitPasses waits up to limit for the pass in flight; false if it is
// still running then.
func (d *Daemon) waitPasses(limit time.Duration) bool {
	done := make(chan struct{})
	go func() { d.passes.Wait(); close(done) }()
	t := d.clock.NewTimer(limit)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.Chan():
		return false
	}
}

// schedule triggers a pass at every time the schedule names until ctx ends.
func (d *Daemon) schedule(ctx, work context.Context, fail context.CancelCauseFunc) {
	for {
		now := d.clock.Now()
		next := d.cfg.Schedule.Next(now)
		if next.IsZero() {
			d.log.Warn("the schedule names no future time; no more passes")
			return
		}
		t := d.clock.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.Chan():
		}
		d.trigger(work, fail)
	}
}

// trigger starts a pass unless one is still running: passes never overlap,
// and a slow one makes the next tick skip rather than queue up.
func (d *Daemon) trigger(work context.Context, fail context.CancelCauseFunc) {
	if !d.running.CompareAndSwap(false, true) {
		d.log.Warn("previous pass still in progress; skipping this one")
		return
	}
	d.passes.Add(1)
	go func() {
		defer d.passes.Done()
		defer d.running.Store(false)
		d.pass(work, fail)
	}()
}

func (d *Daemon) pass(work context.Context, fail context.CancelCauseFunc) {
	if j := d.cfg.Jitter; j > 0 {
		t := d.clock.NewTimer(d.cfg.RandN(j))
		select {
		case <-work.Done():
			t.Stop()
			return
		case <-t.Chan():
		}
	}
	start := d.clock.Now()
	err := d.cfg.Pass(work)
	switch {
	case err == nil:
		d.lastOK.Store(d.clock.Now().UnixNano())
	case errors.Is(err, ErrLeaseLost):
		fail(err)
		return
	default:
		d.log.Warn("pass failed", "err", err, "duration", d.clock.Since(start))
	}
	if d.cfg.AfterPass != nil {
		d.cfg.AfterPass(work)
	}
	select { // new alerts are due: wake the dispatcher
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *Daemon) deliverLoop(work context.Context, fail context.CancelCauseFunc) {
	if d.cfg.Deliver == nil {
		return
	}
	err := d.cfg.Deliver.Run(work, d.wake)
	switch {
	case errors.Is(err, ErrLeaseLost):
		fail(err)
	case err != nil && work.Err() == nil:
		d.log.Error("alert dispatcher stopped", "err", err)
	}
}
