package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Fetch outcomes recorded in FetchRecord.Outcome.
const (
	OutcomeFetched     = "fetched"
	OutcomeNotModified = "not-modified"
	OutcomeFailed      = "failed"
	OutcomeBlocked     = "blocked"
	OutcomeSuspect     = "suspect"
)

// FetchRecord is one fetch of one source URL, successful or not.
type FetchRecord struct {
	Source, URL   string
	Status        int
	NotModified   bool
	ETag          string
	LastModified  string
	Duration      time.Duration
	Bytes         int64
	Err           string
	At            time.Time
	Announcements int
	Draws         int
	Outcome       string // "fetched", "not-modified", "failed", "blocked", "suspect"
}

// SaveFetch appends r to the fetch log.
func (s *Store) SaveFetch(ctx context.Context, r FetchRecord) error {
	if r.At.IsZero() {
		r.At = s.now()
	}
	_, err := s.fencedExec(ctx, "record fetch of "+r.URL, `INSERT INTO fetches
		(source, url, status, not_modified, etag, last_modified, duration_ns, bytes, err, at, announcements, draws, outcome)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Source, r.URL, r.Status, r.NotModified, r.ETag, r.LastModified, int64(r.Duration), r.Bytes, r.Err,
		toNanos(r.At), r.Announcements, r.Draws, r.Outcome)
	if err != nil {
		return err
	}
	return nil
}

// LastFetch returns the latest fetch of url. Its ETag and LastModified are
// the validators to send next (see Validators), which may come from an
// earlier fetch when the latest one failed.
func (s *Store) LastFetch(ctx context.Context, url string) (FetchRecord, bool, error) {
	var r FetchRecord
	var dur, at int64
	err := s.db.QueryRowContext(ctx, `SELECT source, url, status, not_modified, duration_ns, bytes, err, at,
		announcements, draws, outcome FROM fetches WHERE url = ? ORDER BY at DESC, id DESC LIMIT 1`, url).
		Scan(&r.Source, &r.URL, &r.Status, &r.NotModified, &dur, &r.Bytes, &r.Err, &at, &r.Announcements, &r.Draws, &r.Outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return FetchRecord{}, false, nil
	}
	if err != nil {
		return FetchRecord{}, false, s.wrap("read last fetch of "+url, err)
	}
	r.Duration, r.At = time.Duration(dur), fromNanos(at)
	r.ETag, r.LastModified, err = s.Validators(ctx, url)
	if err != nil {
		return FetchRecord{}, false, err
	}
	return r, true, nil
}

// Validators returns the ETag and Last-Modified of the latest successful
// fetch of url that had any, for a conditional GET; empty when none.
func (s *Store) Validators(ctx context.Context, url string) (etag, lastModified string, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT etag, last_modified FROM fetches
		WHERE url = ? AND outcome IN (?, ?) AND (etag != '' OR last_modified != '')
		ORDER BY at DESC, id DESC LIMIT 1`, url, OutcomeFetched, OutcomeNotModified).Scan(&etag, &lastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", s.wrap("read validators of "+url, err)
	}
	return etag, lastModified, nil
}

// LastAnnouncementCount is the number of announcements the last successful
// parse of url found, for spotting a page that suddenly shrank.
func (s *Store) LastAnnouncementCount(ctx context.Context, url string) (int, bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT announcements FROM fetches WHERE url = ? AND outcome = ?
		ORDER BY at DESC, id DESC LIMIT 1`, url, OutcomeFetched).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, s.wrap("read last announcement count of "+url, err)
	}
	return n, true, nil
}
