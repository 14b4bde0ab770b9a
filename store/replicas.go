package store

import (
	"context"
	"os"
	"time"
)

// Replica is one `drawwatch run` seen on a shared (PostgreSQL) database.
type Replica struct {
	ID         string
	Host       string
	PID        int
	Role       string // "leader" or "standby"
	Generation int64  // the lease generation it holds as leader
	StartedAt  time.Time
	SeenAt     time.Time
}

// RecordReplica notes that this replica is alive in role, for the status
// page. It is bookkeeping, not fenced: standbys write it too.
func (s *Store) RecordReplica(ctx context.Context, role string, generation int64, started time.Time) error {
	id := s.Replica()
	if id == "" {
		id = "local"
	}
	host, _ := os.Hostname()
	_, err := s.db.ExecContext(ctx, `INSERT INTO replicas (id, host, pid, role, generation, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET role = excluded.role, generation = excluded.generation, seen_at = excluded.seen_at`,
		id, host, os.Getpid(), role, generation, toNanos(started), toNanos(s.now()))
	if err != nil {
		return s.wrap("record replica", err)
	}
	return nil
}

// Replicas lists the replicas seen since since, leader first.
func (s *Store) Replicas(ctx context.Context, since time.Time) ([]Replica, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, host, pid, role, generation, started_at, seen_at FROM replicas
		WHERE seen_at >= ? ORDER BY role, host, pid`, toNanos(since))
	if err != nil {
		return nil, s.wrap("list replicas", err)
	}
	defer rows.Close()
	var out []Replica
	for rows.Next() {
		var r Replica
		var started, seen int64
		if err := rows.Scan(&r.ID, &r.Host, &r.PID, &r.Role, &r.Generation, &started, &seen); err != nil {
			return nil, s.wrap("list replicas", err)
		}
		r.StartedAt, r.SeenAt = fromNanos(started), fromNanos(seen)
		out = append(out, r)
	}
	return out, rows.Err()
}
