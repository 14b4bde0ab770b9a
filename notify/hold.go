package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/hold"
)

// Holder decides whether a due alert waits: a route's digest or quiet
// hours (see hold.Policy). Release returns now and "" for an alert that
// goes at once. *Router is a Holder.
type Holder interface {
	Release(ev drawwatch.Event, target string, now time.Time) (until time.Time, why string)
}

// HoldOutbox is the Outbox part holding needs: store a hold (so a restart
// keeps it), and fold a target's due digest-held alerts into one alert.
type HoldOutbox interface {
	HoldAlert(ctx context.Context, id int64, until time.Time, why string) (held bool, err error)
	FoldDigest(ctx context.Context, target string, now time.Time) (id int64, folded int, err error)
}

// WithHolds makes the dispatcher hold alerts as h says. The hold is taken
// when an alert first comes due (not when it is queued: the engine and the
// store stay unaware of delivery timing) and stored in the outbox; when a
// digest's time comes, the target's held alerts are folded into one digest
// alert, delivered like any other. The outbox must implement HoldOutbox.
func WithHolds(h Holder) DispatchOption {
	return func(d *Dispatcher) { d.holder = h }
}

func (d *Dispatcher) holdOutbox() (HoldOutbox, bool) {
	if d.holder == nil {
		return nil, false
	}
	ho, ok := d.outbox.(HoldOutbox)
	return ho, ok
}

// foldDigest queues target's digest when its time has come.
func (d *Dispatcher) foldDigest(ctx context.Context, target string) error {
	ho, ok := d.holdOutbox()
	if !ok {
		return nil
	}
	id, n, err := ho.FoldDigest(ctx, target, d.now())
	if err != nil {
		return fmt.Errorf("fold the digest for %s: %w", target, err)
	}
	if n > 0 {
		d.log.Info("digest queued", "target", target, "alert_id", id, "alerts", n)
	}
	return nil
}

// holdBack holds a if its routes say it must wait, and reports whether a
// is to be skipped now: held (now or earlier, for a digest still to fold).
func (d *Dispatcher) holdBack(ctx context.Context, a drawwatch.Alert) (skip bool, err error) {
	ho, ok := d.holdOutbox()
	switch {
	case !ok:
		return false, nil
	case a.Hold == drawwatch.HoldDigest:
		return true, nil // its digest folds it (at the next drain)
	case !a.HeldUntil.IsZero():
		return false, nil // quiet hours are over
	}
	now := d.now()
	until, why := d.holder.Release(a.Event, a.Target, now)
	if why == "" || !until.After(now) {
		return false, nil
	}
	if _, err := ho.HoldAlert(ctx, a.ID, until, why); err != nil {
		return false, fmt.Errorf("hold alert %d: %w", a.ID, err)
	}
	d.log.Info("alert held", "alert_id", a.ID, "target", a.Target, "hold", why, "until", until)
	return true, nil
}

// routeKind is the route kind ("draw", "news", "ops") of an event, "" for
// events no route holds (tests, digests).
func routeKind(t drawwatch.EventType) string {
	switch t {
	case drawwatch.EventNew, drawwatch.EventChanged, drawwatch.EventSummary:
		return RouteDraw
	case drawwatch.EventNews:
		return RouteNews
	case drawwatch.EventOps, drawwatch.EventRecovery, drawwatch.EventWarning, drawwatch.EventDeadAlerts:
		return RouteOps
	}
	return ""
}

// Release is when ev may go to target: at once if any route that takes it
// there sends now, else at the earliest release of those routes.
func (r *Router) Release(ev drawwatch.Event, target string, now time.Time) (until time.Time, why string) {
	kind := routeKind(ev.Type)
	if kind == "" {
		return now, ""
	}
	for _, rt := range r.matching(ev) {
		if !slices.Contains(rt.Targets, target) {
			continue
		}
		u, w := rt.Hold.Release(kind, now)
		if w == "" {
			return now, ""
		}
		if why == "" || u.Before(until) {
			until, why = u, w
		}
	}
	if why == "" {
		return now, ""
	}
	return until, why
}

// checkHold validates a route's delivery timing.
func checkHold(name string, p hold.Policy) error {
	switch p.Deliver {
	case "", hold.DeliverNow:
	case hold.DeliverDigest:
		if p.Digest == nil {
			return fmt.Errorf("route %s: deliver = \"digest\" needs a digest schedule (digest = \"CRON_TZ=America/Toronto 0 8 * * MON-FRI\")", name)
		}
	default:
		return fmt.Errorf("route %s: unknown deliver %q: use now or digest", name, p.Deliver)
	}
	for _, k := range p.QuietFor {
		if k != RouteDraw && k != RouteNews && k != RouteOps {
			return fmt.Errorf("route %s: unknown quiet_for kind %q: use draw, news or ops", name, k)
		}
	}
	return nil
}
