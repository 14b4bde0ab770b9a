package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drawwatch/drawwatch/engine"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNotFound reports that the announcement or alert asked for is not stored.
var ErrNotFound = errors.New("not found in the store")

// ErrSuspectPage reports a fetched page with no announcements for a URL the
// store holds announcements for (the engine's decision): nothing is marked
// removed.
var ErrSuspectPage = engine.ErrSuspectPage

// defaultBusyTimeout is how long a connection waits for another writer
// before failing with "database is locked".
const defaultBusyTimeout = 5 * time.Second

// Store is one drawwatch SQLite database. It is safe for concurrent use;
// several Stores (processes) may share a file, one writer at a time.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time // injected in tests

	mu    sync.Mutex
	lease *lease // the writer lease this handle holds, if any

	pg *pgState // set when the store is PostgreSQL (see postgres.go)
}

// Open opens or creates the store at path, switches it to WAL and applies
// any pending migrations.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	return open(ctx, path, defaultBusyTimeout, opts...)
}

func open(ctx context.Context, path string, busy time.Duration, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty path: set the store path in the configuration")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open store %s: the path may not contain '?' or '#': choose another file name", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open store %s: create directory: %w", path, err)
		}
	}
	// _txlock=immediate: every transaction takes the write lock up front, so
	// two writers queue on busy_timeout instead of one failing at once when
	// it tries to upgrade a read snapshot.
	dsn := path + "?_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, path: path, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	// Processes opening a new file at once race to switch it to WAL, and
	// SQLite reports the loser's SQLITE_BUSY without waiting on
	// busy_timeout: retry within the same budget before giving up.
	deadline := time.Now().Add(busy)
	for {
		err := s.migrate(ctx)
		if err == nil {
			return s, nil
		}
		if !isBusy(err) || time.Now().After(deadline) {
			db.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", path, ctx.Err())
		case <-time.After(20*time.Millisecond + time.Duration(rand.Int64N(int64(30*time.Millisecond)))):
		}
	}
}

func isBusy(err error) bool {
	code := sqliteCode(err)
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) { return migrationsIn(migrationFS, "migrations") }

func migrationsIn(fsys fs.ReadFileFS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must be NNN_name.sql", e.Name())
		}
		body, err := fsys.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func (s *Store) migrate(ctx context.Context) error {
	all, err := migrations()
	if err != nil {
		return fmt.Errorf("open store %s: read embedded migrations: %w", s.path, err)
	}
	latest := all[len(all)-1].version

	// Read first, outside a write transaction, so that opening an
	// up-to-date store never waits for a running writer.
	var current int
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current)
	switch {
	case err == nil && current > latest:
		return fmt.Errorf("open store %s: schema version %d is newer than this drawwatch knows (%d): upgrade drawwatch, or point it at another store file", s.path, current, latest)
	case err == nil && current == latest:
		return nil
	case err != nil && !strings.Contains(err.Error(), "no such table"):
		return s.openErr(err)
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.openErr(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return s.openErr(err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return s.openErr(err)
	}
	if current > latest {
		return fmt.Errorf("open store %s: schema version %d is newer than this drawwatch knows (%d): upgrade drawwatch, or point it at another store file", s.path, current, latest)
	}
	if current == latest {
		return nil // another process migrated meanwhile
	}
	for _, m := range all {
		if m.version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("open store %s: apply migration %03d_%s: %w", s.path, m.version, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, s.now().UnixNano()); err != nil {
			return fmt.Errorf("open store %s: record migration %03d: %w", s.path, m.version, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.openErr(err)
	}
	return nil
}

// openErr explains the SQLite errors a user can act on.
func (s *Store) openErr(err error) error {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("open store %s: the file is not a SQLite database or is corrupt: restore it from a backup or move it aside to start a new store: %w", s.path, err)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("open store %s: the database is locked by another process: stop the other drawwatch (or sqlite3 shell) using this file and retry: %w", s.path, err)
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return fmt.Errorf("open store %s: cannot open the file for writing: check the path and its permissions: %w", s.path, err)
	}
	return fmt.Errorf("open store %s: %w", s.path, err)
}

// wrap says what was being done and, for errors a user can act on, what to do.
func (s *Store) wrap(what string, err error) error {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%s in %s: another process held the database longer than the busy timeout: retry, or stop the other writer: %w", what, s.path, err)
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("%s in %s: the database is corrupt: restore it from a backup or move it aside: %w", what, s.path, err)
	}
	return fmt.Errorf("%s in %s: %w", what, s.path, err)
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff // primary code; extended codes add high bits
	}
	return 0
}

// Unix nanoseconds with 0 for the zero time: the zero time.Time does not
// fit in an int64 of nanoseconds.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
