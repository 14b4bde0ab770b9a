package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/engine"
)

// execer is what both *sql.DB and *sql.Tx offer; alerts are queued inside
// Apply's transaction and outside it through the same code.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// threadKey groups alerts about one announcement so that later ones can be
// threaded under the first message sent.
func threadKey(pageURL, annID string) string { return engine.ThreadKey(pageURL, annID) }

func enqueue(ctx context.Context, x execer, target string, ev drawwatch.Event, dedupeKey, thread string, now time.Time) (int64, bool, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return 0, false, fmt.Errorf("encode %s alert for %s: %w", ev.Type, target, err)
	}
	var id int64
	err = x.QueryRowContext(ctx, `INSERT INTO outbox (target, event_type, event, thread_key, dedupe_key, status, next_try, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		target, string(ev.Type), string(body), thread, dedupeKey, string(drawwatch.AlertPending), toNanos(now), toNanos(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // queued already
		if err := x.QueryRowContext(ctx, `SELECT id FROM outbox WHERE dedupe_key = ?`, dedupeKey).Scan(&id); err != nil {
			return 0, false, err
		}
		return id, false, nil
	}
	return id, err == nil, err
}

// Enqueue queues ev for target unless an alert with dedupeKey exists
// already (then queued is false and id is the existing alert's).
func (s *Store) Enqueue(ctx context.Context, target string, ev drawwatch.Event, dedupeKey string) (id int64, queued bool, err error) {
	if dedupeKey == "" {
		return 0, false, fmt.Errorf("enqueue %s alert for %s: empty dedupe key", ev.Type, target)
	}
	thread := ""
	if a := ev.Announcement; a != nil {
		thread = threadKey(a.SourceURL, a.ID)
	}
	what := fmt.Sprintf("enqueue %s alert for %s", ev.Type, target)
	err = s.writeTx(ctx, what, func(tx *sql.Tx) error {
		var err error
		if id, queued, err = enqueue(ctx, tx, target, ev, dedupeKey, thread, s.now()); err != nil {
			return s.wrap(what, err)
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return id, queued, nil
}

// alertColumns reads an alert with the ref of the first sent alert of its
// thread on the same target, so updates thread under the original message.
const alertColumns = `o.id, o.target, o.event, o.status, o.attempts, o.next_try, o.last_error, o.created_at, o.sent_at, o.held_until, o.hold,
	COALESCE((SELECT f.ref FROM outbox f WHERE o.thread_key != '' AND f.thread_key = o.thread_key
		AND f.target = o.target AND f.status = 'sent' AND f.ref != '' AND f.id != o.id
		ORDER BY f.sent_at, f.id LIMIT 1), '')`

func (s *Store) queryAlerts(ctx context.Context, what, where string, args ...any) ([]drawwatch.Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+alertColumns+` FROM outbox o `+where, args...)
	if err != nil {
		return nil, s.wrap(what, err)
	}
	defer rows.Close()
	var out []drawwatch.Alert
	for rows.Next() {
		var a drawwatch.Alert
		var body, status string
		var next, created, sent, heldUntil int64
		if err := rows.Scan(&a.ID, &a.Target, &body, &status, &a.Attempts, &next, &a.LastError, &created, &sent, &heldUntil, &a.Hold, &a.ThreadRef); err != nil {
			return nil, s.wrap(what, err)
		}
		if err := json.Unmarshal([]byte(body), &a.Event); err != nil {
			return nil, fmt.Errorf("%s: decode alert %d: %w", what, a.ID, err)
		}
		a.Status = drawwatch.AlertStatus(status)
		a.NextTry, a.CreatedAt, a.SentAt = fromNanos(next), fromNanos(created), fromNanos(sent)
		a.HeldUntil = fromNanos(heldUntil)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(what, err)
	}
	return out, nil
}

// noLimit stands for "all rows" in LIMIT on both backends (SQLite takes
// -1, PostgreSQL ALL, neither the other's).
const noLimit = 1<<31 - 1

// DueAlerts returns up to limit pending alerts whose next try is due at
// now, oldest first.
func (s *Store) DueAlerts(ctx context.Context, now time.Time, limit int) ([]drawwatch.Alert, error) {
	if limit <= 0 {
		limit = noLimit
	}
	return s.queryAlerts(ctx, "list due alerts", `WHERE o.status = 'pending' AND o.next_try <= ? ORDER BY o.created_at, o.id LIMIT ?`,
		toNanos(now), limit)
}

// DueTargets lists the targets that have at least one alert due at now,
// so each target's queue can be drained on its own.
func (s *Store) DueTargets(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT target FROM outbox WHERE status = 'pending' AND next_try <= ? ORDER BY target`,
		toNanos(now))
	if err != nil {
		return nil, s.wrap("list targets with due alerts", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, s.wrap("list targets with due alerts", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list targets with due alerts", err)
	}
	return out, nil
}

// DueAlertsFor returns up to limit pending alerts for target whose next
// try is due at now, oldest first: one target's queue.
func (s *Store) DueAlertsFor(ctx context.Context, target string, now time.Time, limit int) ([]drawwatch.Alert, error) {
	if limit <= 0 {
		limit = noLimit
	}
	return s.queryAlerts(ctx, "list due alerts for "+target,
		`WHERE o.status = 'pending' AND o.target = ? AND o.next_try <= ? AND (o.claimed_by = '' OR o.claim_until < ?)
			ORDER BY o.created_at, o.id LIMIT ?`,
		target, toNanos(now), toNanos(now), limit)
}

// NextDueFor is when target's earliest pending alert is due; false when
// target has none pending.
func (s *Store) NextDueFor(ctx context.Context, target string) (time.Time, bool, error) {
	var next sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(next_try) FROM outbox WHERE status = 'pending' AND target = ?`, target).Scan(&next); err != nil {
		return time.Time{}, false, s.wrap("read next due alert for "+target, err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return fromNanos(next.Int64), true, nil
}

// Alerts lists alerts in the given states (all when none), oldest first.
func (s *Store) Alerts(ctx context.Context, statuses ...drawwatch.AlertStatus) ([]drawwatch.Alert, error) {
	if len(statuses) == 0 {
		return s.queryAlerts(ctx, "list alerts", `ORDER BY o.id`)
	}
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
	}
	return s.queryAlerts(ctx, "list alerts",
		`WHERE o.status IN (?`+strings.Repeat(", ?", len(statuses)-1)+`) ORDER BY o.id`, args...)
}

func (s *Store) updateAlert(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := s.fencedExec(ctx, fmt.Sprintf("%s alert %d", what, id), query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s alert %d: %w (or not in a state that allows it): list alerts with `drawwatch outbox`", what, id, ErrNotFound)
	}
	return nil
}

// MarkSent records the delivery of alert id; ref is the channel's message
// reference (a Slack ts) that later alerts thread under.
//
// Under a lease, only the generation that claimed the alert may mark it,
// and it may do so even after losing the lease: the message is out, and
// recording that keeps the next holder from sending it again.
func (s *Store) MarkSent(ctx context.Context, id int64, ref string, at time.Time) error {
	cond, cargs := s.claimCond()
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', ref = ?, sent_at = ?, attempts = attempts + 1, last_error = ''
		WHERE id = ? AND `+cond, append([]any{ref, toNanos(at), id}, cargs...)...)
	if err != nil {
		return s.wrap(fmt.Sprintf("mark sent alert %d", id), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if s.pg != nil {
			return fmt.Errorf("mark sent alert %d: %w: another replica holds its claim now (this one was too slow): it may be sent again", id, ErrClaimExpired)
		}
		return s.markSentRefused(ctx, id, s.claimGen())
	}
	return nil
}

// markSentRefused explains why MarkSent changed nothing: the alert is gone,
// or a newer lease generation claimed it (this run lost the lease, and the
// new holder sends it).
func (s *Store) markSentRefused(ctx context.Context, id, gen int64) error {
	var claimed int64
	var status string
	err := s.db.QueryRowContext(ctx, `SELECT claimed_gen, status FROM outbox WHERE id = ?`, id).Scan(&claimed, &status)
	if err != nil || claimed == gen {
		return fmt.Errorf("mark sent alert %d: %w: list alerts with `drawwatch outbox`", id, ErrNotFound)
	}
	err = fmt.Errorf("mark sent alert %d: %w: lease generation %d claimed it meanwhile (it is %s there)", id, ErrLeaseLost, claimed, status)
	if l := s.currentLease(); l != nil {
		return s.loseLease(l, err)
	}
	return err
}

// MarkRetry records a failed attempt of alert id and when to try again.
func (s *Store) MarkRetry(ctx context.Context, id int64, errMsg string, next time.Time) error {
	cond, cargs := s.claimCond()
	return s.updateAlert(ctx, "mark retry", id,
		`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try = ?, claimed_by = '', claim_until = 0
			WHERE id = ? AND status = 'pending' AND `+cond, append([]any{errMsg, toNanos(next), id}, cargs...)...)
}

// MarkDead gives up on alert id after a permanent error or too many attempts.
func (s *Store) MarkDead(ctx context.Context, id int64, errMsg string) error {
	cond, cargs := s.claimCond()
	return s.updateAlert(ctx, "mark dead", id,
		`UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending' AND `+cond,
		append([]any{errMsg, id}, cargs...)...)
}

// MarkDeadReporting is MarkDead that, in the same transaction, queues
// report for each of targets when alert id is now its target's only dead
// alert: the first death of an episode raises one ops alert, and a crash
// cannot record the death without it. reported says whether it queued.
func (s *Store) MarkDeadReporting(ctx context.Context, id int64, errMsg string, report drawwatch.Event, targets []string, dedupeKey string) (reported bool, err error) {
	what := fmt.Sprintf("mark dead alert %d", id)
	err = s.writeTx(ctx, what, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'
			AND (? = 0 OR claimed_gen = ?)`, errMsg, id, s.claimGen(), s.claimGen())
		if err != nil {
			return s.wrap(what, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s: %w (or not in a state that allows it): list alerts with `drawwatch outbox`", what, ErrNotFound)
		}
		var dead int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'dead' AND target = (SELECT target FROM outbox WHERE id = ?)`,
			id).Scan(&dead); err != nil {
			return s.wrap(what, err)
		}
		if dead > 1 {
			return nil // reported when the episode's first alert died
		}
		for _, t := range targets {
			_, queued, err := enqueue(ctx, tx, t, report, t+"|"+dedupeKey, "", s.now())
			if err != nil {
				return s.wrap(fmt.Sprintf("%s: queue its ops alert for %s", what, t), err)
			}
			reported = reported || queued
		}
		return nil
	})
	return reported, err
}

// Requeue makes a dead or pending alert due now with a fresh attempt count.
// A route's hold (digest, quiet hours) is dropped and decided afresh.
func (s *Store) Requeue(ctx context.Context, id int64) error {
	return s.updateAlert(ctx, "requeue", id,
		`UPDATE outbox SET status = 'pending', attempts = 0, next_try = ?, held_until = 0, hold = '' WHERE id = ? AND status IN ('pending', 'dead')`,
		toNanos(s.now()), id)
}

// RequeueAll makes every dead alert due now and says how many there were.
func (s *Store) RequeueAll(ctx context.Context) (int, error) {
	res, err := s.fencedExec(ctx, "requeue dead alerts", `UPDATE outbox SET status = 'pending', attempts = 0, next_try = ? WHERE status = 'dead'`,
		toNanos(s.now()))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PendingCount is the number of alerts not yet sent nor given up on.
func (s *Store) PendingCount(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, s.wrap("count pending alerts", err)
	}
	return n, nil
}

// DeadCount is how many alerts were given up on: target's, or every
// target's when target is "".
func (s *Store) DeadCount(ctx context.Context, target string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'dead' AND (? = '' OR target = ?)`,
		target, target).Scan(&n); err != nil {
		return 0, s.wrap("count dead alerts", err)
	}
	return n, nil
}

// NextDue is when the earliest pending alert is due; false when none is pending.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(next_try) FROM outbox WHERE status = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, false, s.wrap("read next due alert", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return fromNanos(next.Int64), true, nil
}
