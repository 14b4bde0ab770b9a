package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SourceHealth is whether a source reads normally, kept so that ops alerts
// fire once on the transition to unhealthy and once on recovery.
type SourceHealth struct {
	Source              string
	Healthy             bool
	ConsecutiveFailures int
	LastError           string
	LastOK, LastChecked time.Time
	AlertedDown         bool
}

const healthColumns = `source, healthy, consecutive_failures, last_error, last_ok, last_checked, alerted_down`

func scanHealth(sc interface{ Scan(...any) error }) (SourceHealth, error) {
	var h SourceHealth
	var ok, checked int64
	err := sc.Scan(&h.Source, &h.Healthy, &h.ConsecutiveFailures, &h.LastError, &ok, &checked, &h.AlertedDown)
	h.LastOK, h.LastChecked = fromNanos(ok), fromNanos(checked)
	return h, err
}

// SourceHealth returns the stored state of source; a source never recorded
// is healthy.
func (s *Store) SourceHealth(ctx context.Context, source string) (SourceHealth, error) {
	h, err := scanHealth(s.db.QueryRowContext(ctx, `SELECT `+healthColumns+` FROM source_health WHERE source = ?`, source))
	if errors.Is(err, sql.ErrNoRows) {
		return SourceHealth{Source: source, Healthy: true}, nil
	}
	if err != nil {
		return SourceHealth{}, s.wrap("read health of source "+source, err)
	}
	return h, nil
}

// SaveSourceHealth stores h, replacing the previous state of h.Source.
func (s *Store) SaveSourceHealth(ctx context.Context, h SourceHealth) error {
	_, err := s.fencedExec(ctx, "save health of source "+h.Source, `INSERT INTO source_health (`+healthColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET healthy = excluded.healthy,
			consecutive_failures = excluded.consecutive_failures, last_error = excluded.last_error,
			last_ok = excluded.last_ok, last_checked = excluded.last_checked, alerted_down = excluded.alerted_down`,
		h.Source, h.Healthy, h.ConsecutiveFailures, h.LastError, toNanos(h.LastOK), toNanos(h.LastChecked), h.AlertedDown)
	if err != nil {
		return err
	}
	return nil
}

// SourceHealths lists every recorded source by name.
func (s *Store) SourceHealths(ctx context.Context) ([]SourceHealth, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+healthColumns+` FROM source_health ORDER BY source`)
	if err != nil {
		return nil, s.wrap("list source health", err)
	}
	defer rows.Close()
	var out []SourceHealth
	for rows.Next() {
		h, err := scanHealth(rows)
		if err != nil {
			return nil, s.wrap("list source health", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list source health", err)
	}
	return out, nil
}
