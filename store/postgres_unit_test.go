package store

import (
	"slices"
	"testing"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b IN (?, ?)", "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)"},
		{"SELECT '?' , ? FROM \"we?ird\" WHERE x = ?", "SELECT '?' , $1 FROM \"we?ird\" WHERE x = $2"},
		{"-- what?\nSELECT ?", "-- what?\nSELECT $1"},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
	}
	for _, tt := range tests {
		if got := rebind(tt.in); got != tt.want {
			t.Errorf("rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every SQLite migration has its PostgreSQL twin with the same number, so
// both backends are at the same schema version and `store migrate` can
// copy one into the other. Adding migrations/NNN_x.sql needs
// pgmigrations/NNN_x.sql too.
func TestMigrationsHavePostgresTwins(t *testing.T) {
	lite, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrationsIn(pgMigrationFS, "pgmigrations")
	if err != nil {
		t.Fatal(err)
	}
	versions := func(ms []migration) []int {
		var out []int
		for _, m := range ms {
			out = append(out, m.version)
		}
		return out
	}
	if a, b := versions(lite), versions(pg); !slices.Equal(a, b) {
		t.Errorf("SQLite migrations %v, PostgreSQL migrations %v: add the missing store/pgmigrations/NNN_*.sql", a, b)
	}
}
