package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrTargetNotEmpty reports a copy into a store that already holds data.
var ErrTargetNotEmpty = errors.New("the target store is not empty")

// copiedTables are what a store holds of value, parents first. The lease,
// replicas and schema_version rows belong to the target's own life.
var copiedTables = []string{"announcements", "announcement_versions", "draws", "outbox", "fetches", "source_health", "robots"}

// boolColumns are INTEGER 0/1 in SQLite and BOOLEAN in PostgreSQL.
var boolColumns = map[string]bool{"healthy": true, "alerted_down": true, "not_modified": true}

// CopyTo copies everything s holds (history, versions, draws, outbox,
// fetch log, health, robots.txt cache) into the empty store dst, ids kept,
// in one transaction on dst: a failure leaves dst as it was. It refuses a
// dst that holds data, verifies the row counts after copying and returns
// them by table.
func (s *Store) CopyTo(ctx context.Context, dst *Store) (map[string]int, error) {
	what := fmt.Sprintf("copy %s to %s", s.path, dst.path)
	for _, t := range copiedTables {
		var n int
		if err := dst.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("%s: count %s in the target: %w", what, t, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("%s: %w: %s holds %d rows; copy into a new, empty database", what, ErrTargetNotEmpty, t, n)
		}
	}
	tx, err := dst.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	counts := map[string]int{}
	for _, t := range copiedTables {
		n, err := s.copyTable(ctx, tx, t)
		if err != nil {
			return nil, fmt.Errorf("%s: table %s: %w", what, t, err)
		}
		counts[t] = n
	}
	// Draws point at draws (merged_into), copied after all of them exist.
	if err := s.copyMerges(ctx, tx); err != nil {
		return nil, fmt.Errorf("%s: draw merges: %w", what, err)
	}
	if dst.pg != nil {
		for _, t := range copiedTables {
			if t == "source_health" || t == "robots" {
				continue // keyed by name, no id sequence
			}
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return nil, fmt.Errorf("%s: reset the id sequence of %s: %w", what, t, err)
			}
		}
	}
	for _, t := range copiedTables {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("%s: verify %s: %w", what, t, err)
		}
		if n != counts[t] {
			return nil, fmt.Errorf("%s: verify %s: %d rows in the target after copying %d: nothing was committed", what, t, n, counts[t])
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("%s: commit: %w", what, err)
	}
	return counts, nil
}

func (s *Store) copyTable(ctx context.Context, tx *sql.Tx, table string) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
	stmt, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range cols {
			switch {
			case c == "merged_into":
				vals[i] = nil // set by copyMerges
			case boolColumns[c]:
				vals[i] = truthy(vals[i])
			}
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		n++
	}
	return n, rows.Err()
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	}
	return false
}

func (s *Store) copyMerges(ctx context.Context, tx *sql.Tx) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, merged_into FROM draws WHERE merged_into IS NOT NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, into int64
		if err := rows.Scan(&id, &into); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE draws SET merged_into = ? WHERE id = ?`, into, id); err != nil {
			return err
		}
	}
	return rows.Err()
}
