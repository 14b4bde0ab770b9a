package wiring

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
)

// DeadAlerts is an error while any alert is dead: a run that leaves alerts
// undelivered for good must not look like a success to cron or systemd.
func DeadAlerts(ctx context.Context, st store.Outbox) error {
	dead, err := st.Alerts(ctx, drawwatch.AlertDead)
	if err != nil {
		return fmt.Errorf("list dead alerts: %w", err)
	}
	if len(dead) == 0 {
		return nil
	}
	const shown = 5
	var lines []string
	for i, al := range dead {
		if i == shown {
			lines = append(lines, fmt.Sprintf("... and %d more (drawwatch outbox)", len(dead)-shown))
			break
		}
		lines = append(lines, fmt.Sprintf("alert %d to %s: %s (re-queue: drawwatch outbox retry %d)", al.ID, al.Target, al.LastError, al.ID))
	}
	return fmt.Errorf("%d alerts are dead (given up on) and will not be sent until re-queued; fix the target, then `drawwatch outbox retry ID` or `drawwatch outbox retry --all`:\n  %s",
		len(dead), strings.Join(lines, "\n  "))
}

// DeliverQueued sends what is due, within the configured wait; what cannot
// be delivered now stays queued for the next run or the daemon.
func (a *App) DeliverQueued(ctx context.Context, st *store.Store, router *notify.Router, out, warn io.Writer) error {
	ns, err := a.Notifiers(router)
	if err != nil {
		return err
	}
	pending, err := st.PendingCount(ctx)
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	if pending == 0 {
		return nil
	}
	if len(ns) == 0 {
		fmt.Fprintf(out, "\n%d alerts queued; no [[slack]] or [[email]] target is configured to send them.\n", pending)
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, a.Config.Delivery.Wait.Duration)
	defer cancel()
	// An alert that dies raises an ops alert through the other ops targets.
	disp := a.Dispatcher(st, ns, notify.WithDeadAlertOps(router.Targets), notify.WithHolds(router))
	rep, err := disp.DrainTargets(wctx)
	left, _ := st.Alerts(ctx, drawwatch.AlertPending)
	output.Delivery(out, rep, left)
	if n := disp.Unmarked(); n > 0 {
		fmt.Fprintf(warn, "drawwatch: %d alerts were delivered but could not be marked sent in the store; the next run will send them again\n", n)
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("deliver alerts: %w (they stay queued; see the outbox command)", err)
	}
	if failed := rep.Failed(); failed > 0 {
		return fmt.Errorf("%d alerts could not be delivered; see `drawwatch outbox`", failed)
	}
	return nil
}
