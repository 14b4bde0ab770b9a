package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// The same draw is often published twice: as a row of the notifications or
// invitations tables (count, profile window) and as an updates-page
// announcement (NOC list, anchor). The table row is linked to the updates
// draw through draws.merged_into and queries show the pair as one draw.

func isTablePage(kind string) bool {
	return kind == string(drawwatch.PageNOI) || kind == string(drawwatch.PageITA)
}

// drawRow is a stored draw with what merging and queries need around it.
type drawRow struct {
	id         int64
	annRow     int64
	annID      string
	annTitle   string
	annKind    drawwatch.Kind
	pageKind   string
	key        string
	draw       drawwatch.Draw
	firstSeen  int64
	mergedInto sql.NullInt64
	removed    bool
}

const drawRowColumns = `d.id, d.announcement_id, a.ann_id, a.title, a.kind, d.page_kind, d.draw_key,
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
		if err := rows.Scan(&r.id, &r.annRow, &r.annID, &r.annTitle, &r.annKind, &r.pageKind, &r.key,
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

// mergeDraws is the one draw a linked pair stands for: the updates draw
// (NOCs, anchor, category wording) completed with the table's count and
// profile window, which updates pages often leave out.
func mergeDraws(updates, table drawwatch.Draw) drawwatch.Draw {
	m := updates
	if table.Invitations != nil {
		m.Invitations = table.Invitations
	}
	if table.ProfilesFrom != "" || table.ProfilesTo != "" {
		m.ProfilesFrom, m.ProfilesTo = table.ProfilesFrom, table.ProfilesTo
	}
	if m.ScoreMin == nil && m.ScoreMax == nil {
		m.ScoreMin, m.ScoreMax = table.ScoreMin, table.ScoreMax
	}
	if m.Invitation == "" {
		m.Invitation = table.Invitation
	}
	if m.ScoreKind == "" {
		m.ScoreKind = table.ScoreKind
	}
	if m.StreamName == "" {
		m.StreamName = table.StreamName
	}
	if m.Deadline == "" {
		m.Deadline = table.Deadline
	}
	return m
}

// Words that say nothing about a draw's target: table notes are full of
// them ("Targeted draw Please refer to the OINP Program Update page ...").
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "for": true, "of": true, "in": true, "to": true, "on": true,
	"with": true, "or": true, "under": true, "draw": true, "targeted": true, "target": true, "general": true,
	"occupation": true, "ontario": true, "stream": true, "candidate": true, "project": true, "please": true,
	"refer": true, "list": true, "page": true, "oinp": true, "program": true, "update": true, "information": true,
	"more": true, "ircc": true, "s": true, "tie": true, "breaking": true, "only": true, "all": true,
}

// wordAliases maps spellings of one target to one word.
var wordAliases = map[string]string{
	"gta": "toronto", "technology": "tech", "healthcare": "health", "trade": "trades",
}

// targetWords are the significant words of a draw's category.
func targetWords(category string) []string {
	var out []string
	for _, w := range strings.Split(drawwatch.Slug(category), "-") {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		if a, ok := wordAliases[w]; ok {
			w = a
		}
		if w == "" || stopWords[w] || !slices.ContainsFunc([]rune(w), func(r rune) bool { return r >= 'a' && r <= 'z' }) {
			continue
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// Match strength between a table row and an updates draw of the same date
// and stream: the strongest tier present wins.
const (
	tierNone     = iota
	tierWildcard // one side names no target
	tierOverlap  // the targets share a word ("economic mobility" / "Economic Mobility Pathways Project")
	tierSame     // same significant words, or neither names one
)

func matchTier(a, b drawwatch.Draw) int {
	if bandsDiffer(a.ScoreMin, b.ScoreMin) || bandsDiffer(a.ScoreMax, b.ScoreMax) {
		return tierNone
	}
	wa, wb := targetWords(a.Category), targetWords(b.Category)
	switch {
	case slices.Equal(wa, wb):
		return tierSame
	case len(wa) == 0 || len(wb) == 0:
		return tierWildcard
	case slices.ContainsFunc(wa, func(w string) bool { return slices.Contains(wb, w) }):
		return tierOverlap
	}
	return tierNone
}

func bandsDiffer(a, b *int) bool { return a != nil && b != nil && *a != *b }

// unlinkedOpposites are the draws on the other side of r (table rows for an
// updates draw and the reverse) with r's date and stream, not yet linked,
// of announcements still on their page.
func unlinkedOpposites(ctx context.Context, x execer, r drawRow) ([]drawRow, error) {
	q := `SELECT ` + drawRowColumns + drawRowFrom + `WHERE d.date = ? AND d.stream = ? AND a.removed_at IS NULL AND `
	if isTablePage(r.pageKind) {
		q += `d.page_kind = 'updates' AND NOT EXISTS (SELECT 1 FROM draws t WHERE t.merged_into = d.id)`
	} else {
		q += `d.page_kind IN ('noi', 'ita') AND d.merged_into IS NULL`
	}
	rows, err := x.QueryContext(ctx, q, r.draw.Date, string(r.draw.Stream))
	if err != nil {
		return nil, err
	}
	return scanDrawRows(rows)
}

// bestMatches keeps the candidates of the strongest match tier.
func bestMatches(r drawRow, cands []drawRow) []drawRow {
	best, out := tierNone, []drawRow(nil)
	for _, c := range cands {
		switch t := matchTier(r.draw, c.draw); {
		case t > best:
			best, out = t, []drawRow{c}
		case t == best && t != tierNone:
			out = append(out, c)
		}
	}
	return out
}

func describe(r drawRow) string {
	return fmt.Sprintf("%s draw %s (%s %q)", r.pageKind, r.key, r.annID, r.draw.Category)
}

// linkDraws tries to link each of the given newly stored draws to its
// counterpart. It links only when the match is unique both ways, so the
// result does not depend on which page arrived first. It returns the table
// rows it linked to an updates draw stored before this apply, and
// descriptions of ambiguous matches.
func (s *Store) linkDraws(ctx context.Context, x execer, ids []int64, existed func(id int64) bool) (linkedTable map[int64]bool, unmerged []string, err error) {
	linkedTable = map[int64]bool{}
	reported := map[string]bool{}
	report := func(msg string) {
		if !reported[msg] {
			reported[msg] = true
			unmerged = append(unmerged, msg)
			slog.Warn("draw left unmerged: ambiguous match", "store", s.path, "detail", msg)
		}
	}
	for _, id := range ids {
		rows, err := x.QueryContext(ctx, `SELECT `+drawRowColumns+drawRowFrom+`WHERE d.id = ?`, id)
		if err != nil {
			return nil, nil, err
		}
		rs, err := scanDrawRows(rows)
		if err != nil {
			return nil, nil, err
		}
		if len(rs) == 0 {
			continue
		}
		r := rs[0]
		if r.draw.Date == "" || r.draw.Stream == "" || r.mergedInto.Valid {
			continue
		}
		opp, err := unlinkedOpposites(ctx, x, r)
		if err != nil {
			return nil, nil, err
		}
		cands := bestMatches(r, opp)
		if len(cands) == 0 {
			continue
		}
		if len(cands) > 1 {
			report(ambiguity(r, cands))
			continue
		}
		c := cands[0]
		back, err := unlinkedOpposites(ctx, x, c)
		if err != nil {
			return nil, nil, err
		}
		if back = bestMatches(c, back); len(back) != 1 || back[0].id != r.id {
			report(ambiguity(c, back))
			continue
		}
		table, updates := r, c
		if !isTablePage(r.pageKind) {
			table, updates = c, r
		}
		if _, err := x.ExecContext(ctx, `UPDATE draws SET merged_into = ? WHERE id = ?`, updates.id, table.id); err != nil {
			return nil, nil, err
		}
		if existed(updates.id) {
			linkedTable[table.id] = true
		}
		slog.Debug("merged table row into updates draw", "store", s.path, "table", table.annID, "updates", updates.annID, "key", updates.key)
	}
	return linkedTable, unmerged, nil
}

func ambiguity(r drawRow, cands []drawRow) string {
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = describe(c)
	}
	slices.Sort(names)
	return fmt.Sprintf("%s matches %d draws: %s", describe(r), len(cands), strings.Join(names, "; "))
}

// fillFields are the draw fields a table row supplies to its updates draw
// that an alert reports: the score band (when the updates page gave none),
// the count and the profile window.
var fillFields = []string{"score_min", "score_max", "invitations", "profiles_from", "profiles_to"}

// tableFill is what table rows newly linked in one apply add to one stored
// updates announcement.
type tableFill struct {
	annRow     int64
	url, annID string
	fields     []drawwatch.FieldChange
	sources    []string // "ann_id|hash" of the table rows
}

// tableFills groups table fills by updates announcement, in order.
type tableFills struct {
	list  []*tableFill
	byAnn map[int64]*tableFill
}

// add records what the linked table row tableDraw (of announcement table)
// adds to the updates draw it was linked to.
func (fs *tableFills) add(ctx context.Context, x execer, tableDraw int64, table drawwatch.Announcement) error {
	t, ok, err := drawByID(ctx, x, tableDraw)
	if err != nil || !ok || !t.mergedInto.Valid {
		return err
	}
	u, ok, err := drawByID(ctx, x, t.mergedInto.Int64)
	if err != nil || !ok {
		return err
	}
	f := fs.byAnn[u.annRow]
	if f == nil {
		f = &tableFill{annRow: u.annRow, annID: u.annID}
		if err := x.QueryRowContext(ctx, `SELECT page_url FROM announcements WHERE id = ?`, u.annRow).Scan(&f.url); err != nil {
			return err
		}
		if fs.byAnn == nil {
			fs.byAnn = map[int64]*tableFill{}
		}
		fs.byAnn[u.annRow] = f
		fs.list = append(fs.list, f)
	}
	f.sources = append(f.sources, table.ID+"|"+table.Hash)
	// The stored updates draw is the page's own draw: compare it with the pair.
	merged := mergeDraws(u.draw, t.draw)
	for _, df := range drawFields {
		if !slices.Contains(fillFields, df.name) {
			continue
		}
		if o, n := df.get(u.draw), df.get(merged); o != n {
			f.fields = append(f.fields, drawwatch.FieldChange{Field: u.key + "." + df.name, Old: o, New: n})
		}
	}
	return nil
}

// mergeLinked returns draws, the draws of the stored announcement annRow,
// each merged with the table row linked to it, if any.
func mergeLinked(ctx context.Context, x execer, annRow int64, draws []drawwatch.Draw) ([]drawwatch.Draw, error) {
	partner, err := idsByKey(ctx, x, `SELECT u.draw_key, d.id FROM draws d JOIN draws u ON u.id = d.merged_into
		WHERE u.announcement_id = ?`, annRow)
	if err != nil || len(partner) == 0 {
		return draws, err
	}
	out := slices.Clone(draws)
	for i, k := range drawKeys(draws) {
		id, ok := partner[k]
		if !ok {
			continue
		}
		t, ok, err := drawByID(ctx, x, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out[i] = mergeDraws(out[i], t.draw)
		}
	}
	return out, nil
}

func drawByID(ctx context.Context, x execer, id int64) (drawRow, bool, error) {
	rows, err := x.QueryContext(ctx, `SELECT `+drawRowColumns+drawRowFrom+`WHERE d.id = ?`, id)
	if err != nil {
		return drawRow{}, false, err
	}
	rs, err := scanDrawRows(rows)
	if err != nil || len(rs) == 0 {
		return drawRow{}, false, err
	}
	return rs[0], true, nil
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
