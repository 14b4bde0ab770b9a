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

// ErrLocked reports that another run holds the store's writer lock.
var ErrLocked = errors.New("another drawwatch run holds the store")

// TryLock takes the store's writer lock for owner. The lock is a row in the
// database, not a file lock, so it works for every process sharing the file
// and survives nothing but its heartbeat: a holder whose heartbeat is older
// than staleAfter is presumed dead and the lock is taken over.
// The returned unlock releases it.
func (s *Store) TryLock(ctx context.Context, owner string, staleAfter time.Duration) (unlock func(context.Context) error, err error) {
	token, err := newToken()
	if err != nil {
		return nil, fmt.Errorf("lock store %s: %w", s.path, err)
	}
	host, _ := os.Hostname()
	now := s.now()

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap("lock store", err)
	}
	defer tx.Rollback()
	var holder, holderHost string
	var pid int
	var acquired, beat int64
	err = tx.QueryRowContext(ctx, `SELECT owner, pid, host, acquired_at, heartbeat FROM run_lock WHERE name = 'writer'`).
		Scan(&holder, &pid, &holderHost, &acquired, &beat)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, s.wrap("lock store", err)
	case now.Sub(fromNanos(beat)) < staleAfter:
		return nil, fmt.Errorf("lock store %s: %w: %s (pid %d on %s) since %s, last heartbeat %s; wait for it to finish or stop it",
			s.path, ErrLocked, holder, pid, holderHost, fromNanos(acquired).Format(time.RFC3339), fromNanos(beat).Format(time.RFC3339))
	default:
		slog.Warn("taking over stale store lock", "path", s.path, "holder", holder, "pid", pid, "host", holderHost,
			"heartbeat", fromNanos(beat), "stale_after", staleAfter)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO run_lock (name, owner, token, pid, host, acquired_at, heartbeat)
		VALUES ('writer', ?, ?, ?, ?, ?, ?)`, owner, token, os.Getpid(), host, toNanos(now), toNanos(now)); err != nil {
		return nil, s.wrap("lock store", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.wrap("lock store", err)
	}
	s.mu.Lock()
	s.lockToken = token
	s.mu.Unlock()

	return func(ctx context.Context) error {
		s.mu.Lock()
		if s.lockToken == token {
			s.lockToken = ""
		}
		s.mu.Unlock()
		// Only our own row: after a takeover the lock is someone else's.
		if _, err := s.db.ExecContext(ctx, `DELETE FROM run_lock WHERE name = 'writer' AND token = ?`, token); err != nil {
			return s.wrap("unlock store", err)
		}
		return nil
	}, nil
}

// Heartbeat refreshes the lock owner holds through this Store, so that it
// is not taken over as stale. It fails with ErrLocked when the lock was lost.
func (s *Store) Heartbeat(ctx context.Context, owner string) error {
	s.mu.Lock()
	token := s.lockToken
	s.mu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE run_lock SET heartbeat = ? WHERE name = 'writer' AND owner = ? AND token = ?`,
		toNanos(s.now()), owner, token)
	if err != nil {
		return s.wrap("refresh store lock", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("refresh store lock of %s in %s: %w (the lock is no longer ours: it was released or taken over as stale)", owner, s.path, ErrLocked)
	}
	return nil
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make lock token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
