package store_test

import (
	"os"
	"testing"

	"github.com/drawwatch/drawwatch/store/pgtest"
)

// TestMain stops the PostgreSQL server the tests started, if any.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
