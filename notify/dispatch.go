package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Outbox is the part of the store the dispatcher needs: alerts due for
// delivery, and where each one stands afterwards.
type Outbox interface {
	DueAlerts(ctx context.Context, now time.Time, limit int) ([]drawwatch.Alert, error)
	MarkSent(ctx context.Context, id int64, ref string, at time.Time) error
	MarkRetry(ctx context.Context, id int64, errMsg string, next time.Time) error
	MarkDead(ctx context.Context, id int64, errMsg string) error
}

// NextDuer is an optional Outbox method: when the next pending alert is
// due (ok false when none is pending). Run sleeps until then instead of
// polling.
type NextDuer interface {
	NextDue(ctx context.Context) (next time.Time, ok bool, err error)
}

// DispatchOption changes a Dispatcher.
type DispatchOption func(*Dispatcher)

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) DispatchOption {
	return func(d *Dispatcher) { d.now = now }
}

// WithSleep sets how in-process retry waits happen; it must return early
// with ctx.Err() when ctx ends. Tests pass a fake that records the wait.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) DispatchOption {
	return func(d *Dispatcher) { d.sleep = sleep }
}

// WithBackoff sets the outbox retry schedule: base·2^attempts, capped at
// max, plus up to jitter·wait at random (jitter 0.2 = up to 20% more).
func WithBackoff(base, max time.Duration, jitter float64) DispatchOption {
	return func(d *Dispatcher) { d.base, d.maxBackoff, d.jitter = base, max, jitter }
}

// WithInlineRetry sets retries inside one Drain: up to n more tries, the
// k-th after base·2^k (or the target's Retry-After when longer), but only
// while the wait is at most maxWait; longer waits go back to the outbox.
func WithInlineRetry(n int, base, maxWait time.Duration) DispatchOption {
	return func(d *Dispatcher) { d.inlineRetries, d.inlineBase, d.inlineMaxWait = n, base, maxWait }
}

// WithMaxAttempts sets how many Drains may try one alert before it is
// marked dead (default 10; 0 means never give up).
func WithMaxAttempts(n int) DispatchOption {
	return func(d *Dispatcher) { d.maxAttempts = n }
}

// WithObserver reports each delivery attempt's outcome per target, for
// metrics. It is called once per attempted alert in Drain.
func WithObserver(f func(target string, sent bool)) DispatchOption {
	return func(d *Dispatcher) { d.observe = f }
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) DispatchOption {
	return func(d *Dispatcher) { d.log = l }
}

// WithPollInterval sets how long Run waits between Drains when nothing
// is known to be due sooner (default 1m).
func WithPollInterval(p time.Duration) DispatchOption {
	return func(d *Dispatcher) { d.poll = p }
}

// WithBatchSize sets how many due alerts one outbox read returns (default 50).
func WithBatchSize(n int) DispatchOption {
	return func(d *Dispatcher) { d.batch = n }
}

// Dispatcher delivers due outbox alerts through the notifier named by each
// alert's target.
//
// Delivery is at-least-once, and exactly-once except in one window. An
// alert leaves the pending state only through MarkSent, MarkRetry or
// MarkDead, each written after the send attempt: if the process stops
// before sending (or while a send is cancelled), the alert is still
// pending and the next Drain sends it once. If the process dies after the
// target accepted the message but before MarkSent is stored, the next Drain
// sends it again: that duplicate window is the time between the target's
// answer and the outbox write (milliseconds with a local SQLite store).
// Closing it would need the target to deduplicate: Email sends a
// Message-ID derived from the alert so a resend carries the same id;
// Slack offers no idempotency key. MarkSent runs with a context detached
// from cancellation, so a shutdown signal arriving mid-send does not
// widen the window.
type Dispatcher struct {
	outbox        Outbox
	notifiers     map[string]Notifier
	now           func() time.Time
	sleep         func(ctx context.Context, d time.Duration) error
	base          time.Duration
	maxBackoff    time.Duration
	jitter        float64
	inlineRetries int
	inlineBase    time.Duration
	inlineMaxWait time.Duration
	maxAttempts   int
	poll          time.Duration
	batch         int
	log           *slog.Logger
	observe       func(target string, sent bool)
}

// NewDispatcher returns a Dispatcher over ob. Notifiers are keyed by
// Name(); a later one with the same name replaces an earlier one.
func NewDispatcher(ob Outbox, notifiers []Notifier, opts ...DispatchOption) *Dispatcher {
	d := &Dispatcher{
		outbox:        ob,
		notifiers:     make(map[string]Notifier, len(notifiers)),
		now:           time.Now,
		sleep:         sleepCtx,
		base:          30 * time.Second,
		maxBackoff:    time.Hour,
		jitter:        0.2,
		inlineRetries: 3,
		inlineBase:    500 * time.Millisecond,
		inlineMaxWait: 10 * time.Second,
		maxAttempts:   10,
		poll:          time.Minute,
		batch:         50,
		log:           slog.Default(),
	}
	for _, n := range notifiers {
		d.notifiers[n.Name()] = n
	}
	for _, o := range opts {
		o(d)
	}
	if d.batch <= 0 {
		d.batch = 50
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Drain delivers every alert due now, trying each at most once per Drain
// (plus bounded in-process retries). Retryable failures go back to the
// outbox with exponential backoff and jitter, never sooner than the
// target's Retry-After; permanent failures and alerts whose target no
// longer exists are marked dead and logged once. err is set when the
// outbox fails or ctx ends; alerts not yet tried stay pending.
func (d *Dispatcher) Drain(ctx context.Context) (sent, failed int, err error) {
	seen := make(map[int64]bool)
	for {
		alerts, err := d.outbox.DueAlerts(ctx, d.now(), d.batch)
		if err != nil {
			return sent, failed, fmt.Errorf("read due alerts from the outbox: %w", err)
		}
		fresh := 0
		for _, a := range alerts {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			fresh++
			ok, err := d.deliver(ctx, a)
			if ok {
				sent++
			} else if err == nil {
				failed++
			}
			if d.observe != nil && (ok || err == nil) {
				d.observe(a.Target, ok)
			}
			if err != nil {
				return sent, failed, err
			}
		}
		if fresh == 0 || len(alerts) < d.batch {
			return sent, failed, nil
		}
	}
}

// deliver tries one alert. ok reports a delivery; err is set only when the
// drain must stop (ctx ended, outbox write failed).
func (d *Dispatcher) deliver(ctx context.Context, a drawwatch.Alert) (ok bool, err error) {
	log := d.log.With("alert_id", a.ID, "target", a.Target, "event", string(a.Event.Type))
	n, found := d.notifiers[a.Target]
	if !found {
		msg := fmt.Sprintf("target %q is not configured any more: alert dropped (add the target back and requeue the alert to deliver it)", a.Target)
		log.Warn("alert dead: unknown target")
		if err := d.outbox.MarkDead(ctx, a.ID, msg); err != nil {
			return false, fmt.Errorf("mark alert %d dead: %w", a.ID, err)
		}
		return false, nil
	}
	var sendErr error
	for try := 0; ; try++ {
		start := d.now()
		ref, err := n.Send(ctx, a)
		if err == nil {
			// Detached from ctx: the message is out, so record it even if a
			// shutdown began meanwhile (see the duplicate window above).
			mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			merr := d.outbox.MarkSent(mctx, a.ID, ref, d.now())
			cancel()
			if merr != nil {
				log.Error("alert sent but not marked sent: it will be sent again", "ref", ref, "error", merr)
				return true, fmt.Errorf("mark alert %d sent: %w", a.ID, merr)
			}
			log.Info("alert sent", "ref", ref, "attempt", a.Attempts+1, "tries", try+1, "latency", d.now().Sub(start))
			return true, nil
		}
		if ctx.Err() != nil {
			// Stopped mid-send: leave the alert pending, untouched.
			return false, ctx.Err()
		}
		if IsPermanent(err) {
			log.Warn("alert dead: permanent error", "error", err)
			if merr := d.outbox.MarkDead(ctx, a.ID, err.Error()); merr != nil {
				return false, fmt.Errorf("mark alert %d dead: %w", a.ID, merr)
			}
			return false, nil
		}
		sendErr = err
		wait := max(d.withJitter(backoff(d.inlineBase, d.inlineMaxWait, try)), retryAfter(err))
		if try >= d.inlineRetries || wait > d.inlineMaxWait {
			break
		}
		log.Debug("retrying in process", "wait", wait, "error", err)
		if err := d.sleep(ctx, wait); err != nil {
			return false, err
		}
	}
	attempts := a.Attempts + 1
	if d.maxAttempts > 0 && attempts >= d.maxAttempts {
		msg := fmt.Sprintf("gave up after %d attempts: %v", attempts, sendErr)
		log.Warn("alert dead: too many attempts", "attempts", attempts, "error", sendErr)
		if err := d.outbox.MarkDead(ctx, a.ID, msg); err != nil {
			return false, fmt.Errorf("mark alert %d dead: %w", a.ID, err)
		}
		return false, nil
	}
	next := d.now().Add(max(d.withJitter(backoff(d.base, d.maxBackoff, a.Attempts)), retryAfter(sendErr)))
	log.Warn("alert not delivered, will retry", "attempt", attempts, "next_try", next, "error", sendErr)
	if err := d.outbox.MarkRetry(ctx, a.ID, sendErr.Error(), next); err != nil {
		return false, fmt.Errorf("mark alert %d for retry: %w", a.ID, err)
	}
	return false, nil
}

// backoff is base·2^n capped at limit.
func backoff(base, limit time.Duration, n int) time.Duration {
	w := base
	for range n {
		if w >= limit/2 {
			return limit
		}
		w *= 2
	}
	return min(w, limit)
}

func (d *Dispatcher) withJitter(w time.Duration) time.Duration {
	if d.jitter <= 0 || w <= 0 {
		return w
	}
	return w + time.Duration(rand.Float64()*d.jitter*float64(w))
}

// minRunWait keeps Run from spinning when the outbox reports an alert due
// now that Drain just chose not to retry.
const minRunWait = 250 * time.Millisecond

// Run drains the outbox until ctx ends, then returns nil. Between drains
// it waits for the next due time (when the outbox implements NextDuer),
// the poll interval, or a signal on wake, whichever comes first. Outbox
// errors are logged and retried at the next poll rather than ending Run.
func (d *Dispatcher) Run(ctx context.Context, wake <-chan struct{}) error {
	for {
		sent, failed, err := d.Drain(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := d.poll
		if err != nil {
			d.log.Error("drain outbox", "error", err)
		} else {
			if sent+failed > 0 {
				d.log.Debug("drained outbox", "sent", sent, "failed", failed)
			}
			if nd, ok := d.outbox.(NextDuer); ok {
				next, has, err := nd.NextDue(ctx)
				switch {
				case err != nil && !errors.Is(err, context.Canceled):
					d.log.Error("read next due time from the outbox", "error", err)
				case err == nil && has:
					wait = min(wait, max(next.Sub(d.now()), minRunWait))
				}
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}
