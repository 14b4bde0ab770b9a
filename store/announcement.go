package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// ApplyOptions says how to merge one parsed page.
type ApplyOptions struct {
	Source string // source name for logs and records
	Now    time.Time
	// BacklogDays applies to a page URL the store holds nothing for yet
	// (every page of a fresh store): only announcements posted (or drawn)
	// within this many days of Now count as new; older ones are taken in
	// silently, so a first run does not alert on years of history.
	BacklogDays int
	// Route names the targets of an event. Alerts are queued in the same
	// transaction that records the change.
	Route  func(drawwatch.Event) []string
	DryRun bool // compute changes, write nothing
}

// Result is what one Apply found.
type Result struct {
	Changes  []drawwatch.Change
	Alerts   int      // alerts queued
	Unmerged []string // ambiguous table-row/updates-draw matches left apart
}

// storedAnn is an announcement row of the page being applied.
type storedAnn struct {
	row       int64
	hash      string
	removedAt sql.NullInt64
}

// pendingChange is a change waiting for the end of Apply, when it is known
// whether it alerts.
type pendingChange struct {
	change    drawwatch.Change
	event     drawwatch.EventType // "" for no alert
	tableDraw int64               // draw of a new table row: if linked to an existing draw, only what it adds is reported
	annRow    int64               // stored announcement row
}

// Apply merges a parsed page into the store: records new, changed and
// removed announcements, links table rows to updates-page draws, and queues
// the alerts opt.Route asks for, all in one transaction.
func (s *Store) Apply(ctx context.Context, page *drawwatch.Page, opt ApplyOptions) (Result, error) {
	if page == nil {
		return Result{}, errors.New("apply page: nil page")
	}
	if opt.Now.IsZero() {
		opt.Now = s.now()
	}
	url := pageKey(page.URL)
	what := fmt.Sprintf("apply %s page %s", opt.Source, url)

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Result{}, s.wrap(what, err)
	}
	defer tx.Rollback()
	if err := s.checkLease(ctx, tx); err != nil {
		return Result{}, fmt.Errorf("%s: %w", what, err)
	}

	res, err := s.apply(ctx, tx, page, url, opt)
	if err != nil {
		if errors.Is(err, ErrSuspectPage) {
			return Result{}, fmt.Errorf("%s: %w", what, err)
		}
		return Result{}, s.wrap(what, err)
	}
	if opt.DryRun {
		return res, nil // the deferred rollback discards everything
	}
	if err := tx.Commit(); err != nil {
		return Result{}, s.wrap(what, err)
	}
	slog.Debug("applied page", "source", opt.Source, "url", url, "announcements", len(page.Announcements),
		"changes", len(res.Changes), "alerts", res.Alerts)
	return res, nil
}

func (s *Store) apply(ctx context.Context, tx *sql.Tx, page *drawwatch.Page, url string, opt ApplyOptions) (Result, error) {
	var res Result
	now := toNanos(opt.Now)

	existing := map[string]storedAnn{}
	rows, err := tx.QueryContext(ctx, `SELECT id, ann_id, hash, removed_at FROM announcements WHERE page_url = ?`, url)
	if err != nil {
		return res, err
	}
	active := 0
	for rows.Next() {
		var a storedAnn
		var id string
		if err := rows.Scan(&a.row, &id, &a.hash, &a.removedAt); err != nil {
			rows.Close()
			return res, err
		}
		existing[id] = a
		if !a.removedAt.Valid {
			active++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(page.Announcements) == 0 && active > 0 {
		return res, fmt.Errorf("%w (%d stored): nothing marked removed; check the fetched page (blocked, redesigned or cut off)", ErrSuspectPage, active)
	}
	firstRun := len(existing) == 0
	// Draw ids only grow (AUTOINCREMENT), so this tells draws stored before
	// this apply from the ones it adds.
	var lastDrawBefore int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM draws`).Scan(&lastDrawBefore); err != nil {
		return res, err
	}

	var pending []pendingChange
	var newDraws []int64
	seen := map[string]bool{}
	for _, id := range page.Skipped {
		seen[id] = true // on the page but unreadable: what the store holds stays
	}
	for _, a := range uniqueIDs(page.Announcements) {
		seen[a.ID] = true
		if a.Hash == "" {
			a.Hash = drawwatch.ContentHash(a.Text)
		}
		old, ok := existing[a.ID]
		switch {
		case !ok:
			row, err := insertAnnouncement(ctx, tx, url, page.Kind, a, now)
			if err != nil {
				return res, fmt.Errorf("store announcement %s: %w", a.ID, err)
			}
			ids, err := syncDraws(ctx, tx, row, page.Kind, a.Draws, now)
			if err != nil {
				return res, fmt.Errorf("store draws of %s: %w", a.ID, err)
			}
			newDraws = append(newDraws, ids...)
			if firstRun && !withinBacklog(a, opt.Now, opt.BacklogDays) {
				continue
			}
			p := pendingChange{change: drawwatch.Change{Type: drawwatch.ChangeNew, Announcement: a, DetectedAt: opt.Now}, event: drawwatch.EventNew, annRow: row}
			if a.Kind != drawwatch.KindDraw {
				p.event = drawwatch.EventNews
			}
			if isTablePage(string(page.Kind)) && len(ids) == 1 {
				p.tableDraw = ids[0]
			}
			pending = append(pending, p)

		case old.hash == a.Hash:
			if _, err := tx.ExecContext(ctx, `UPDATE announcements SET last_seen = ?, removed_at = NULL WHERE id = ?`, now, old.row); err != nil {
				return res, fmt.Errorf("update announcement %s: %w", a.ID, err)
			}
			if old.removedAt.Valid {
				// Back as it was: worth a line in the result, not an alert.
				pending = append(pending, pendingChange{change: drawwatch.Change{
					Type: drawwatch.ChangeChanged, Announcement: a, DetectedAt: opt.Now,
					Fields: []drawwatch.FieldChange{{Field: "removed", Old: fromNanos(old.removedAt.Int64).Format(time.RFC3339), New: ""}},
				}})
			}

		default:
			prev, err := currentVersion(ctx, tx, old.row)
			if err != nil {
				return res, fmt.Errorf("read stored version of %s: %w", a.ID, err)
			}
			fields := diffAnnouncements(prev, a)
			if old.removedAt.Valid {
				fields = append(fields, drawwatch.FieldChange{Field: "removed", Old: fromNanos(old.removedAt.Int64).Format(time.RFC3339)})
			}
			if err := updateAnnouncement(ctx, tx, old.row, a, fields, now); err != nil {
				return res, fmt.Errorf("update announcement %s: %w", a.ID, err)
			}
			before, err := storedDrawIDs(ctx, tx, old.row)
			if err != nil {
				return res, err
			}
			existed := make(map[int64]bool, len(before))
			for _, id := range before {
				existed[id] = true
			}
			ids, err := syncDraws(ctx, tx, old.row, page.Kind, a.Draws, now)
			if err != nil {
				return res, fmt.Errorf("store draws of %s: %w", a.ID, err)
			}
			for _, id := range ids {
				if !existed[id] {
					newDraws = append(newDraws, id)
				}
			}
			pending = append(pending, pendingChange{
				change: drawwatch.Change{Type: drawwatch.ChangeChanged, Announcement: a, Fields: fields, DetectedAt: opt.Now},
				event:  drawwatch.EventChanged,
				annRow: old.row,
			})
		}
	}
	linked, unmerged, err := s.linkDraws(ctx, tx, newDraws, func(id int64) bool { return id <= lastDrawBefore })
	if err != nil {
		return res, fmt.Errorf("merge table rows with updates draws: %w", err)
	}
	res.Unmerged = unmerged

	// Announcements gone from the page. A cut-off page says nothing about
	// what came after the cut.
	if !page.Truncated {
		for id, a := range existing {
			if seen[id] || a.removedAt.Valid {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE announcements SET removed_at = ? WHERE id = ?`, now, a.row); err != nil {
				return res, fmt.Errorf("mark %s removed: %w", id, err)
			}
			last, err := currentVersion(ctx, tx, a.row)
			if err != nil {
				return res, fmt.Errorf("read stored version of %s: %w", id, err)
			}
			pending = append(pending, pendingChange{change: drawwatch.Change{Type: drawwatch.ChangeRemoved, Announcement: last, DetectedAt: opt.Now}})
		}
	}

	queue := func(ev drawwatch.Event, dedupe, thread string) error {
		for _, target := range opt.Route(ev) {
			_, queued, err := enqueue(ctx, tx, target, ev, target+"|"+dedupe, thread, opt.Now)
			if err != nil {
				return fmt.Errorf("queue %s alert for %s: %w", ev.Type, target, err)
			}
			if queued {
				res.Alerts++
			}
		}
		return nil
	}
	var fills tableFills
	var unreadable []drawwatch.Announcement // alerted announcements with sentences the parser could not read
	for _, p := range pending {
		if p.tableDraw != 0 && linked[p.tableDraw] {
			// A table row confirming a draw the updates page already
			// announced is not news in itself; what it adds to that draw
			// (count, profile window) is, below.
			if err := fills.add(ctx, tx, p.tableDraw, p.change.Announcement); err != nil {
				return res, fmt.Errorf("merge table row %s into its updates draw: %w", p.change.Announcement.ID, err)
			}
			continue
		}
		res.Changes = append(res.Changes, p.change)
		if p.event == "" || opt.Route == nil {
			continue
		}
		a := p.change.Announcement
		if p.annRow != 0 && !isTablePage(string(page.Kind)) && (p.event == drawwatch.EventNew || p.event == drawwatch.EventChanged) {
			// The alert shows the draws as merged with their table rows.
			if a.Draws, err = mergeLinked(ctx, tx, p.annRow, a.Draws); err != nil {
				return res, fmt.Errorf("merge table rows into %s: %w", a.ID, err)
			}
		}
		ev := drawwatch.Event{Type: p.event, Announcement: &a, Fields: p.change.Fields, DetectedAt: opt.Now}
		if ev.Previous, err = previousDraws(ctx, tx, a.Draws); err != nil {
			return res, fmt.Errorf("find previous draws of %s: %w", a.ID, err)
		}
		if err := queue(ev, url+"|"+a.ID+"|"+a.Hash+"|"+string(ev.Type), threadKey(url, a.ID)); err != nil {
			return res, err
		}
		if len(a.Unparsed) > 0 {
			unreadable = append(unreadable, a)
		}
	}
	// one ops alert per page change names what needs a parser update
	if ev, dedupe, ok := unparsedOpsEvent(opt.Source, url, unreadable, opt.Now); ok {
		if err := queue(ev, dedupe, ""); err != nil {
			return res, err
		}
	}
	for _, f := range fills.list {
		if len(f.fields) == 0 {
			continue // the table only confirms what the updates page said
		}
		a, err := currentVersion(ctx, tx, f.annRow)
		if err != nil {
			return res, fmt.Errorf("read stored version of %s: %w", f.annID, err)
		}
		if a.Draws, err = mergeLinked(ctx, tx, f.annRow, a.Draws); err != nil {
			return res, fmt.Errorf("merge table rows into %s: %w", f.annID, err)
		}
		c := drawwatch.Change{Type: drawwatch.ChangeChanged, Announcement: a, Fields: f.fields, DetectedAt: opt.Now}
		res.Changes = append(res.Changes, c)
		if opt.Route == nil {
			continue
		}
		ev := drawwatch.Event{Type: drawwatch.EventChanged, Announcement: &a, Fields: f.fields, DetectedAt: opt.Now}
		if ev.Previous, err = previousDraws(ctx, tx, a.Draws); err != nil {
			return res, fmt.Errorf("find previous draws of %s: %w", a.ID, err)
		}
		// Keyed by the table rows that brought the data, so re-applying
		// either page never queues it again.
		dedupe := url + "|" + strings.Join(f.sources, ",") + "|merged|" + f.url + "|" + f.annID + "|" + string(ev.Type)
		if err := queue(ev, dedupe, threadKey(f.url, f.annID)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// uniqueIDs makes announcement IDs unique within the page: a parser can
// derive one ID twice (same posted date and title), and the second must not
// overwrite the first.
func uniqueIDs(in []drawwatch.Announcement) []drawwatch.Announcement {
	out := make([]drawwatch.Announcement, len(in))
	seen := make(map[string]int, len(in))
	for i, a := range in {
		seen[a.ID]++
		if n := seen[a.ID]; n > 1 {
			slog.Warn("duplicate announcement id on page", "id", a.ID, "title", a.Title, "stored_as", a.ID+"-"+strconv.Itoa(n))
			a.ID += "-" + strconv.Itoa(n)
		}
		out[i] = a
	}
	return out
}

// withinBacklog reports whether a was posted or drawn within days of now.
// An announcement with no date at all is not: on a first run it is history.
func withinBacklog(a drawwatch.Announcement, now time.Time, days int) bool {
	cutoff := now.AddDate(0, 0, -days).Format(time.DateOnly)
	dates := []string{a.Posted}
	for _, d := range a.Draws {
		dates = append(dates, d.Date)
	}
	for _, d := range dates {
		if len(d) >= len(time.DateOnly) && d[:len(time.DateOnly)] >= cutoff {
			return true
		}
	}
	return false
}

func insertAnnouncement(ctx context.Context, tx *sql.Tx, url string, kind drawwatch.PageKind, a drawwatch.Announcement, now int64) (int64, error) {
	r, err := tx.ExecContext(ctx, `INSERT INTO announcements
		(page_url, page_kind, ann_id, kind, posted, title, anchor, source_url, hash, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		url, string(kind), a.ID, string(a.Kind), a.Posted, a.Title, a.Anchor, a.SourceURL, a.Hash, now, now)
	if err != nil {
		return 0, err
	}
	row, err := r.LastInsertId()
	if err != nil {
		return 0, err
	}
	return row, insertVersion(ctx, tx, row, a, nil, now)
}

func updateAnnouncement(ctx context.Context, tx *sql.Tx, row int64, a drawwatch.Announcement, fields []drawwatch.FieldChange, now int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE announcements SET kind = ?, posted = ?, title = ?, anchor = ?, source_url = ?,
		hash = ?, last_seen = ?, removed_at = NULL WHERE id = ?`,
		string(a.Kind), a.Posted, a.Title, a.Anchor, a.SourceURL, a.Hash, now, row); err != nil {
		return err
	}
	return insertVersion(ctx, tx, row, a, fields, now)
}

func insertVersion(ctx context.Context, tx *sql.Tx, row int64, a drawwatch.Announcement, fields []drawwatch.FieldChange, now int64) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if fields == nil {
		fields = []drawwatch.FieldChange{}
	}
	fj, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO announcement_versions (announcement_id, hash, text, json, fields, seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`, row, a.Hash, a.Text, string(body), string(fj), now)
	return err
}

func currentVersion(ctx context.Context, x execer, row int64) (drawwatch.Announcement, error) {
	var body string
	var a drawwatch.Announcement
	if err := x.QueryRowContext(ctx, `SELECT json FROM announcement_versions WHERE announcement_id = ? ORDER BY id DESC LIMIT 1`, row).Scan(&body); err != nil {
		return a, err
	}
	err := json.Unmarshal([]byte(body), &a)
	return a, err
}

// storedDrawIDs maps the draw keys of an announcement to their rows.
func storedDrawIDs(ctx context.Context, x execer, annRow int64) (map[string]int64, error) {
	return idsByKey(ctx, x, `SELECT draw_key, id FROM draws WHERE announcement_id = ?`, annRow)
}

// syncDraws makes the stored draws of an announcement match draws, keeping
// the row (and its links) of every draw whose key stays, and returns the
// ids in page order. Draws gone from the announcement are deleted: their
// history lives in announcement_versions.
func syncDraws(ctx context.Context, tx *sql.Tx, annRow int64, kind drawwatch.PageKind, draws []drawwatch.Draw, now int64) ([]int64, error) {
	keys := drawKeys(draws)
	stored, err := storedDrawIDs(ctx, tx, annRow)
	if err != nil {
		return nil, err
	}

	ids := make([]int64, len(draws))
	for i, d := range draws {
		nocs, err := json.Marshal(d.NOCs)
		if err != nil {
			return nil, err
		}
		if d.NOCs == nil {
			nocs = []byte("[]")
		}
		ee, err := eeColumns(d)
		if err != nil {
			return nil, err
		}
		args := append([]any{d.Program, string(d.Stream), d.StreamName, d.Category, drawwatch.Slug(d.Category), d.Date, d.Invitation,
			d.ScoreKind, nullInt(d.ScoreMin), nullInt(d.ScoreMax), nullInt(d.Invitations), d.ProfilesFrom, d.ProfilesTo,
			string(nocs), d.Deadline, d.Notes, d.SourceURL}, ee...)
		if id, ok := stored[keys[i]]; ok {
			if _, err := tx.ExecContext(ctx, `UPDATE draws SET program = ?, stream = ?, stream_name = ?, category = ?,
				category_slug = ?, date = ?, invitation = ?, score_kind = ?, score_min = ?, score_max = ?, invitations = ?,
				profiles_from = ?, profiles_to = ?, nocs = ?, deadline = ?, notes = ?, source_url = ?,
				round = ?, tie_break = ?, programs_included = ?, distribution = ? WHERE id = ?`,
				append(args, id)...); err != nil {
				return nil, err
			}
			ids[i] = id
			delete(stored, keys[i])
			continue
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO draws (announcement_id, page_kind, draw_key, program, stream, stream_name,
			category, category_slug, date, invitation, score_kind, score_min, score_max, invitations, profiles_from,
			profiles_to, nocs, deadline, notes, source_url, round, tie_break, programs_included, distribution, first_seen)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(append([]any{annRow, string(kind), keys[i]}, args...), now)...)
		if err != nil {
			return nil, err
		}
		if ids[i], err = r.LastInsertId(); err != nil {
			return nil, err
		}
	}
	for _, id := range stored {
		if _, err := tx.ExecContext(ctx, `DELETE FROM draws WHERE id = ?`, id); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// previousDraws finds, per draw, the latest earlier draw of the same
// program, stream and category, as the merged view shows it.
func previousDraws(ctx context.Context, x execer, draws []drawwatch.Draw) ([]*drawwatch.Draw, error) {
	if len(draws) == 0 {
		return nil, nil
	}
	out := make([]*drawwatch.Draw, len(draws))
	for i, d := range draws {
		if d.Date == "" {
			continue
		}
		rows, err := x.QueryContext(ctx, `SELECT `+drawRowColumns+drawRowFrom+`WHERE d.program = ? AND d.stream = ? AND d.category_slug = ?
			AND d.date != '' AND d.date < ? AND d.merged_into IS NULL AND a.removed_at IS NULL
			ORDER BY d.date DESC, d.id DESC LIMIT 1`, d.ProgramOf(), string(d.Stream), drawwatch.Slug(d.Category), d.Date)
		if err != nil {
			return nil, err
		}
		rs, err := scanDrawRows(rows)
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 {
			continue
		}
		prev, err := withPartner(ctx, x, rs[0])
		if err != nil {
			return nil, err
		}
		out[i] = &prev
	}
	return out, nil
}

// withPartner is r's draw merged with the table row linked to it, if any.
func withPartner(ctx context.Context, x execer, r drawRow) (drawwatch.Draw, error) {
	rows, err := x.QueryContext(ctx, `SELECT `+drawRowColumns+drawRowFrom+`WHERE d.merged_into = ?`, r.id)
	if err != nil {
		return r.draw, err
	}
	rs, err := scanDrawRows(rows)
	if err != nil || len(rs) == 0 {
		return r.draw, err
	}
	return mergeDraws(r.draw, rs[0].draw), nil
}
