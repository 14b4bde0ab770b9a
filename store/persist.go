package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/engine"
)

// passHold bounds how long alerts of a pass stay held when the pass never
// releases them (the process died mid-pass): then they go out on their own.
const passHold = 15 * time.Minute

// writer persists one plan inside the apply transaction. Its statements
// are prepared on first use and reused, so a page of thousands of
// announcements is written in seconds rather than holding the database for
// a minute.
type writer struct {
	tx      *sql.Tx
	page    engine.Page
	now     int64
	stmts   map[string]*sql.Stmt
	drawIDs map[string]map[string]int64 // announcement ID -> draw key -> row
}

// ExecContext runs query as a prepared statement, prepared once per
// transaction; with QueryContext and QueryRowContext it makes the writer an
// execer for the outbox's enqueue.
func (w *writer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := w.stmts[query]
	if !ok {
		var err error
		if st, err = w.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		w.stmts[query] = st
	}
	return st, nil
}

// insertID runs a prepared INSERT ... RETURNING id: LastInsertId is
// SQLite's alone, RETURNING works on both backends.
func (w *writer) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	st, err := w.prepared(ctx, query)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowContext(ctx, args...).Scan(&id)
	return id, err
}

func (w *writer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return w.tx.QueryContext(ctx, query, args...)
}

func (w *writer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return w.tx.QueryRowContext(ctx, query, args...)
}

func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

const (
	insertAnnouncementSQL = `INSERT INTO announcements
		(page_url, page_kind, ann_id, kind, posted, title, anchor, source_url, hash, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	insertVersionSQL = `INSERT INTO announcement_versions (announcement_id, hash, text, json, fields, seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	insertDrawSQL = `INSERT INTO draws (announcement_id, page_kind, draw_key, program, stream, stream_name,
		category, category_slug, date, invitation, score_kind, score_min, score_max, invitations, profiles_from,
		profiles_to, nocs, deadline, notes, source_url, round, tie_break, programs_included, distribution, first_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	updateDrawSQL = `UPDATE draws SET program = ?, stream = ?, stream_name = ?, category = ?,
		category_slug = ?, date = ?, invitation = ?, score_kind = ?, score_min = ?, score_max = ?, invitations = ?,
		profiles_from = ?, profiles_to = ?, nocs = ?, deadline = ?, notes = ?, source_url = ?,
		round = ?, tie_break = ?, programs_included = ?, distribution = ? WHERE id = ?`
	deleteDrawSQL = `DELETE FROM draws WHERE id = ?`
	seenSQL       = `UPDATE announcements SET last_seen = ?, removed_at = NULL WHERE id = ?`
)

func (s *Store) persist(ctx context.Context, tx *sql.Tx, p engine.Page, plan engine.Plan, opt ApplyOptions) (int, error) {
	w := &writer{tx: tx, page: p, now: toNanos(opt.Now), stmts: map[string]*sql.Stmt{}, drawIDs: map[string]map[string]int64{}}
	defer w.close()
	for _, wr := range plan.Writes {
		if err := w.write(ctx, wr); err != nil {
			return 0, err
		}
	}
	for _, l := range plan.Links {
		table, updates := w.resolve(l.Table), w.resolve(l.Updates)
		if _, err := tx.ExecContext(ctx, `UPDATE draws SET merged_into = ? WHERE id = ?`, updates, table); err != nil {
			return 0, fmt.Errorf("link table row %d to updates draw %d: %w", table, updates, err)
		}
	}
	if err := foldHeld(ctx, tx, plan); err != nil {
		return 0, err
	}
	return queueAlerts(ctx, w, plan.Alerts, opt)
}

func (w *writer) write(ctx context.Context, wr engine.Write) error {
	var a drawwatch.Announcement
	if wr.Announcement != nil {
		a = *wr.Announcement
	}
	switch wr.Kind {
	case engine.WriteInsert:
		row, err := w.insertID(ctx, insertAnnouncementSQL, w.page.URL, string(w.page.Kind), a.ID, string(a.Kind), a.Posted, a.Title, a.Anchor,
			a.SourceURL, a.Hash, w.now, w.now)
		if err != nil {
			return fmt.Errorf("store announcement %s: %w", a.ID, err)
		}
		return w.version(ctx, row, a, nil, false)
	case engine.WriteUpdate:
		if _, err := w.tx.ExecContext(ctx, `UPDATE announcements SET kind = ?, posted = ?, title = ?, anchor = ?, source_url = ?,
			hash = ?, last_seen = ?, removed_at = NULL WHERE id = ?`,
			string(a.Kind), a.Posted, a.Title, a.Anchor, a.SourceURL, a.Hash, w.now, wr.Row); err != nil {
			return fmt.Errorf("update announcement %s: %w", a.ID, err)
		}
		return w.version(ctx, wr.Row, a, wr.Fields, true)
	case engine.WriteTouch:
		if _, err := w.ExecContext(ctx, seenSQL, w.now, wr.Row); err != nil {
			return fmt.Errorf("update announcement row %d: %w", wr.Row, err)
		}
	case engine.WriteRemove:
		if _, err := w.tx.ExecContext(ctx, `UPDATE announcements SET removed_at = ? WHERE id = ?`, w.now, wr.Row); err != nil {
			return fmt.Errorf("mark announcement row %d removed: %w", wr.Row, err)
		}
	}
	return nil
}

// version stores a's content as the row's latest version and syncs its draws.
func (w *writer) version(ctx context.Context, row int64, a drawwatch.Announcement, fields []drawwatch.FieldChange, hadDraws bool) error {
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
	if _, err := w.ExecContext(ctx, insertVersionSQL, row, a.Hash, a.Text, string(body), string(fj), w.now); err != nil {
		return fmt.Errorf("store version of %s: %w", a.ID, err)
	}
	ids, err := w.syncDraws(ctx, row, a.Draws, hadDraws)
	if err != nil {
		return fmt.Errorf("store draws of %s: %w", a.ID, err)
	}
	w.drawIDs[a.ID] = ids
	return nil
}

// syncDraws makes the stored draws of an announcement match draws, keeping
// the row (and its links) of every draw whose key stays, and returns the
// rows by key. Draws gone from the announcement are deleted: their history
// lives in announcement_versions.
func (w *writer) syncDraws(ctx context.Context, annRow int64, draws []drawwatch.Draw, hadDraws bool) (map[string]int64, error) {
	keys := drawwatch.DrawKeys(draws)
	stored := map[string]int64{}
	var err error
	if hadDraws { // a new announcement has none yet
		if stored, err = idsByKey(ctx, w.tx, `SELECT draw_key, id FROM draws WHERE announcement_id = ?`, annRow); err != nil {
			return nil, err
		}
	}
	ids := make(map[string]int64, len(draws))
	for i, d := range draws {
		nocs := []byte("[]")
		if d.NOCs != nil {
			if nocs, err = json.Marshal(d.NOCs); err != nil {
				return nil, err
			}
		}
		ee, err := eeColumns(d)
		if err != nil {
			return nil, err
		}
		args := append([]any{d.Program, string(d.Stream), d.StreamName, d.Category, drawwatch.Slug(d.Category), d.Date, d.Invitation,
			d.ScoreKind, nullInt(d.ScoreMin), nullInt(d.ScoreMax), nullInt(d.Invitations), d.ProfilesFrom, d.ProfilesTo,
			string(nocs), d.Deadline, d.Notes, d.SourceURL}, ee...)
		if id, ok := stored[keys[i]]; ok {
			if _, err := w.ExecContext(ctx, updateDrawSQL, append(args, id)...); err != nil {
				return nil, err
			}
			ids[keys[i]] = id
			delete(stored, keys[i])
			continue
		}
		if ids[keys[i]], err = w.insertID(ctx, insertDrawSQL, append(append([]any{annRow, string(w.page.Kind), keys[i]}, args...), w.now)...); err != nil {
			return nil, err
		}
	}
	for _, id := range stored {
		if _, err := w.ExecContext(ctx, deleteDrawSQL, id); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// resolve is the row of a draw the plan names.
func (w *writer) resolve(r engine.DrawRef) int64 {
	if r.ID != 0 {
		return r.ID
	}
	return w.drawIDs[r.AnnID][r.Key]
}

// foldHeld applies the plan's changes to alerts held in this pass. They
// are never delivered while held, so no message goes out in between.
func foldHeld(ctx context.Context, tx *sql.Tx, plan engine.Plan) error {
	for _, id := range plan.Cancels {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND held_pass != 0 AND status = 'pending' AND attempts = 0`, id); err != nil {
			return fmt.Errorf("drop held alert %d: %w", id, err)
		}
	}
	for _, a := range plan.Amends {
		body, err := json.Marshal(a.Event)
		if err != nil {
			return fmt.Errorf("encode amended alert %d: %w", a.ID, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET event = ? WHERE id = ? AND held_pass != 0 AND status = 'pending' AND attempts = 0`,
			string(body), a.ID)
		if err != nil {
			return fmt.Errorf("amend held alert %d: %w", a.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			slog.Warn("held alert was released before a later page of its pass could complete it", "alert_id", a.ID)
		}
	}
	return nil
}

// queueAlerts queues the plan's alerts, held until the pass ends when the
// page is read in one, and says how many were new.
func queueAlerts(ctx context.Context, x execer, alerts []engine.Alert, opt ApplyOptions) (int, error) {
	queued := 0
	for _, a := range alerts {
		id, isNew, err := enqueue(ctx, x, a.Target, a.Event, a.Dedupe, a.Thread, opt.Now)
		if err != nil {
			return 0, fmt.Errorf("queue %s alert for %s: %w", a.Event.Type, a.Target, err)
		}
		if !isNew {
			continue
		}
		queued++
		if opt.Pass.IsZero() {
			continue
		}
		if _, err := x.ExecContext(ctx, `UPDATE outbox SET held_pass = ?, next_try = ? WHERE id = ?`,
			toNanos(opt.Pass), toNanos(opt.Now.Add(passHold)), id); err != nil {
			return 0, fmt.Errorf("hold %s alert for %s: %w", a.Event.Type, a.Target, err)
		}
	}
	return queued, nil
}

// heldAlerts lists the alerts held by a pass and not yet tried.
func heldAlerts(ctx context.Context, x execer) ([]engine.HeldAlert, error) {
	rows, err := x.QueryContext(ctx, `SELECT id, target, thread_key, event FROM outbox
		WHERE held_pass != 0 AND status = 'pending' AND attempts = 0 ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.HeldAlert
	for rows.Next() {
		var h engine.HeldAlert
		var body string
		if err := rows.Scan(&h.ID, &h.Target, &h.Thread, &body); err != nil {
			return nil, err
		}
		var ev drawwatch.Event
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return nil, fmt.Errorf("decode held alert %d: %w", h.ID, err)
		}
		h.Type, h.Fields, h.DetectedAt = ev.Type, ev.Fields, ev.DetectedAt
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReleasePass lets every alert held by a pass that started at or before
// pass go out, due when it was queued. The watch runner calls it when a
// pass ends.
func (s *Store) ReleasePass(ctx context.Context, pass time.Time) (int, error) {
	res, err := s.fencedExec(ctx, "release the alerts of a pass", `UPDATE outbox SET held_pass = 0, next_try = created_at
		WHERE held_pass != 0 AND held_pass <= ?`, toNanos(pass))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
