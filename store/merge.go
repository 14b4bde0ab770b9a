package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/engine"
)

// A table row linked to the updates-page draw it reports points at it
// through draws.merged_into; the engine decides the links, queries show
// the pair as one draw (engine.MergeDraws).

// drawRow is a stored draw with what merging and queries need around it.
type drawRow struct {
	id         int64
	annRow     int64
	annID      string
	annTitle   string
	annKind    drawwatch.Kind
	pageURL    string
	pageKind   string
	key        string
	draw       drawwatch.Draw
	firstSeen  int64
	mergedInto sql.NullInt64
	removed    bool
}

const drawRowColumns = `d.id, d.announcement_id, a.ann_id, a.title, a.kind, a.page_url, d.page_kind, d.draw_key,
	d.program, d.stream, d.stream_name, d.category, d.date, d.invitation, d.score_kind,
	d.score_min, d.score_max, d.invitations, d.profiles_from, d.profiles_to, d.nocs, d.deadline, d.notes,
	d.source_url, d.first_seen, d.merged_into, a.removed_at IS NOT NULL,
	d.round, d.tie_break, d.programs_included, d.distribution`

const drawRowFrom = ` FROM draws d JOIN announcements a ON a.id = d.announcement_id `

func scanDrawRows(rows *sql.Rows) ([]drawRow, error) {
	defer rows.Close()
	var out []drawRow
	for rows.Next() {
		var r drawRow
		var stream, nocs, programs, dist string
		var smin, smax, inv sql.NullInt64
		if err := rows.Scan(&r.id, &r.annRow, &r.annID, &r.annTitle, &r.annKind, &r.pageURL, &r.pageKind, &r.key,
			&r.draw.Program, &stream, &r.draw.StreamName, &r.draw.Category, &r.draw.Date, &r.draw.Invitation,
			&r.draw.ScoreKind, &smin, &smax, &inv, &r.draw.ProfilesFrom, &r.draw.ProfilesTo, &nocs,
			&r.draw.Deadline, &r.draw.Notes, &r.draw.SourceURL, &r.firstSeen, &r.mergedInto, &r.removed,
			&r.draw.Round, &r.draw.TieBreak, &programs, &dist); err != nil {
			return nil, err
		}
		if err := scanEEColumns(&r.draw, programs, dist); err != nil {
			return nil, fmt.Errorf("decode draw %d: %w", r.id, err)
		}
		r.draw.Stream = drawwatch.Stream(stream)
		r.draw.ScoreMin, r.draw.ScoreMax, r.draw.Invitations = intPtr(smin), intPtr(smax), intPtr(inv)
		if err := json.Unmarshal([]byte(nocs), &r.draw.NOCs); err != nil {
			return nil, fmt.Errorf("decode NOCs of draw %d: %w", r.id, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// stored is r as the engine sees it.
func (r drawRow) stored() engine.StoredDraw {
	return engine.StoredDraw{ID: r.id, AnnRow: r.annRow, AnnID: r.annID, PageURL: r.pageURL,
		PageKind: drawwatch.PageKind(r.pageKind), Key: r.key, Draw: r.draw, MergedInto: r.mergedInto.Int64, Removed: r.removed}
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// idsByKey runs a query selecting (draw_key, id) rows into a map.
func idsByKey(ctx context.Context, x execer, query string, args ...any) (map[string]int64, error) {
	rows, err := x.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		ids[k] = id
	}
	return ids, rows.Err()
}
