package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/store/storetest"
)

// TestConformance runs the backend-agnostic suite against SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		path := filepath.Join(t.TempDir(), "drawwatch.db")
		return func(t *testing.T, now func() time.Time) store.Backend {
			s, err := store.Open(context.Background(), path, store.WithClock(now))
			if err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}
