package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// HoldAlert holds pending alert id until until (a route's digest or quiet
// hours; why is drawwatch.HoldDigest or HoldQuiet): it is not due before
// then, and the hold is stored, so a restart keeps it. An alert is held
// once: held is false when it was held already, or is no longer pending.
func (s *Store) HoldAlert(ctx context.Context, id int64, until time.Time, why string) (held bool, err error) {
	res, err := s.fencedExec(ctx, fmt.Sprintf("hold alert %d", id),
		`UPDATE outbox SET next_try = ?, held_until = ?, hold = ? WHERE id = ? AND status = 'pending' AND held_until = 0`,
		toNanos(until), toNanos(until), why, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// FoldDigest gathers target's digest-held alerts that are due at now into
// one digest alert (event drawwatch.EventDigest listing their events,
// oldest first) and marks them digested, in one transaction: the digest
// is then delivered like any alert, and its parts are never sent alone.
// With nothing due it queues nothing (id 0, folded 0).
func (s *Store) FoldDigest(ctx context.Context, target string, now time.Time) (id int64, folded int, err error) {
	what := "fold the digest for " + target
	err = s.writeTx(ctx, what, func(tx *sql.Tx) error {
		ids, events, err := dueDigestParts(ctx, tx, target, now)
		if err != nil {
			return s.wrap(what, err)
		}
		if len(ids) == 0 {
			return nil // an empty digest sends nothing
		}
		ev := drawwatch.Event{Type: drawwatch.EventDigest, DetectedAt: now, Digest: events}
		key := fmt.Sprintf("digest|%s|%d|%d-%d", target, toNanos(now), ids[0], ids[len(ids)-1])
		if id, _, err = enqueue(ctx, tx, target, ev, key, "", now); err != nil {
			return s.wrap(what, err)
		}
		args := []any{toNanos(now)}
		for _, p := range ids {
			args = append(args, p)
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'digested', sent_at = ? WHERE status = 'pending' AND id IN (?`+
			strings.Repeat(", ?", len(ids)-1)+`)`, args...)
		if err != nil {
			return s.wrap(what, err)
		}
		if n, _ := res.RowsAffected(); int(n) != len(ids) {
			return fmt.Errorf("%s: %d of its %d alerts changed meanwhile (another run folded or sent them): try again", what, len(ids)-int(n), len(ids))
		}
		folded = len(ids)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return id, folded, nil
}

// dueDigestParts reads target's pending digest-held alerts due at now
// that no run has claimed.
func dueDigestParts(ctx context.Context, tx *sql.Tx, target string, now time.Time) ([]int64, []drawwatch.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, event FROM outbox WHERE status = 'pending' AND target = ? AND hold = ?
		AND held_until != 0 AND held_until <= ? AND (claimed_by = '' OR claim_until < ?) ORDER BY created_at, id`,
		target, drawwatch.HoldDigest, toNanos(now), toNanos(now))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var events []drawwatch.Event
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, nil, err
		}
		var ev drawwatch.Event
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return nil, nil, fmt.Errorf("decode alert %d: %w", id, err)
		}
		ids, events = append(ids, id), append(events, ev)
	}
	return ids, events, rows.Err()
}
