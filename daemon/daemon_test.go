package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/robfig/cron/v3"
)

var start = time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)

func every(d time.Duration) cron.Schedule { return cron.Every(d) }

// never is a schedule with no future time: only RunAtStart's pass runs,
// and the schedule holds no clock timer, so tests can count the others.
type never struct{}

func (never) Next(time.Time) time.Time { return time.Time{} }

// passes records the passes a daemon ran; each blocks until released when
// hold is set, and reports whether its context was cancelled.
type passes struct {
	hold      bool
	started   chan struct{}
	release   chan struct{}
	n         atomic.Int32
	cancelled atomic.Int32
	err       error
}

func newPasses(hold bool) *passes {
	return &passes{hold: hold, started: make(chan struct{}, 16), release: make(chan struct{}, 16)}
}

func (p *passes) run(ctx context.Context) error {
	p.n.Add(1)
	p.started <- struct{}{}
	if p.hold {
		select {
		case <-p.release:
		case <-ctx.Done():
			p.cancelled.Add(1)
			return ctx.Err()
		}
	}
	return p.err
}

func (p *passes) waitStarted(t *testing.T) {
	t.Helper()
	select {
	case <-p.started:
	case <-time.After(5 * time.Second):
		t.Fatal("no pass started")
	}
}

// deliverer counts wake-ups and the final drain.
type deliverer struct {
	wakes  atomic.Int32
	drains atomic.Int32
	err    error
}

func (d *deliverer) Run(ctx context.Context, wake <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
			d.wakes.Add(1)
		}
	}
}

func (d *deliverer) Drain(ctx context.Context) (int, int, error) {
	d.drains.Add(1)
	return 0, 0, nil
}

type fakeLease struct {
	mu    sync.Mutex
	calls int
	errs  []error // returned in turn; nil once used up
}

func (l *fakeLease) Renew(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if len(l.errs) == 0 {
		return nil
	}
	err := l.errs[0]
	l.errs = l.errs[1:]
	return err
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// started runs d in the background and returns a wait for its result.
func started(t *testing.T, ctx context.Context, d *Daemon) func() error {
	t.Helper()
	res := make(chan error, 1)
	go func() { res <- d.Run(ctx) }()
	return func() error {
		t.Helper()
		select {
		case err := <-res:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("daemon did not stop")
			return nil
		}
	}
}

func block(t *testing.T, clock *clockwork.FakeClock, waiters int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, waiters); err != nil {
		t.Fatalf("waiting for %d clock waiters: %v", waiters, err)
	}
}

func TestPassesRunOnScheduleWithJitter(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(false)
	dl := &deliverer{}
	d, err := New(Config{Schedule: every(time.Minute), Jitter: time.Minute, Grace: time.Minute, Pass: p.run, Deliver: dl,
		Clock: clock, Logger: quiet(), RandN: func(time.Duration) time.Duration { return 20 * time.Second }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	wait := started(t, ctx, d)

	block(t, clock, 1) // the schedule's timer
	clock.Advance(time.Minute)
	block(t, clock, 2) // the next tick, and the pass's jitter
	if n := p.n.Load(); n != 0 {
		t.Fatalf("pass ran before its jitter elapsed (%d)", n)
	}
	clock.Advance(20 * time.Second)
	p.waitStarted(t)
	if _, ok := d.LastSuccess(); !ok {
		waitFor(t, "readiness after a good pass", func() bool { _, ok := d.LastSuccess(); return ok })
	}
	waitFor(t, "the dispatcher woken after the pass", func() bool { return dl.wakes.Load() == 1 })
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if dl.drains.Load() != 1 {
		t.Errorf("final drain ran %d times, want 1", dl.drains.Load())
	}
}

func TestPassesNeverOverlap(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(true)
	d, _ := New(Config{Schedule: every(time.Minute), Pass: p.run, Clock: clock, Logger: quiet(), RunAtStart: true, Grace: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	wait := started(t, ctx, d)
	p.waitStarted(t)
	for range 3 { // three ticks while the first pass runs
		block(t, clock, 1)
		clock.Advance(time.Minute)
	}
	block(t, clock, 1)
	if n := p.n.Load(); n != 1 {
		t.Fatalf("%d passes started while the first was running, want 1", n)
	}
	p.release <- struct{}{}
	waitFor(t, "the first pass to end", func() bool { return !d.running.Load() })
	clock.Advance(time.Minute)
	p.waitStarted(t)
	p.release <- struct{}{}
	cancel()
	if err := wait(); err != nil {
		t.Error(err)
	}
	if p.n.Load() != 2 || p.cancelled.Load() != 0 {
		t.Errorf("passes %d, cancelled %d; want 2, 0", p.n.Load(), p.cancelled.Load())
	}
}

func TestShutdownLetsThePassInFlightFinishWithinGrace(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(true)
	dl := &deliverer{}
	d, _ := New(Config{Schedule: never{}, Pass: p.run, Deliver: dl, Clock: clock, Logger: quiet(),
		RunAtStart: true, Grace: 20 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	wait := started(t, ctx, d)
	p.waitStarted(t)
	cancel()
	block(t, clock, 1) // the grace timer
	clock.Advance(5 * time.Second)
	p.release <- struct{}{}
	if err := wait(); err != nil {
		t.Error(err)
	}
	if p.cancelled.Load() != 0 {
		t.Error("the pass was cancelled although it finished within the grace period")
	}
	if dl.drains.Load() != 1 {
		t.Errorf("final delivery ran %d times, want 1 (15s of grace were left)", dl.drains.Load())
	}
}

func TestShutdownCancelsAPassThatOutlastsGrace(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(true)
	dl := &deliverer{}
	d, _ := New(Config{Schedule: never{}, Pass: p.run, Deliver: dl, Clock: clock, Logger: quiet(),
		RunAtStart: true, Grace: 20 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	wait := started(t, ctx, d)
	p.waitStarted(t)
	cancel()
	block(t, clock, 1)
	clock.Advance(20 * time.Second)
	if err := wait(); err != nil {
		t.Error(err)
	}
	if p.cancelled.Load() != 1 {
		t.Error("a pass still running when the grace period ended was not cancelled")
	}
	if dl.drains.Load() != 0 {
		t.Error("final delivery ran with no grace left")
	}
}

func TestLostLeaseStopsAtOnce(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(true)
	dl := &deliverer{}
	lease := &fakeLease{errs: []error{errors.New("database is locked"), fmt.Errorf("%w: taken over", ErrLeaseLost)}}
	d, _ := New(Config{Schedule: never{}, Pass: p.run, Deliver: dl, Clock: clock, Logger: quiet(),
		RunAtStart: true, Grace: time.Hour, Lease: lease, HeartbeatEvery: 30 * time.Second})
	wait := started(t, context.Background(), d)
	p.waitStarted(t)
	block(t, clock, 1) // the heartbeat
	clock.Advance(30 * time.Second)
	waitFor(t, "the first heartbeat", func() bool { lease.mu.Lock(); defer lease.mu.Unlock(); return lease.calls == 1 })
	if n := p.cancelled.Load(); n != 0 {
		t.Fatal("a transient heartbeat failure stopped the pass")
	}
	clock.Advance(30 * time.Second)
	err := wait()
	if !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Run = %v, want ErrLeaseLost", err)
	}
	if p.cancelled.Load() != 1 {
		t.Error("the pass in flight was not cancelled when the lease was lost")
	}
	if dl.drains.Load() != 0 {
		t.Error("alerts were delivered after the lease was lost")
	}
}

func TestLeaseLossSignalledBetweenHeartbeatsStopsAtOnce(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(true)
	lease := &notifyingLease{lost: make(chan struct{})}
	d, _ := New(Config{Schedule: never{}, Pass: p.run, Clock: clock, Logger: quiet(),
		RunAtStart: true, Grace: time.Hour, Lease: lease, HeartbeatEvery: time.Hour})
	wait := started(t, context.Background(), d)
	p.waitStarted(t)
	close(lease.lost) // no clock advance: no heartbeat needed
	if err := wait(); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Run = %v, want ErrLeaseLost", err)
	}
	if p.cancelled.Load() != 1 {
		t.Error("the pass in flight was not cancelled")
	}
}

func TestPassReportingLostLeaseStopsTheDaemon(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(false)
	p.err = fmt.Errorf("save page: %w", ErrLeaseLost)
	d, _ := New(Config{Schedule: every(time.Hour), Pass: p.run, Clock: clock, Logger: quiet(), RunAtStart: true})
	if err := started(t, context.Background(), d)(); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("Run = %v, want ErrLeaseLost", err)
	}
}

func TestServeFailureStopsTheDaemon(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	p := newPasses(false)
	d, _ := New(Config{Schedule: every(time.Hour), Pass: p.run, Clock: clock, Logger: quiet(),
		Serve: func(ctx context.Context) error { return errors.New("accept: too many open files") }})
	err := started(t, context.Background(), d)()
	if err == nil || p.n.Load() != 0 {
		t.Errorf("Run = %v after %d passes; want the endpoint's error", err, p.n.Load())
	}
}

func TestReadiness(t *testing.T) {
	earlier := start.Add(-time.Hour)
	for _, tt := range []struct {
		name    string
		before  time.Time
		passErr error
		want    time.Time
	}{
		{"no pass yet", time.Time{}, errors.New("source failed"), time.Time{}},
		{"recovered from the store", earlier, errors.New("source failed"), earlier},
		{"a good pass", earlier, nil, start},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(start)
			p := newPasses(false)
			p.err = tt.passErr
			d, _ := New(Config{Schedule: every(time.Hour), Pass: p.run, Clock: clock, Logger: quiet(), RunAtStart: true, LastSuccess: tt.before})
			ctx, cancel := context.WithCancel(context.Background())
			wait := started(t, ctx, d)
			p.waitStarted(t)
			waitFor(t, "the pass to end", func() bool { return !d.running.Load() })
			cancel()
			wait()
			got, ok := d.LastSuccess()
			if ok != !tt.want.IsZero() || (ok && !got.Equal(tt.want)) {
				t.Errorf("LastSuccess = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	if _, err := New(Config{Pass: func(context.Context) error { return nil }}); err == nil {
		t.Error("no schedule accepted")
	}
	if _, err := New(Config{Schedule: every(time.Minute), Pass: func(context.Context) error { return nil }, Lease: &fakeLease{}}); err == nil {
		t.Error("a lease without a heartbeat interval accepted")
	}
}

// waitFor polls a condition set by another goroutine (not the clock).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
