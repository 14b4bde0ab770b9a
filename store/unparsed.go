package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// unparsedOpsEvent is the one ops alert a page change raises when
// announcements it alerts on hold sentences the parser could not read
// (Announcement.Unparsed): the maintainer learns which announcement needs
// a parser update. The dedupe key follows the announcements' content, so
// re-applying the same page never queues it twice. Pure: the change
// engine can own it as is.
func unparsedOpsEvent(source, pageURL string, anns []drawwatch.Announcement, now time.Time) (drawwatch.Event, string, bool) {
	if len(anns) == 0 {
		return drawwatch.Event{}, "", false
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "%d announcement(s) on %s hold sentences the parser could not read; their alerts quote them. Update the parser for:", len(anns), pageURL)
	keys := make([]string, len(anns))
	for i, a := range anns {
		link := a.SourceURL
		if link == "" {
			link = pageURL
		}
		fmt.Fprintf(&msg, "\n- %s %q (%s): %d unread sentence(s), first: %q", a.ID, a.Title, link, len(a.Unparsed), a.Unparsed[0])
		keys[i] = a.ID + "@" + a.Hash
	}
	ev := drawwatch.Event{Type: drawwatch.EventOps, Source: source, Message: msg.String(), DetectedAt: now}
	return ev, pageURL + "|unparsed|" + strings.Join(keys, ","), true
}

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
