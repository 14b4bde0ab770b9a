package web

import (
	"context"
	"fmt"
	"time"

	"github.com/drawwatch/drawwatch/store"
)

// ReplicaLister is what Data offers when several replicas share the store
// (PostgreSQL): the status page lists the ones seen lately.
type ReplicaLister interface {
	Replicas(ctx context.Context, since time.Time) ([]store.Replica, error)
}

// replicaSeenWithin is how recent a replica's last sign of life must be to
// be listed.
const replicaSeenWithin = 10 * time.Minute

type replicaRow struct {
	Host, Role    string
	PID           int
	Started, Seen when
}

func (s *Server) replicaRows(ctx context.Context, now time.Time, problem func(string, error)) []replicaRow {
	l, ok := s.opts.Data.(ReplicaLister)
	if !ok {
		return nil
	}
	rs, err := l.Replicas(ctx, now.Add(-replicaSeenWithin))
	if err != nil {
		problem("list replicas", err)
		return nil
	}
	rows := make([]replicaRow, 0, len(rs))
	for _, r := range rs {
		role := r.Role
		if r.Role == "leader" {
			role = fmt.Sprintf("leader (lease generation %d)", r.Generation)
		}
		rows = append(rows, replicaRow{Host: r.Host, PID: r.PID, Role: role, Started: s.fmtAgo(now, r.StartedAt), Seen: s.fmtAgo(now, r.SeenAt)})
	}
	return rows
}
