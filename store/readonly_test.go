package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seededStore writes a store with one page applied, closes it and returns
// its path and content.
func seededStore(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "drawwatch.db")
	s := openAt(t, path)
	mustApply(t, s, loadPage(t, "noi-2024.json"), ApplyOptions{Source: "noi", Now: spring2024})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

func TestOpenReadOnlyNeverCreatesOrWrites(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "typo.db")
	if _, err := OpenReadOnly(ctx, missing); !errors.Is(err, ErrNoStore) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing store: %v; want ErrNoStore naming %s", err, missing)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s", missing)
	}

	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"0444 file", func(t *testing.T, path string) { os.Chmod(path, 0o444) }},
		// A directory where the -shm file belongs: SQLite cannot make its
		// shared-memory file, as on a read-only mount.
		{"no -shm possible", func(t *testing.T, path string) { os.Mkdir(path+"-shm", 0o555) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, before := seededStore(t)
			tt.setup(t, path)
			s, err := OpenReadOnly(ctx, path)
			if err != nil {
				t.Fatalf("OpenReadOnly: %v", err)
			}
			defer s.Close()
			anns, draws, err := s.Counts(ctx)
			if err != nil || anns == 0 || draws == 0 {
				t.Errorf("Counts = %d, %d, %v on a read-only store", anns, draws, err)
			}
			if _, err := s.RequeueAll(ctx); err == nil {
				t.Error("a write through a read-only store succeeded")
			}
			s.Close()
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("reading changed the store file")
			}
		})
	}
}

func TestSnapshotLeavesTheStoreAlone(t *testing.T) {
	ctx := context.Background()
	path, before := seededStore(t)
	s, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap := filepath.Join(t.TempDir(), "snap.db")
	if err := s.SnapshotTo(ctx, snap); err != nil {
		t.Fatal(err)
	}
	c := openAt(t, snap)
	a1, d1, _ := s.Counts(ctx)
	a2, d2, err := c.Counts(ctx)
	if err != nil || a1 != a2 || d1 != d2 {
		t.Errorf("snapshot counts %d/%d, store %d/%d (%v)", a2, d2, a1, d1, err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("snapshot changed the store file")
	}
}
