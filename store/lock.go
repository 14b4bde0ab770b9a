package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// ErrLocked reports that another run holds the store's writer lease.
var ErrLocked = errors.New("another drawwatch run holds the store")

// ErrLeaseLost reports that the lease this handle held was taken over (or
// could not be confirmed in time): the holder must stop writing and sending
// at once, since another run may be doing both.
var ErrLeaseLost = errors.New("the store lease was lost")

// lease is the writer lease one Store handle holds. generation is the
// fencing token: it grows with every acquisition, and every write
// transaction checks that the row still carries this handle's token.
type lease struct {
	owner      string
	token      string
	generation int64
	ttl        time.Duration
	validUntil time.Time // past it, the holder assumes another may have taken over

	lost    chan struct{} // closed once, when the lease is known lost
	lostErr error

	conn *sql.Conn // PostgreSQL: the session holding the advisory lock
}

// lockRow is the stored lease.
type lockRow struct {
	owner, token, host, process string
	pid                         int
	acquired, heartbeat         int64
	generation                  int64
}

func (r lockRow) describe() string {
	return fmt.Sprintf("%q (pid %d on %s)", r.owner, r.pid, r.host)
}

// readLockRow reads the lease row; forShare (PostgreSQL only) holds it
// against a takeover until the transaction ends.
func readLockRow(ctx context.Context, x execer, forShare bool) (lockRow, error) {
	var r lockRow
	lock := ""
	if forShare {
		lock = " FOR SHARE"
	}
	err := x.QueryRowContext(ctx, `SELECT owner, token, pid, host, process, acquired_at, heartbeat, generation
		FROM run_lock WHERE name = 'writer'`+lock).
		Scan(&r.owner, &r.token, &r.pid, &r.host, &r.process, &r.acquired, &r.heartbeat, &r.generation)
	if errors.Is(err, sql.ErrNoRows) {
		return lockRow{}, nil
	}
	return r, err
}

// TryLock takes the store's writer lease for owner ("drawwatch run",
// "scrape --once"). The lease is a row in the database, not a file lock,
// so it works for every process sharing the file. It is taken over when
// its holder is a process on this host that is gone, or when the holder's
// heartbeat is older than ttl (holders on other hosts, or hung ones).
// Every takeover raises the generation; writes by an older generation fail
// with ErrLeaseLost. The returned unlock releases the lease.
func (s *Store) TryLock(ctx context.Context, owner string, ttl time.Duration) (unlock func(context.Context) error, err error) {
	if s.pg != nil {
		return s.tryLockPG(ctx, owner, ttl)
	}
	token, err := newToken()
	if err != nil {
		return nil, fmt.Errorf("lock store %s: %w", s.path, err)
	}
	host, _ := os.Hostname()
	self, _ := processIdentity(os.Getpid())
	now := s.now()

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap("lock store", err)
	}
	defer tx.Rollback()
	cur, err := readLockRow(ctx, tx, false)
	if err != nil {
		return nil, s.wrap("lock store", err)
	}
	switch beat := fromNanos(cur.heartbeat); {
	case cur.token == "":
	case cur.host == host && holderGone(cur.pid, cur.process):
		slog.Warn("taking over the store lease of a process that is gone", "path", s.path, "holder", cur.owner,
			"pid", cur.pid, "host", cur.host, "generation", cur.generation)
	case now.Sub(beat) < ttl:
		return nil, fmt.Errorf("lock store %s: %w: held by %s since %s, last heartbeat %s (taken over %s after it): wait for it to finish or stop it",
			s.path, ErrLocked, cur.describe(), fromNanos(cur.acquired).Format(time.RFC3339), beat.Format(time.RFC3339), ttl)
	default:
		slog.Warn("taking over stale store lease", "path", s.path, "holder", cur.owner, "pid", cur.pid, "host", cur.host,
			"heartbeat", beat, "lease_ttl", ttl, "generation", cur.generation)
	}
	l := &lease{owner: owner, token: token, generation: cur.generation + 1, ttl: ttl, validUntil: now.Add(ttl / 2),
		lost: make(chan struct{})}
	if _, err := tx.ExecContext(ctx, `INSERT INTO run_lock (name, owner, token, pid, host, process, acquired_at, heartbeat, generation)
		VALUES ('writer', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = excluded.token,
			pid = excluded.pid, host = excluded.host, process = excluded.process, acquired_at = excluded.acquired_at,
			heartbeat = excluded.heartbeat, generation = excluded.generation`,
		owner, token, os.Getpid(), host, self, toNanos(now), toNanos(now), l.generation); err != nil {
		return nil, s.wrap("lock store", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.wrap("lock store", err)
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
		// Only our own row: after a takeover the lease is someone else's.
		// The row stays, so the next generation is higher.
		if _, err := s.db.ExecContext(ctx, `UPDATE run_lock SET owner = '', token = '', pid = 0, process = '', heartbeat = 0
			WHERE name = 'writer' AND token = ?`, token); err != nil {
			return s.wrap("unlock store", err)
		}
		return nil
	}, nil
}

// Heartbeat refreshes the lease owner holds through this Store, so that it
// is not taken over as stale. It fails with ErrLeaseLost when the lease
// was taken over or released.
func (s *Store) Heartbeat(ctx context.Context, owner string) error {
	l := s.currentLease()
	if l == nil || l.owner != owner {
		return fmt.Errorf("refresh store lease of %s in %s: %w (this handle holds no lease for it)", owner, s.path, ErrLeaseLost)
	}
	if err := s.leaseErr(l); err != nil {
		return err
	}
	if s.pg != nil {
		return s.heartbeatPG(ctx, l)
	}
	start := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE run_lock SET heartbeat = ? WHERE name = 'writer' AND token = ?`, toNanos(start), l.token)
	if err != nil {
		return s.wrap("refresh store lease", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.loseLease(l, fmt.Errorf("refresh store lease of %s in %s: %w: generation %d was taken over or released",
			owner, s.path, ErrLeaseLost, l.generation))
	}
	s.extendLease(l, start)
	return nil
}

// LeaseLost is closed when the lease this handle holds is known lost: a
// write found another generation in the row, a heartbeat found it gone, or
// it could not be confirmed within half its TTL before a send. Nil (never
// ready) when the handle holds no lease.
func (s *Store) LeaseLost() <-chan struct{} {
	if l := s.currentLease(); l != nil {
		return l.lost
	}
	return nil
}

// LeaseGeneration is the generation of the lease this handle holds, 0
// when it holds none.
func (s *Store) LeaseGeneration() int64 {
	if l := s.currentLease(); l != nil {
		return l.generation
	}
	return 0
}

func (s *Store) currentLease() *lease {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lease
}

func (s *Store) leaseErr(l *lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return l.lostErr
}

// extendLease moves the local validity of l to half a TTL after from, the
// moment a write confirmed it: another run may only take it over a full
// TTL after the heartbeat it stored.
func (s *Store) extendLease(l *lease, from time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.lostErr == nil {
		l.validUntil = from.Add(l.ttl / 2)
	}
}

// loseLease records that l is lost (once) and returns err.
func (s *Store) loseLease(l *lease, err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.lostErr == nil {
		l.lostErr = err
		close(l.lost)
		slog.Error("store lease lost: stopping all writes and sends", "path", s.path, "owner", l.owner,
			"generation", l.generation, "err", err)
	}
	return l.lostErr
}

// checkLease is the fence: inside a write transaction, it fails with
// ErrLeaseLost unless the row still carries this handle's lease. Handles
// that never took a lease (read commands, `outbox retry`) are not fenced.
func (s *Store) checkLease(ctx context.Context, x execer) error {
	l := s.currentLease()
	if l == nil {
		return nil
	}
	if err := s.leaseErr(l); err != nil {
		return err
	}
	cur, err := readLockRow(ctx, x, s.pg != nil)
	if err != nil {
		return s.wrap("check store lease", err)
	}
	if cur.token != l.token {
		holder := "nobody (released)"
		if cur.token != "" {
			holder = fmt.Sprintf("%s, generation %d", cur.describe(), cur.generation)
		}
		return s.loseLease(l, fmt.Errorf("store %s: %w: generation %d of %q is now held by %s",
			s.path, ErrLeaseLost, l.generation, l.owner, holder))
	}
	return nil
}

// writeTx runs fn in a transaction that first checks the lease.
func (s *Store) writeTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(what, err)
	}
	defer tx.Rollback()
	if err := s.checkLease(ctx, tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(what, err)
	}
	return nil
}

// fencedExec runs one statement under the lease check; without a lease it
// is a plain exec.
func (s *Store) fencedExec(ctx context.Context, what, query string, args ...any) (sql.Result, error) {
	if s.currentLease() == nil {
		res, err := s.db.ExecContext(ctx, query, args...)
		if err != nil {
			return nil, s.wrap(what, err)
		}
		return res, nil
	}
	var res sql.Result
	err := s.writeTx(ctx, what, func(tx *sql.Tx) error {
		var err error
		if res, err = tx.ExecContext(ctx, query, args...); err != nil {
			return s.wrap(what, err)
		}
		return nil
	})
	return res, err
}

// ClaimAlert claims pending alert id for a send by this handle's lease
// generation, checking the lease in the same transaction (and refreshing
// its heartbeat). claimed is false when the alert is no longer pending
// (another run sent it or gave up on it). held must be called right before
// the send: it fails with ErrLeaseLost when the lease was lost; when the
// lease was not confirmed for half its TTL (the process was paused, say)
// it first confirms it with a heartbeat, so a stale holder never sends.
func (s *Store) ClaimAlert(ctx context.Context, id int64) (claimed bool, held func() error, err error) {
	if s.pg != nil {
		return s.claimAlertPG(ctx, id)
	}
	what := fmt.Sprintf("claim alert %d", id)
	l := s.currentLease()
	start := s.now()
	gen := int64(0)
	if l != nil {
		gen = l.generation
	}
	err = s.writeTx(ctx, what, func(tx *sql.Tx) error {
		if l != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE run_lock SET heartbeat = ? WHERE name = 'writer' AND token = ?`,
				toNanos(start), l.token); err != nil {
				return s.wrap(what, err)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_gen = ?, claimed_at = ? WHERE id = ? AND status = 'pending'`,
			gen, toNanos(start), id)
		if err != nil {
			return s.wrap(what, err)
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	if err != nil || !claimed {
		return false, nil, err
	}
	if l == nil {
		return true, func() error { return nil }, nil
	}
	s.extendLease(l, start)
	return true, func() error {
		if err := s.leaseErr(l); err != nil {
			return err
		}
		s.mu.Lock()
		until := l.validUntil
		s.mu.Unlock()
		if !s.now().After(until) {
			return nil
		}
		// Not confirmed for half a TTL (the process was paused, or the
		// store slow): confirm it in the store before sending.
		ctx, cancel := context.WithTimeout(context.Background(), l.ttl/4)
		defer cancel()
		if err := s.Heartbeat(ctx, l.owner); err != nil {
			return s.loseLease(l, fmt.Errorf("send alert %d: %w: generation %d could not be confirmed since %s (was the process paused?): %w",
				id, ErrLeaseLost, l.generation, start.Format(time.RFC3339), err))
		}
		return nil
	}, nil
}

// claimGen is the generation alert outcomes are recorded for: only the
// generation that claimed an alert may mark it. 0 (no lease) marks any.
func (s *Store) claimGen() int64 {
	return s.LeaseGeneration()
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make lease token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
