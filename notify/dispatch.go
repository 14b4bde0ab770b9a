package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/retry"
)

// Outbox is the part of the store the dispatcher needs: one queue per
// target of alerts due for delivery, and where each one stands afterwards.
type Outbox interface {
	// DueTargets lists the targets with at least one alert due at now.
	DueTargets(ctx context.Context, now time.Time) ([]string, error)
	// DueAlertsFor returns up to limit of target's alerts due at now, oldest first.
	DueAlertsFor(ctx context.Context, target string, now time.Time, limit int) ([]drawwatch.Alert, error)
	MarkSent(ctx context.Context, id int64, ref string, at time.Time) error
	MarkRetry(ctx context.Context, id int64, errMsg string, next time.Time) error
	MarkDead(ctx context.Context, id int64, errMsg string) error
}

// NextDuer is an optional Outbox method: when target's next pending alert
// is due (ok false when none is pending). Run's worker for that target
// sleeps until then instead of polling.
type NextDuer interface {
	NextDueFor(ctx context.Context, target string) (next time.Time, ok bool, err error)
}

// Claimer is an optional Outbox method: claim alert id for one send under
// the store's lease, checked in the same transaction. claimed is false when
// the alert was sent or given up on meanwhile (skip it). held is called
// right before each send attempt; it fails once the lease is lost, and the
// target's drain stops with that error, so a holder that lost the store
// never sends.
type Claimer interface {
	ClaimAlert(ctx context.Context, id int64) (claimed bool, held func() error, err error)
}

// fencedError is a send refused because the lease was lost.
type fencedError struct{ err error }

func (e fencedError) Error() string { return e.err.Error() }
func (e fencedError) Unwrap() error { return e.err }

// claim claims a for this process's lease when the outbox fences sends.
func (d *Dispatcher) claim(ctx context.Context, a drawwatch.Alert) (claimed bool, held func() error, err error) {
	c, ok := d.outbox.(Claimer)
	if !ok {
		return true, func() error { return nil }, nil
	}
	claimed, held, err = c.ClaimAlert(ctx, a.ID)
	if err != nil {
		return false, nil, fmt.Errorf("claim alert %d: %w", a.ID, err)
	}
	if !claimed {
		d.log.Debug("alert already sent or given up on by another run", "alert_id", a.ID, "target", a.Target)
	}
	return claimed, held, nil
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

// WithDeadAlertOps makes an alert that dies raise an ops alert (event
// dead_alerts) to the targets route picks for it, the dead alert's own
// target excepted. One is raised per target per episode: when the first of
// its alerts dies; later deaths while any stays dead are only listed (the
// status page, `drawwatch outbox`). The outbox must implement DeadReporter.
func WithDeadAlertOps(route func(drawwatch.Event) []string) DispatchOption {
	return func(d *Dispatcher) { d.deadRoute = route }
}

// DeadReporter is the optional Outbox part that dead-alert ops alerts need.
type DeadReporter interface {
	// MarkDeadReporting gives up on alert id and, in the same transaction,
	// queues report for each of targets when id is its target's only dead
	// alert (reported true).
	MarkDeadReporting(ctx context.Context, id int64, errMsg string, report drawwatch.Event, targets []string, dedupeKey string) (reported bool, err error)
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
// Each target has its own queue and its own backoff: the targets are
// drained concurrently, and a target that fails is paused (its alerts wait,
// untried and with no attempt counted) while the other targets carry on.
// One slow or failing target never delays another target's alerts.
//
// Delivery is at-least-once, and exactly-once except in one window. An
// alert leaves the pending state only through MarkSent, MarkRetry or
// MarkDead, each written after the send attempt: if the process stops
// before sending (or while a send is cancelled), the alert is still
// pending and the next Drain sends it once. When the target accepted a
// message but MarkSent fails (a full disk, a locked store), the outcome is
// kept in memory: this process retries the mark before that target sends
// anything else and never sends the alert again. What remains is a crash:
// if the process dies between the moment the target accepts the request
// and the moment MarkSent is stored — the whole POST round trip to Slack
// or the SMTP DATA exchange plus the outbox write, or longer while the
// store refuses the mark — the next process sends the alert again. Closing
// it would need the target to deduplicate: Email sends a Message-ID
// derived from the alert so a resend carries the same id; Slack offers no
// idempotency key. MarkSent runs with a context detached from
// cancellation, so a shutdown signal arriving mid-send does not widen the
// window.
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
	deadRoute     func(drawwatch.Event) []string
	holder        Holder // routes' digests and quiet hours (hold.go)

	mu     sync.Mutex
	states map[string]*targetState
	wakes  map[string]chan struct{} // Run's per-target workers
	// raised counts ops alerts queued by this drain, delivered before it ends.
	raised atomic.Int64
}

// targetState is one target's delivery state in this process.
type targetState struct {
	mu       sync.Mutex // one drain of this target at a time
	failures int        // consecutive retryable failures
	until    time.Time  // no sends before this: the target's backoff
	lastErr  string     // why the target is backing off
	// unmarked holds alerts the target accepted whose MarkSent failed:
	// the mark is retried, the alert is never sent again by this process.
	unmarked map[int64]sentOutcome
	// held mirrors len(unmarked), readable without waiting for mu (which
	// a drain holds while sending).
	held atomic.Int64
}

type sentOutcome struct {
	ref string
	at  time.Time
}

// NewDispatcher returns a Dispatcher over ob. Notifiers are keyed by
// Name(); a later one with the same name replaces an earlier one.
func NewDispatcher(ob Outbox, notifiers []Notifier, opts ...DispatchOption) *Dispatcher {
	d := &Dispatcher{
		outbox:        ob,
		notifiers:     make(map[string]Notifier, len(notifiers)),
		now:           time.Now,
		sleep:         retry.Sleep,
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
		states:        map[string]*targetState{},
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

func (d *Dispatcher) state(target string) *targetState {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, ok := d.states[target]
	if !ok {
		st = &targetState{unmarked: map[int64]sentOutcome{}}
		d.states[target] = st
	}
	return st
}

// Unmarked counts alerts this process delivered but could not yet mark
// sent. They are not sent again by this process; if it exits now, the next
// process will send them again.
func (d *Dispatcher) Unmarked() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, st := range d.states {
		n += int(st.held.Load())
	}
	return n
}

// TargetReport is what one Drain did for one target.
type TargetReport struct {
	Target string
	Sent   int // delivered
	Failed int // tried and not delivered (back in the queue, or dead)
	Dead   int // of Failed, given up on
	// Paused is set when the target is backing off: its remaining alerts
	// waited untried until Until. Error says why.
	Paused bool
	Until  time.Time
	Error  string
	// Err is set when the drain of this target stopped early: the outbox
	// failed, a sent mark could not be stored, or ctx ended.
	Err error
}

// DrainReport is what one Drain did, per target.
type DrainReport struct {
	Targets []TargetReport
}

// Sent is the number of alerts delivered, all targets together.
func (r DrainReport) Sent() int { return r.sum(func(t TargetReport) int { return t.Sent }) }

// Failed is the number of alerts tried and not delivered.
func (r DrainReport) Failed() int { return r.sum(func(t TargetReport) int { return t.Failed }) }

// Dead is the number of alerts given up on.
func (r DrainReport) Dead() int { return r.sum(func(t TargetReport) int { return t.Dead }) }

func (r DrainReport) sum(f func(TargetReport) int) int {
	n := 0
	for _, t := range r.Targets {
		n += f(t)
	}
	return n
}

// Err joins the targets' errors.
func (r DrainReport) Err() error {
	var errs []error
	for _, t := range r.Targets {
		if t.Err != nil {
			errs = append(errs, t.Err)
		}
	}
	return errors.Join(errs...)
}

// Drain is DrainTargets reduced to totals.
func (d *Dispatcher) Drain(ctx context.Context) (sent, failed int, err error) {
	rep, err := d.DrainTargets(ctx)
	return rep.Sent(), rep.Failed(), err
}

// DrainTargets delivers every alert due now, each target's queue in its own
// goroutine, trying each alert at most once per drain (plus bounded
// in-process retries). A retryable failure sends the alert back to the
// outbox with exponential backoff and jitter, never sooner than the
// target's Retry-After, and pauses that target for the same time; other
// targets are not affected. Permanent failures and alerts whose target no
// longer exists are marked dead and logged once. err joins the targets'
// errors (outbox failures, ctx ending); alerts not yet tried stay pending.
func (d *Dispatcher) DrainTargets(ctx context.Context) (DrainReport, error) {
	targets, err := d.outbox.DueTargets(ctx, d.now())
	if err != nil {
		return DrainReport{}, fmt.Errorf("read due targets from the outbox: %w", err)
	}
	// Targets holding unmarked sends are drained too, to retry the marks.
	d.mu.Lock()
	for name, st := range d.states {
		if st.held.Load() > 0 && !slices.Contains(targets, name) {
			targets = append(targets, name)
		}
	}
	d.mu.Unlock()
	rep := d.drainAll(ctx, targets)
	// Ops alerts raised for alerts that died in this drain go out in it too.
	if d.raised.Swap(0) > 0 && ctx.Err() == nil {
		if more, err := d.outbox.DueTargets(ctx, d.now()); err == nil {
			rep.merge(d.drainAll(ctx, more))
		}
	}
	return rep, rep.Err()
}

func (d *Dispatcher) drainAll(ctx context.Context, targets []string) DrainReport {
	rep := DrainReport{Targets: make([]TargetReport, len(targets))}
	var wg sync.WaitGroup
	for i, target := range targets {
		wg.Go(func() { rep.Targets[i] = d.drainTarget(ctx, target) })
	}
	wg.Wait()
	return rep
}

// merge adds a later pass's per-target counts to r.
func (r *DrainReport) merge(later DrainReport) {
	for _, t := range later.Targets {
		i := slices.IndexFunc(r.Targets, func(x TargetReport) bool { return x.Target == t.Target })
		if i < 0 {
			r.Targets = append(r.Targets, t)
			continue
		}
		cur := &r.Targets[i]
		cur.Sent, cur.Failed, cur.Dead = cur.Sent+t.Sent, cur.Failed+t.Failed, cur.Dead+t.Dead
		if t.Paused {
			cur.Paused, cur.Until, cur.Error = true, t.Until, t.Error
		}
		cur.Err = errors.Join(cur.Err, t.Err)
	}
}

// drainTarget delivers target's due alerts in order until its queue is
// empty, the target fails (then it pauses), or the drain must stop.
func (d *Dispatcher) drainTarget(ctx context.Context, target string) TargetReport {
	st := d.state(target)
	st.mu.Lock()
	defer st.mu.Unlock()
	rep := TargetReport{Target: target}
	if rep.Err = d.retryMarks(ctx, st, target); rep.Err != nil {
		return rep
	}
	n, configured := d.notifiers[target]
	if configured && d.now().Before(st.until) {
		rep.Paused, rep.Until, rep.Error = true, st.until, st.lastErr
		return rep
	}
	if rep.Err = d.foldDigest(ctx, target); rep.Err != nil {
		return rep
	}
	seen := make(map[int64]bool)
	for {
		alerts, err := d.outbox.DueAlertsFor(ctx, target, d.now(), d.batch)
		if err != nil {
			rep.Err = fmt.Errorf("read due alerts for %s from the outbox: %w", target, err)
			return rep
		}
		fresh := 0
		for _, a := range alerts {
			if _, sent := st.unmarked[a.ID]; seen[a.ID] || sent {
				continue
			}
			seen[a.ID] = true
			fresh++
			if skip, err := d.holdBack(ctx, a); err != nil || skip {
				rep.Err = err
				if err != nil {
					return rep
				}
				continue
			}
			if stop := d.handle(ctx, st, n, configured, a, &rep); stop {
				return rep
			}
		}
		if fresh == 0 || len(alerts) < d.batch {
			return rep
		}
	}
}

// handle claims and delivers one alert of the target (or drops it when the
// target is gone) and counts the outcome in rep. stop ends the target's
// drain: an error, or the target failed and pauses.
func (d *Dispatcher) handle(ctx context.Context, st *targetState, n Notifier, configured bool, a drawwatch.Alert, rep *TargetReport) (stop bool) {
	claimed, held, err := d.claim(ctx, a)
	switch {
	case err != nil:
		rep.Err = err
		return true
	case !claimed:
		return false
	case !configured:
		if rep.Err = d.dropUnknown(ctx, a); rep.Err != nil {
			return true
		}
		rep.Failed++
		rep.Dead++
		return false
	}
	res := d.deliver(ctx, n, st, a, held)
	rep.Err = res.err
	if res.tried && d.observe != nil {
		d.observe(a.Target, res.sent)
	}
	switch {
	case res.sent:
		rep.Sent++
	case res.tried && res.err == nil:
		rep.Failed++
		if res.dead {
			rep.Dead++
		}
	}
	if rep.Err != nil {
		return true
	}
	if res.pause {
		rep.Paused, rep.Until, rep.Error = true, st.until, st.lastErr
		return true
	}
	return false
}

// dropUnknown marks dead an alert whose target is no longer configured.
func (d *Dispatcher) dropUnknown(ctx context.Context, a drawwatch.Alert) error {
	msg := fmt.Sprintf("target %q is not configured any more: alert dropped (add the target back and re-queue it with `drawwatch outbox retry %d`)", a.Target, a.ID)
	d.log.Warn("alert dead: unknown target", "alert_id", a.ID, "target", a.Target)
	return d.markDead(ctx, a, msg)
}

// markDead gives up on a. With WithDeadAlertOps, the store queues the
// episode's ops alert in the same transaction (see DeadReporter).
func (d *Dispatcher) markDead(ctx context.Context, a drawwatch.Alert, reason string) error {
	dr, ok := d.outbox.(DeadReporter)
	if d.deadRoute == nil || !ok || a.Event.Type == drawwatch.EventDeadAlerts {
		// No ops alert about a dead ops alert about dead alerts.
		if err := d.outbox.MarkDead(ctx, a.ID, reason); err != nil {
			return fmt.Errorf("mark alert %d dead: %w", a.ID, err)
		}
		return nil
	}
	ev, targets := d.deadReport(a, reason)
	reported, err := dr.MarkDeadReporting(ctx, a.ID, reason, ev, targets, fmt.Sprintf("dead|%s|%d|%d", a.Target, a.ID, ev.DetectedAt.UnixNano()))
	if err != nil {
		return fmt.Errorf("mark alert %d dead: %w", a.ID, err)
	}
	if reported {
		d.raised.Add(1)
		for _, t := range targets {
			d.wake(t)
		}
	}
	return nil
}

// deadReport is the ops alert about a, and the ops targets other than
// a's own that receive it.
func (d *Dispatcher) deadReport(a drawwatch.Alert, reason string) (drawwatch.Event, []string) {
	now := d.now()
	ev := drawwatch.Event{Type: drawwatch.EventDeadAlerts, Target: a.Target, DetectedAt: now, Message: fmt.Sprintf(
		"Alert %d (%s) to %s was given up on: %s. Fix the target, then re-queue it with `drawwatch outbox retry %d` "+
			"(every dead alert: `drawwatch outbox retry --all`). Further alerts to %s that die before then are listed on the status page and by `drawwatch outbox`, without another ops alert.",
		a.ID, alertSubject(a.Event), a.Target, reason, a.ID, a.Target)}
	var targets []string
	for _, t := range d.deadRoute(ev) {
		if t != a.Target {
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		d.log.Warn("alert dead and no other ops target to tell", "alert_id", a.ID, "target", a.Target)
	}
	return ev, targets
}

// alertSubject names what an alert is about, for the dead-alert message.
func alertSubject(ev drawwatch.Event) string {
	switch {
	case ev.Announcement != nil:
		return fmt.Sprintf("%s %q", ev.Type, ev.Announcement.Title)
	case ev.Source != "":
		return fmt.Sprintf("%s about source %s", ev.Type, ev.Source)
	}
	return string(ev.Type)
}

// wake nudges Run's worker for target, if Run is running.
func (d *Dispatcher) wake(target string) {
	d.mu.Lock()
	ch := d.wakes[target]
	d.mu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// deadReason is a dead alert's error: how many attempts, and the last
// failure without its "retryable" classification, which no longer holds.
func deadReason(attempts int, err error) string {
	var se *SendError
	if errors.As(err, &se) {
		return fmt.Sprintf("gave up after %d attempts; the last failed with: notify %s: %v", attempts, se.Target, se.Err)
	}
	return fmt.Sprintf("gave up after %d attempts; the last failed with: %v", attempts, err)
}

// result is what one deliver call did.
type result struct {
	tried bool  // a send was attempted and its outcome recorded
	sent  bool  // the target accepted it (marked, or kept in memory)
	dead  bool  // given up on
	pause bool  // the target failed: pause its queue
	err   error // the drain of this target must stop
}

// deliver tries one alert, with bounded in-process retries.
func (d *Dispatcher) deliver(ctx context.Context, n Notifier, st *targetState, a drawwatch.Alert, held func() error) result {
	log := d.log.With("alert_id", a.ID, "target", a.Target, "event", string(a.Event.Type))
	start := d.now()
	ref, tries, sendErr := d.send(ctx, n, a, held, log)
	var fenced fencedError
	switch {
	case errors.As(sendErr, &fenced):
		// The lease is gone: not sent, and nothing of ours may be written.
		return result{err: fenced.err}
	case sendErr == nil:
		st.failures, st.until, st.lastErr = 0, time.Time{}, ""
		if err := d.markSent(ctx, st, a.ID, ref, log); err != nil {
			return result{tried: true, sent: true, err: err}
		}
		log.Info("alert sent", "ref", ref, "attempt", a.Attempts+1, "tries", tries, "latency", d.now().Sub(start))
		return result{tried: true, sent: true}
	case ctx.Err() != nil:
		// Stopped mid-send: leave the alert pending, untouched.
		return result{err: ctx.Err()}
	case IsPermanent(sendErr):
		log.Warn("alert dead: permanent error", "error", sendErr)
		if err := d.markDead(ctx, a, sendErr.Error()); err != nil {
			return result{err: err}
		}
		return result{tried: true, dead: true}
	}
	st.failures++
	attempts := a.Attempts + 1
	next := d.now().Add(max(d.withJitter(retry.Exponential(d.base, d.maxBackoff, max(a.Attempts, st.failures-1))), retryAfter(sendErr)))
	st.until, st.lastErr = next, sendErr.Error()
	if d.maxAttempts > 0 && attempts >= d.maxAttempts {
		log.Warn("alert dead: too many attempts", "attempts", attempts, "error", sendErr)
		if err := d.markDead(ctx, a, deadReason(attempts, sendErr)); err != nil {
			return result{err: err}
		}
		return result{tried: true, dead: true, pause: true}
	}
	log.Warn("alert not delivered, will retry; target paused", "attempt", attempts, "next_try", next, "error", sendErr)
	if err := d.outbox.MarkRetry(ctx, a.ID, sendErr.Error(), next); err != nil {
		return result{err: fmt.Errorf("mark alert %d for retry: %w", a.ID, err)}
	}
	return result{tried: true, pause: true}
}

// send calls the notifier, retrying in process while the wait is short.
func (d *Dispatcher) send(ctx context.Context, n Notifier, a drawwatch.Alert, held func() error, log *slog.Logger) (ref string, tries int, err error) {
	for try := 0; ; try++ {
		if err := held(); err != nil {
			return "", try, fencedError{err}
		}
		ref, err = n.Send(ctx, a)
		if err == nil || ctx.Err() != nil || IsPermanent(err) {
			return ref, try + 1, err
		}
		wait := max(d.withJitter(retry.Exponential(d.inlineBase, d.inlineMaxWait, try)), retryAfter(err))
		if try >= d.inlineRetries || wait > d.inlineMaxWait {
			return "", try + 1, err
		}
		log.Debug("retrying in process", "wait", wait, "error", err)
		if serr := d.sleep(ctx, wait); serr != nil {
			return "", try + 1, serr
		}
	}
}

// markTries is how many times one drain tries to store a sent mark.
const markTries = 3

// markSent records a delivery. The message is out, so the write is
// detached from ctx (a shutdown beginning meanwhile must not lose it) and
// retried; when it still fails the outcome stays in memory so that this
// process retries the mark and never sends the alert again.
func (d *Dispatcher) markSent(ctx context.Context, st *targetState, id int64, ref string, log *slog.Logger) error {
	at := d.now()
	var err error
	for try := range markTries {
		if try > 0 {
			_ = d.sleep(context.WithoutCancel(ctx), retry.Exponential(d.inlineBase, d.inlineMaxWait, try-1))
		}
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err = d.outbox.MarkSent(mctx, id, ref, at)
		cancel()
		if err == nil {
			return nil
		}
	}
	st.unmarked[id] = sentOutcome{ref: ref, at: at}
	st.held.Store(int64(len(st.unmarked)))
	log.Error("alert sent but its sent mark could not be stored: kept in memory, this process will not send it again; if it exits before the mark is stored, the next run sends it again",
		"ref", ref, "error", err)
	return fmt.Errorf("alert %d was delivered but marking it sent failed (the target's other alerts wait until the mark is stored): %w", id, err)
}

// retryMarks stores the sent marks that failed earlier, before the target
// sends anything else.
func (d *Dispatcher) retryMarks(ctx context.Context, st *targetState, target string) error {
	for id, o := range st.unmarked {
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err := d.outbox.MarkSent(mctx, id, o.ref, o.at)
		cancel()
		if err != nil {
			return fmt.Errorf("alert %d to %s was delivered but marking it sent still fails: %w", id, target, err)
		}
		delete(st.unmarked, id)
		st.held.Store(int64(len(st.unmarked)))
		d.log.Info("sent mark stored on retry", "alert_id", id, "target", target, "ref", o.ref)
	}
	return nil
}

func (d *Dispatcher) withJitter(w time.Duration) time.Duration {
	if d.jitter <= 0 || w <= 0 {
		return w
	}
	return w + time.Duration(rand.Float64()*d.jitter*float64(w))
}

// minRunWait keeps a target's worker from spinning when the outbox reports
// an alert due now that the drain just chose not to retry.
const minRunWait = 250 * time.Millisecond

// Run delivers until ctx ends, then returns nil. Each configured target
// has its own worker that drains its queue, then waits for its next due
// time (when the outbox implements NextDuer), the end of its pause, the
// poll interval, or a signal on wake, whichever comes first. Alerts for
// targets that are no longer configured are marked dead at every poll and
// wake. Outbox errors are logged and retried rather than ending Run.
func (d *Dispatcher) Run(ctx context.Context, wake <-chan struct{}) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	wakes := make([]chan struct{}, 0, len(d.notifiers))
	d.mu.Lock()
	d.wakes = make(map[string]chan struct{}, len(d.notifiers))
	for name := range d.notifiers {
		ch := make(chan struct{}, 1)
		wakes = append(wakes, ch)
		d.wakes[name] = ch
		wg.Go(func() { d.runTarget(ctx, name, ch) })
	}
	d.mu.Unlock()
	poll := time.NewTicker(d.poll)
	defer poll.Stop()
	for {
		d.dropStrays(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
			for _, ch := range wakes {
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		case <-poll.C:
		}
	}
}

// runTarget is one target's worker in Run.
func (d *Dispatcher) runTarget(ctx context.Context, target string, wake <-chan struct{}) {
	for {
		rep := d.drainTarget(ctx, target)
		if ctx.Err() != nil {
			return
		}
		wait := d.poll
		switch {
		case rep.Err != nil:
			d.log.Error("deliver alerts", "target", target, "error", rep.Err)
			wait = min(wait, 5*time.Second) // an unmarked send or an outbox error: retry soon
		case rep.Paused:
			wait = min(wait, rep.Until.Sub(d.now()))
		default:
			if rep.Sent+rep.Failed > 0 {
				d.log.Debug("drained target", "target", target, "sent", rep.Sent, "failed", rep.Failed)
			}
			if nd, ok := d.outbox.(NextDuer); ok {
				next, has, err := nd.NextDueFor(ctx, target)
				switch {
				case err != nil && !errors.Is(err, context.Canceled):
					d.log.Error("read next due time from the outbox", "target", target, "error", err)
				case err == nil && has:
					wait = min(wait, next.Sub(d.now()))
				}
			}
		}
		t := time.NewTimer(max(wait, minRunWait))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// dropStrays marks dead the due alerts of targets that are not configured.
func (d *Dispatcher) dropStrays(ctx context.Context) {
	targets, err := d.outbox.DueTargets(ctx, d.now())
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("read due targets from the outbox", "error", err)
		}
		return
	}
	for _, t := range targets {
		if _, ok := d.notifiers[t]; !ok {
			if rep := d.drainTarget(ctx, t); rep.Err != nil && ctx.Err() == nil {
				d.log.Error("drop alerts of an unconfigured target", "target", t, "error", rep.Err)
			}
		}
	}
}
