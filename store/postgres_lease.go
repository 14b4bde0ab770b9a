package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// On PostgreSQL the writer lease is leadership among replicas: a session
// advisory lock held on one connection for as long as the lease lives (the
// server frees it the moment that session ends: a crash, kill -9 or lost
// network), plus the run_lock row whose generation every write transaction
// checks (FOR SHARE, so a takeover waits for writes in flight). A leader
// whose heartbeat goes stale (paused, hung) has its lock session ended by
// the replica taking over.

// leaderLockKey is the advisory lock of the leader ("drawlead").
const leaderLockKey int64 = 0x647261776c656164

// ClaimTTL is how long a replica's claim on an alert lasts: longer than
// any one send with its in-process retries. A replica that dies holding
// claims delays those alerts by at most this.
const ClaimTTL = 2 * time.Minute

// ErrClaimExpired reports a send refused because this replica's claim on
// the alert may have passed to another replica.
var ErrClaimExpired = errors.New("the claim on the alert expired")

// IsPostgres reports whether the store is PostgreSQL.
func (s *Store) IsPostgres() bool { return s.pg != nil }

// Replica is this handle's id among replicas (PostgreSQL), "" on SQLite.
func (s *Store) Replica() string {
	if s.pg == nil {
		return ""
	}
	return s.pg.replica
}

func tryAdvisory(ctx context.Context, conn *sql.Conn) (bool, error) {
	var got bool
	err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(?)`, leaderLockKey).Scan(&got)
	return got, err
}

func (s *Store) tryLockPG(ctx context.Context, owner string, ttl time.Duration) (func(context.Context) error, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, s.wrap("lock store", err)
	}
	got, err := tryAdvisory(ctx, conn)
	if err == nil && !got {
		got, err = s.endStaleLeader(ctx, conn, ttl)
	}
	if err != nil || !got {
		conn.Close()
		if err != nil {
			return nil, s.wrap("lock store", err)
		}
		cur, _ := readLockRow(ctx, s.db, false)
		return nil, fmt.Errorf("lock store %s: %w: held by %s (generation %d) since %s, last heartbeat %s",
			s.path, ErrLocked, cur.describe(), cur.generation, fromNanos(cur.acquired).Format(time.RFC3339), fromNanos(cur.heartbeat).Format(time.RFC3339))
	}
	l, err := s.recordLeader(ctx, conn, owner, ttl)
	if err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(?)`, leaderLockKey)
		conn.Close()
		return nil, err
	}
	s.mu.Lock()
	s.lease = l
	s.mu.Unlock()
	return func(ctx context.Context) error {
		s.mu.Lock()
		if s.lease == l {
			s.lease = nil
		}
		s.mu.Unlock()
		defer conn.Close()
		// Through the pool: the lock's session may be gone already (ended
		// by a takeover), and then the server has released the lock.
		if _, err := s.db.ExecContext(ctx, `UPDATE run_lock SET owner = '', token = '', pid = 0, process = '', heartbeat = 0
			WHERE name = 'writer' AND token = ?`, l.token); err != nil {
			return s.wrap("unlock store", err)
		}
		conn.ExecContext(ctx, `SELECT pg_advisory_unlock(?)`, leaderLockKey)
		return nil
	}, nil
}

// recordLeader writes the new generation on the lock's own session.
func (s *Store) recordLeader(ctx context.Context, conn *sql.Conn, owner string, ttl time.Duration) (*lease, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	var backend int64
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return nil, s.wrap("lock store", err)
	}
	host, _ := os.Hostname()
	now := s.now()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap("lock store", err)
	}
	defer tx.Rollback()
	cur, err := readLockRow(ctx, tx, true)
	if err != nil {
		return nil, s.wrap("lock store", err)
	}
	if cur.token != "" {
		slog.Warn("taking over leadership", "store", s.path, "holder", cur.describe(), "generation", cur.generation,
			"heartbeat", fromNanos(cur.heartbeat))
	}
	l := &lease{owner: owner, token: token, generation: cur.generation + 1, ttl: ttl, validUntil: now.Add(ttl / 2),
		lost: make(chan struct{}), conn: conn}
	if _, err := tx.ExecContext(ctx, `INSERT INTO run_lock (name, owner, token, pid, host, process, acquired_at, heartbeat, generation)
		VALUES ('writer', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = excluded.token,
			pid = excluded.pid, host = excluded.host, process = excluded.process, acquired_at = excluded.acquired_at,
			heartbeat = excluded.heartbeat, generation = excluded.generation`,
		owner, token, os.Getpid(), host, fmt.Sprintf("pg backend %d", backend), toNanos(now), toNanos(now), l.generation); err != nil {
		return nil, s.wrap("lock store", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.wrap("lock store", err)
	}
	return l, nil
}

// endStaleLeader ends the lock session of a leader whose heartbeat is
// older than ttl (paused or hung: its session is alive, so the server
// keeps its lock), then takes the lock. Its writes are fenced from then on.
func (s *Store) endStaleLeader(ctx context.Context, conn *sql.Conn, ttl time.Duration) (bool, error) {
	cur, err := readLockRow(ctx, conn, false)
	if err != nil || cur.token == "" || s.now().Sub(fromNanos(cur.heartbeat)) < ttl {
		return false, err
	}
	var backend int64
	if _, err := fmt.Sscanf(cur.process, "pg backend %d", &backend); err != nil || backend == 0 {
		return false, nil
	}
	slog.Warn("leader's heartbeat is stale: ending its lock session", "store", s.path, "holder", cur.describe(),
		"heartbeat", fromNanos(cur.heartbeat), "lease_ttl", ttl)
	if _, err := conn.ExecContext(ctx, `SELECT pg_terminate_backend(?)`, backend); err != nil {
		return false, err
	}
	for range 50 { // the session ends asynchronously
		if got, err := tryAdvisory(ctx, conn); err != nil || got {
			return got, err
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return false, nil
}

// heartbeatPG refreshes the lease on the lock's own session: if that
// session is gone, so is the lock, and the lease is lost.
func (s *Store) heartbeatPG(ctx context.Context, l *lease) error {
	start := s.now()
	res, err := l.conn.ExecContext(ctx, `UPDATE run_lock SET heartbeat = ? WHERE name = 'writer' AND token = ?`, toNanos(start), l.token)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return s.loseLease(l, fmt.Errorf("refresh store lease in %s: %w: the lock's session failed (%v); the server has released the lock", s.path, ErrLeaseLost, err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.loseLease(l, fmt.Errorf("refresh store lease of %s in %s: %w: generation %d was taken over", l.owner, s.path, ErrLeaseLost, l.generation))
	}
	s.extendLease(l, start)
	return nil
}

// claimAlertPG claims id for this replica: SKIP LOCKED makes replicas that
// race for one alert skip it instead of waiting, and the claim's expiry
// lets another replica send it if this one dies holding it.
func (s *Store) claimAlertPG(ctx context.Context, id int64) (bool, func() error, error) {
	start := s.now()
	until := start.Add(ClaimTTL)
	me := s.pg.replica
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET claimed_by = ?, claim_until = ?, claimed_at = ?
		WHERE id = (SELECT id FROM outbox WHERE id = ? AND status = 'pending'
			AND (claimed_by = '' OR claimed_by = ? OR claim_until < ?) FOR UPDATE SKIP LOCKED)`,
		me, toNanos(until), toNanos(start), id, me, toNanos(start))
	if err != nil {
		return false, nil, s.wrap(fmt.Sprintf("claim alert %d", id), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil, nil
	}
	return true, func() error {
		// Half the claim left at least: a send never starts on a claim
		// another replica could take over mid-POST.
		if s.now().After(until.Add(-ClaimTTL / 2)) {
			return fmt.Errorf("send alert %d: %w (claimed at %s; was the process paused?)", id, ErrClaimExpired, start.Format(time.RFC3339))
		}
		return nil
	}, nil
}

// claimCond is the SQL condition (and its arguments) that an outcome mark
// is made by the claim holder: the lease generation on SQLite, this
// replica on PostgreSQL.
func (s *Store) claimCond() (string, []any) {
	if s.pg != nil {
		return `(claimed_by = '' OR claimed_by = ?)`, []any{s.pg.replica}
	}
	gen := s.claimGen()
	return `(? = 0 OR claimed_gen = ?)`, []any{gen, gen}
}
