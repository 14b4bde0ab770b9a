package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/engine"
)

// DrawFilter selects draws for Draws. Zero fields select everything.
type DrawFilter struct {
	Program        string // "EE", "OINP"; draws stored before programs were told apart are OINP
	Stream         string
	NOC            string // exact code, or a prefix ending in '*' ("213*")
	Since          string // YYYY-MM-DD, inclusive
	Kind           drawwatch.Kind
	Limit          int
	IncludeRemoved bool
}

// StoredDraw is a draw as the store shows it: a table row and the
// updates-page draw it was linked to appear as one.
type StoredDraw struct {
	drawwatch.Draw
	AnnouncementID    string         `json:"announcement_id"`
	AnnouncementTitle string         `json:"announcement_title"`
	Kind              drawwatch.Kind `json:"kind"`
	FirstSeen         time.Time      `json:"first_seen"`
	Removed           bool           `json:"removed"`
	// Unparsed are the sentences of the draw's announcement the parser
	// could not read (Announcement.Unparsed); the status page marks them.
	Unparsed []string `json:"unparsed"`
}

// Draws lists draws newest first. News announcements are included (with an
// empty draw dated when posted) when f.Kind is "" or news and no stream or
// NOC is asked for.
func (s *Store) Draws(ctx context.Context, f DrawFilter) ([]StoredDraw, error) {
	var out []StoredDraw
	if f.Kind == "" || f.Kind == drawwatch.KindDraw {
		ds, err := s.mergedDraws(ctx, f)
		if err != nil {
			return nil, s.wrap("list draws", err)
		}
		out = append(out, ds...)
	}
	if (f.Kind == "" || f.Kind == drawwatch.KindNews) && f.Stream == "" && f.NOC == "" && (f.Program == "" || strings.EqualFold(f.Program, drawwatch.ProgramOINP)) {
		ns, err := s.news(ctx, f)
		if err != nil {
			return nil, s.wrap("list news", err)
		}
		out = append(out, ns...)
	}
	slices.SortStableFunc(out, func(a, b StoredDraw) int {
		return cmp.Or(strings.Compare(b.Date, a.Date), b.FirstSeen.Compare(a.FirstSeen), strings.Compare(a.AnnouncementID, b.AnnouncementID))
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (s *Store) mergedDraws(ctx context.Context, f DrawFilter) ([]StoredDraw, error) {
	// Both halves of a linked pair share date and stream, so filtering on
	// those in SQL never separates them.
	q := `SELECT ` + drawRowColumns + drawRowFrom + `WHERE 1 = 1`
	var args []any
	if f.Program != "" {
		// A draw written with no program (a hand-made page) is OINP's, as
		// migration 003 made every draw stored before EE.
		q += ` AND (d.program = ? OR (d.program = '' AND ? = 'OINP'))`
		args = append(args, strings.ToUpper(f.Program), strings.ToUpper(f.Program))
	}
	if f.Stream != "" {
		q += ` AND d.stream = ?`
		args = append(args, f.Stream)
	}
	if f.Since != "" {
		q += ` AND d.date >= ?`
		args = append(args, f.Since)
	}
	// Row order breaks the stable sort's ties (draws of one announcement):
	// without it SQLite and PostgreSQL list them differently.
	q += ` ORDER BY d.id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	all, err := scanDrawRows(rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]drawRow, len(all))
	tableOf := map[int64]drawRow{} // updates draw id -> linked table row
	for _, r := range all {
		byID[r.id] = r
		if r.mergedInto.Valid {
			tableOf[r.mergedInto.Int64] = r
		}
	}
	visible := func(r drawRow) bool { return f.IncludeRemoved || !r.removed }
	unread, err := s.unparsedByAnnouncement(ctx)
	if err != nil {
		return nil, err
	}

	var out []StoredDraw
	for _, r := range all {
		if !visible(r) {
			continue
		}
		if r.mergedInto.Valid {
			if p, ok := byID[r.mergedInto.Int64]; ok && visible(p) {
				continue // shown through its updates draw
			}
		}
		sd := StoredDraw{Draw: r.draw, AnnouncementID: r.annID, AnnouncementTitle: r.annTitle, Kind: r.annKind,
			FirstSeen: fromNanos(r.firstSeen), Removed: r.removed, Unparsed: unread[r.annRow]}
		if t, ok := tableOf[r.id]; ok && visible(t) {
			sd.Draw = engine.MergeDraws(r.draw, t.draw)
			if ft := fromNanos(t.firstSeen); ft.Before(sd.FirstSeen) {
				sd.FirstSeen = ft
			}
		}
		if f.NOC != "" && !hasNOC(sd.NOCs, f.NOC) {
			continue
		}
		out = append(out, sd)
	}
	return out, nil
}

func hasNOC(nocs []drawwatch.NOC, want string) bool {
	prefix, isPrefix := strings.CutSuffix(want, "*")
	for _, n := range nocs {
		if n.Code == want || (isPrefix && strings.HasPrefix(n.Code, prefix)) {
			return true
		}
	}
	return false
}

func (s *Store) news(ctx context.Context, f DrawFilter) ([]StoredDraw, error) {
	q := `SELECT ann_id, title, posted, source_url, first_seen, removed_at IS NOT NULL FROM announcements WHERE kind = ?`
	args := []any{string(drawwatch.KindNews)}
	if f.Since != "" {
		q += ` AND posted >= ?`
		args = append(args, f.Since)
	}
	if !f.IncludeRemoved {
		q += ` AND removed_at IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredDraw
	for rows.Next() {
		var sd StoredDraw
		var first int64
		if err := rows.Scan(&sd.AnnouncementID, &sd.AnnouncementTitle, &sd.Date, &sd.SourceURL, &first, &sd.Removed); err != nil {
			return nil, err
		}
		sd.Kind, sd.FirstSeen = drawwatch.KindNews, fromNanos(first)
		out = append(out, sd)
	}
	return out, rows.Err()
}

// AnnouncementVersion is one stored content version of an announcement.
type AnnouncementVersion struct {
	Hash         string                  `json:"hash"`
	SeenAt       time.Time               `json:"seen_at"`
	Announcement drawwatch.Announcement  `json:"announcement"`
	Fields       []drawwatch.FieldChange `json:"fields"` // vs the previous version; empty for the first
}

// History lists the versions of the announcement with this ID or anchor,
// oldest first, across every page that holds one.
func (s *Store) History(ctx context.Context, announcementID string) ([]AnnouncementVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.hash, v.seen_at, v.json, v.fields FROM announcement_versions v
		JOIN announcements a ON a.id = v.announcement_id
		WHERE a.ann_id = ? OR (a.anchor != '' AND a.anchor = ?) ORDER BY v.seen_at, v.id`, announcementID, announcementID)
	if err != nil {
		return nil, s.wrap("read history of "+announcementID, err)
	}
	defer rows.Close()
	var out []AnnouncementVersion
	for rows.Next() {
		var v AnnouncementVersion
		var seen int64
		var body, fields string
		if err := rows.Scan(&v.Hash, &seen, &body, &fields); err != nil {
			return nil, s.wrap("read history of "+announcementID, err)
		}
		v.SeenAt = fromNanos(seen)
		if err := json.Unmarshal([]byte(body), &v.Announcement); err != nil {
			return nil, fmt.Errorf("read history of %s: decode version: %w", announcementID, err)
		}
		if err := json.Unmarshal([]byte(fields), &v.Fields); err != nil {
			return nil, fmt.Errorf("read history of %s: decode changed fields: %w", announcementID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read history of "+announcementID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("history of %q: %w: give an announcement id or anchor as `drawwatch draws` shows it", announcementID, ErrNotFound)
	}
	return out, nil
}

// Counts are the announcements and (merged) draws currently on the pages.
func (s *Store) Counts(ctx context.Context) (announcements, draws int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM announcements WHERE removed_at IS NULL),
		(SELECT COUNT(*) FROM draws d JOIN announcements a ON a.id = d.announcement_id
			WHERE a.removed_at IS NULL AND (d.merged_into IS NULL OR NOT EXISTS (
				SELECT 1 FROM draws u JOIN announcements ua ON ua.id = u.announcement_id
				WHERE u.id = d.merged_into AND ua.removed_at IS NULL)))`).Scan(&announcements, &draws)
	if err != nil {
		return 0, 0, s.wrap("count announcements and draws", err)
	}
	return announcements, draws, nil
}
