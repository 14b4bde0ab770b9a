package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// unparsedByAnnouncement maps announcement rows whose current version holds
// unparsed sentences to those sentences. The LIKE spares decoding every
// version: only announcements with a non-empty list match.
func (s *Store) unparsedByAnnouncement(ctx context.Context) (map[int64][]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.announcement_id, v.json FROM announcement_versions v
		WHERE v.id IN (SELECT MAX(id) FROM announcement_versions GROUP BY announcement_id)
		AND v.json LIKE '%"unparsed":["%'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var row int64
		var body string
		if err := rows.Scan(&row, &body); err != nil {
			return nil, err
		}
		var a struct {
			Unparsed []string `json:"unparsed"`
		}
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			return nil, fmt.Errorf("decode stored version of announcement %d: %w", row, err)
		}
		out[row] = a.Unparsed
	}
	return out, rows.Err()
}
