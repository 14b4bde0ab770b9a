package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/store/pgtest"
	"github.com/drawwatch/drawwatch/store/storetest"
)

// TestConformancePostgres runs the backend-agnostic suite against a real
// PostgreSQL server (see pgtest: CI's, or one started here).
func TestConformancePostgres(t *testing.T) {
	pgtest.AdminURL(t) // one skip line for the whole suite when there is no server
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		url := pgtest.NewDatabase(t)
		return func(t *testing.T, now func() time.Time) store.Backend {
			s, err := store.OpenPostgres(context.Background(), url, "", store.WithClock(now))
			if err != nil {
				t.Fatalf("open %s: %v", url, err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}
