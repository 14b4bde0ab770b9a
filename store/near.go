package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/engine"
)

// inChunk bounds the placeholders of one IN list, well under SQLite's
// limit of variables per statement.
const inChunk = 400

// drawSet collects stored draws by row, each once.
type drawSet struct {
	byID  map[int64]drawRow
	order []int64
}

// query adds the draws matching cond, an IN condition with one %s for the
// list of args, taken width values per tuple and in chunks.
func (ds *drawSet) query(ctx context.Context, x execer, cond string, width int, args []any) error {
	for len(args) > 0 {
		n := min(len(args), inChunk*width)
		rows, err := x.QueryContext(ctx, `SELECT `+drawRowColumns+drawRowFrom+`WHERE `+fmt.Sprintf(cond, tuples(n/width, width)), args[:n]...)
		if err != nil {
			return err
		}
		rs, err := scanDrawRows(rows)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if _, ok := ds.byID[r.id]; !ok {
				ds.byID[r.id] = r
				ds.order = append(ds.order, r.id)
			}
		}
		args = args[n:]
	}
	return nil
}

// tuples is "?, ?" (width 1) or "(?, ?), (?, ?)" (width 2) for n tuples.
func tuples(n, width int) string {
	one := "?"
	if width > 1 {
		one = "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	}
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

func rowArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// loadNear reads the stored draws the engine decides p's new and changed
// draws against: their own rows, merge candidates (same date and stream),
// the announcements owning candidates (for a table page), the stream
// histories previous draws come from, and the linked partners of all.
func loadNear(ctx context.Context, x execer, pageURL string, want engine.Want) ([]engine.StoredDraw, map[int64]drawwatch.Announcement, error) {
	ds := &drawSet{byID: map[int64]drawRow{}}
	if err := ds.query(ctx, x, `d.announcement_id IN (%s)`, 1, rowArgs(want.Rows)); err != nil {
		return nil, nil, err
	}
	var cand []any
	for _, s := range want.Candidates {
		cand = append(cand, s.Date, string(s.Stream))
	}
	if err := ds.query(ctx, x, `(d.date, d.stream) IN (VALUES %s)`, 2, cand); err != nil {
		return nil, nil, err
	}
	var owners map[int64]drawwatch.Announcement
	if want.Owners {
		var rows []int64
		seen := map[int64]bool{}
		for _, id := range ds.order {
			if r := ds.byID[id]; r.pageURL != pageURL && r.pageKind == string(drawwatch.PageUpdates) && !seen[r.annRow] {
				seen[r.annRow] = true
				rows = append(rows, r.annRow)
			}
		}
		if err := ds.query(ctx, x, `d.announcement_id IN (%s)`, 1, rowArgs(rows)); err != nil {
			return nil, nil, err
		}
		var err error
		if owners, err = currentVersions(ctx, x, rows); err != nil {
			return nil, nil, err
		}
	}
	if err := ds.query(ctx, x, `(d.stream, d.category_slug) IN (VALUES %s)`, 2, historyArgs(want.Histories, ds)); err != nil {
		return nil, nil, err
	}
	if err := loadPartners(ctx, x, ds); err != nil {
		return nil, nil, err
	}
	out := make([]engine.StoredDraw, len(ds.order))
	for i, id := range ds.order {
		out[i] = ds.byID[id].stored()
	}
	return out, owners, nil
}

// historyArgs are the stream and category of the wanted histories and of
// every draw loaded so far.
func historyArgs(want []engine.Spot, ds *drawSet) []any {
	seen := map[engine.Spot]bool{}
	var args []any
	add := func(s engine.Spot) {
		if !seen[s] {
			seen[s] = true
			args = append(args, string(s.Stream), s.CategorySlug)
		}
	}
	for _, s := range want {
		add(s)
	}
	for _, id := range ds.order {
		d := ds.byID[id].draw
		add(engine.Spot{Stream: d.Stream, CategorySlug: drawwatch.Slug(d.Category)})
	}
	return args
}

// loadPartners adds the table rows linked to loaded draws and the updates
// draws loaded table rows are linked to.
func loadPartners(ctx context.Context, x execer, ds *drawSet) error {
	var ids, targets []int64
	for _, id := range ds.order {
		ids = append(ids, id)
		if r := ds.byID[id]; r.mergedInto.Valid {
			if _, ok := ds.byID[r.mergedInto.Int64]; !ok {
				targets = append(targets, r.mergedInto.Int64)
			}
		}
	}
	if err := ds.query(ctx, x, `d.merged_into IN (%s)`, 1, rowArgs(ids)); err != nil {
		return err
	}
	return ds.query(ctx, x, `d.id IN (%s)`, 1, rowArgs(targets))
}

// currentVersions reads the latest stored version of each announcement row.
func currentVersions(ctx context.Context, x execer, rows []int64) (map[int64]drawwatch.Announcement, error) {
	out := make(map[int64]drawwatch.Announcement, len(rows))
	for len(rows) > 0 {
		n := min(len(rows), inChunk)
		q, err := x.QueryContext(ctx, `SELECT announcement_id, json FROM announcement_versions WHERE id IN (
			SELECT MAX(id) FROM announcement_versions WHERE announcement_id IN (`+tuples(n, 1)+`) GROUP BY announcement_id)`,
			rowArgs(rows[:n])...)
		if err != nil {
			return nil, err
		}
		for q.Next() {
			var row int64
			var body string
			var a drawwatch.Announcement
			if err := q.Scan(&row, &body); err != nil {
				q.Close()
				return nil, err
			}
			if err := json.Unmarshal([]byte(body), &a); err != nil {
				q.Close()
				return nil, fmt.Errorf("decode stored version of announcement row %d: %w", row, err)
			}
			out[row] = a
		}
		q.Close()
		if err := q.Err(); err != nil {
			return nil, err
		}
		rows = rows[n:]
	}
	return out, nil
}
