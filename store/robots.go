package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Robots keeps robots.txt between runs; scraper.RobotsStore is the same
// contract seen from the fetcher.
type Robots interface {
	LoadRobots(ctx context.Context, origin string) (status int, body []byte, fetchedAt time.Time, err error)
	SaveRobots(ctx context.Context, origin string, status int, body []byte, fetchedAt time.Time) error
}

var _ Robots = (*Store)(nil)

// LoadRobots returns the stored robots.txt of origin ("https://host") with
// the HTTP status it came with; a zero fetchedAt when none is stored.
func (s *Store) LoadRobots(ctx context.Context, origin string) (int, []byte, time.Time, error) {
	var status int
	var body []byte
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT status, body, fetched_at FROM robots WHERE origin = ?`, origin).Scan(&status, &body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, time.Time{}, nil
	}
	if err != nil {
		return 0, nil, time.Time{}, s.wrap("read robots.txt of "+origin, err)
	}
	return status, body, fromNanos(at), nil
}

// SaveRobots stores (or replaces) origin's robots.txt.
func (s *Store) SaveRobots(ctx context.Context, origin string, status int, body []byte, fetchedAt time.Time) error {
	if body == nil {
		body = []byte{}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO robots (origin, status, body, fetched_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (origin) DO UPDATE SET status = excluded.status, body = excluded.body, fetched_at = excluded.fetched_at`,
		origin, status, body, toNanos(fetchedAt))
	if err != nil {
		return s.wrap("save robots.txt of "+origin, err)
	}
	return nil
}
