package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Times of the fixtures' world: the 2024 pages are read in spring 2024.
var (
	spring2024 = time.Date(2024, 2, 20, 12, 0, 0, 0, time.UTC)
	dec2025    = time.Date(2025, 12, 12, 9, 0, 0, 0, time.UTC)
)

func openTest(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "drawwatch.db"))
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// loadPage reads a hand-written page from testdata and fills in content
// hashes the way the scraper does.
func loadPage(t testing.TB, name string) *drawwatch.Page {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("storetest", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var p drawwatch.Page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	for i := range p.Announcements {
		p.Announcements[i].Hash = drawwatch.ContentHash(p.Announcements[i].Text)
	}
	return &p
}

func toAll(targets ...string) func(drawwatch.Event) []string {
	return func(drawwatch.Event) []string { return targets }
}

func mustApply(t testing.TB, s *Store, p *drawwatch.Page, opt ApplyOptions) Result {
	t.Helper()
	res, err := s.Apply(context.Background(), p, opt)
	if err != nil {
		t.Fatalf("Apply(%s): %v", p.URL, err)
	}
	return res
}

func TestOpenMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "drawwatch.db")
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := all[len(all)-1].version

	for i := range 3 { // fresh, then reopened twice: idempotent
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		var rows, maxV int
		if err := s.db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&rows, &maxV); err != nil {
			t.Fatal(err)
		}
		if rows != len(all) || maxV != latest {
			t.Errorf("open #%d: schema_version has %d rows up to %d, want %d up to %d", i, rows, maxV, len(all), latest)
		}
		var mode string
		if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		var fk int
		if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
		}
		for _, table := range []string{"announcements", "announcement_versions", "draws", "outbox", "fetches", "source_health", "run_lock"} {
			var n int
			if err := s.db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil || n != 1 {
				t.Errorf("table %s missing (%v)", table, err)
			}
		}
		if s.Path() != path {
			t.Errorf("Path() = %q, want %q", s.Path(), path)
		}
		s.Close()
	}

	// A store written by a newer drawwatch is refused, not downgraded.
	s := openAt(t, path)
	if _, err := s.db.Exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 0)`, latest+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer") || !strings.Contains(err.Error(), path) {
		t.Errorf("Open of a newer schema: err = %v, want a 'newer' error naming the path", err)
	}
}

func TestOpenBadFiles(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    []string
	}{{
		name: "random bytes",
		prepare: func(t *testing.T, path string) {
			b := make([]byte, 8192)
			rand.Read(b)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		want: []string{"not a SQLite database or is corrupt", "restore it from a backup or move it aside"},
	}, {
		name: "held by another writer",
		prepare: func(t *testing.T, path string) {
			// Another process with an exclusive lock, as `sqlite3` with
			// locking_mode=EXCLUSIVE in the middle of a write would hold.
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			t.Cleanup(func() { db.Close() })
			for _, q := range []string{`PRAGMA locking_mode = EXCLUSIVE`, `CREATE TABLE other (x)`, `BEGIN EXCLUSIVE`, `INSERT INTO other VALUES (1)`} {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		},
		want: []string{"locked by another process", "stop the other drawwatch"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "drawwatch.db")
			tt.prepare(t, path)
			s, err := open(ctx, path, 100*time.Millisecond)
			if err == nil {
				s.Close()
				t.Fatal("open succeeded, want an error")
			}
			for _, w := range append(tt.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestOpenRejectsQueryInPath(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "a?mode=ro"))
	if err == nil {
		t.Fatal("path with '?' accepted")
	}
}

// The conformance suite cannot see last_seen: a re-applied unchanged page
// refreshes it.
func TestApplyReapplyRefreshesLastSeen(t *testing.T) {
	s := openTest(t)
	page := loadPage(t, "updates-2024.json")
	opt := ApplyOptions{Now: spring2024, BacklogDays: 365, Route: toAll("slack")}
	mustApply(t, s, page, opt)
	opt.Now = spring2024.Add(2 * time.Hour)
	mustApply(t, s, page, opt)
	var lastSeen int64
	s.db.QueryRow(`SELECT last_seen FROM announcements WHERE ann_id = 'february6-0'`).Scan(&lastSeen)
	if !fromNanos(lastSeen).Equal(opt.Now) {
		t.Errorf("last_seen = %v, want %v", fromNanos(lastSeen), opt.Now)
	}
}
