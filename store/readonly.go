package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNoStore reports that the store file asked for does not exist.
var ErrNoStore = errors.New("no store at this path")

// OpenReadOnly opens an existing store for reading only: it never creates
// the file, never migrates it and never writes to it, so a mistyped path is
// an error and a backup on a read-only mount (or a 0444 file) can be
// queried. A store written by an older drawwatch must be opened for writing
// once (any scrape) before it can be read this way.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open store %s: %w: check the path (store.path in the config, or --config), or run `scrape --once` to create it", path, ErrNoStore)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("open store %s: it is a directory, not a store file", path)
	}
	s, err := openRO(ctx, path, false)
	if err != nil && isCantOpen(err) {
		// A WAL database needs its -shm file; where that cannot be created
		// (a read-only mount) the file cannot change either: read it as
		// immutable.
		s, err = openRO(ctx, path, true)
	}
	return s, err
}

func openRO(ctx context.Context, path string, immutable bool) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}).String() +
		"&_pragma=busy_timeout(" + strconv.FormatInt(defaultBusyTimeout.Milliseconds(), 10) + ")&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, path: path, now: time.Now}
	if err := s.checkSchemaReadable(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// checkSchemaReadable refuses a schema this binary cannot read as it is.
func (s *Store) checkSchemaReadable(ctx context.Context) error {
	all, err := migrations()
	if err != nil {
		return fmt.Errorf("open store %s: read embedded migrations: %w", s.path, err)
	}
	latest := all[len(all)-1].version
	var current int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return s.openErr(err)
	}
	switch {
	case current > latest:
		return fmt.Errorf("open store %s: schema version %d is newer than this drawwatch knows (%d): upgrade drawwatch", s.path, current, latest)
	case current < latest:
		return fmt.Errorf("open store %s: schema version %d is older than this drawwatch's (%d): run `scrape --once` on it once to migrate it, then read it", s.path, current, latest)
	}
	return nil
}

func isCantOpen(err error) bool {
	code := sqliteCode(err)
	return code == sqlite3.SQLITE_CANTOPEN || code == sqlite3.SQLITE_READONLY
}

// SnapshotTo writes a consistent copy of the store to path (which must not
// exist), for work that must not touch the store itself: a dry run works on
// a snapshot.
func (s *Store) SnapshotTo(ctx context.Context, path string) error {
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return s.wrap("snapshot store to "+path, err)
	}
	return nil
}
