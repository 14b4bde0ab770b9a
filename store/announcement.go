package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/engine"
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
	// MaxPerChange caps the alerts one page change queues: above it, one
	// summary per target and an ops alert. Zero: no cap.
	MaxPerChange int
	// Pass is the start of the watch pass this page is read in. When set,
	// the alerts queued are held until ReleasePass, so that a page read
	// later in the same pass (the table after the updates page) folds into
	// them instead of alerting again.
	Pass time.Time
}

// Result is what one Apply found.
type Result struct {
	Changes  []drawwatch.Change
	Alerts   int      // alerts queued
	Unmerged []string // ambiguous table-row/updates-draw matches left apart
}

// Apply merges a parsed page into the store: it loads what the store holds
// for the page, lets the engine decide the changes, links and alerts, and
// writes them with their outbox rows in one transaction.
func (s *Store) Apply(ctx context.Context, page *drawwatch.Page, opt ApplyOptions) (Result, error) {
	if page == nil {
		return Result{}, errors.New("apply page: nil page")
	}
	if opt.Now.IsZero() {
		opt.Now = s.now()
	}
	p := engine.Prepare(page)
	for _, w := range p.Warnings {
		slog.Warn("page needs attention", "source", opt.Source, "url", p.URL, "detail", w)
	}
	what := fmt.Sprintf("apply %s page %s", opt.Source, p.URL)

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Result{}, s.wrap(what, err)
	}
	defer tx.Rollback()
	if err := s.checkLease(ctx, tx); err != nil {
		return Result{}, fmt.Errorf("%s: %w", what, err)
	}

	st, err := s.loadState(ctx, tx, p, !opt.Pass.IsZero())
	if err != nil {
		return Result{}, s.wrap(what+": load stored state", err)
	}
	plan, err := engine.Compute(p, st, engine.Options{Source: opt.Source, Now: opt.Now, BacklogDays: opt.BacklogDays,
		Route: opt.Route, MaxPerChange: opt.MaxPerChange})
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", what, err)
	}
	for _, u := range plan.Unmerged {
		slog.Warn("draw left unmerged: ambiguous match", "store", s.path, "detail", u)
	}
	res := Result{Changes: plan.Changes, Unmerged: plan.Unmerged}
	if res.Alerts, err = s.persist(ctx, tx, p, plan, opt); err != nil {
		return Result{}, s.wrap(what, err)
	}
	if opt.DryRun {
		return res, nil // the deferred rollback discards everything
	}
	if err := tx.Commit(); err != nil {
		return Result{}, s.wrap(what, err)
	}
	slog.Debug("applied page", "source", opt.Source, "url", p.URL, "announcements", len(p.Announcements),
		"changes", len(res.Changes), "alerts", res.Alerts)
	return res, nil
}

// loadState reads what the engine needs to decide p: the page's rows, and
// when anything on it is new or changed the draws around it.
func (s *Store) loadState(ctx context.Context, tx *sql.Tx, p engine.Page, inPass bool) (engine.State, error) {
	st := engine.State{Announcements: map[string]engine.StoredAnnouncement{}}
	rows, err := tx.QueryContext(ctx, `SELECT id, ann_id, hash, removed_at FROM announcements WHERE page_url = ?`, p.URL)
	if err != nil {
		return st, err
	}
	byRow := map[int64]string{}
	for rows.Next() {
		var a engine.StoredAnnouncement
		var id string
		var removed sql.NullInt64
		if err := rows.Scan(&a.Row, &id, &a.Hash, &removed); err != nil {
			rows.Close()
			return st, err
		}
		if removed.Valid {
			a.RemovedAt = fromNanos(removed.Int64)
		}
		st.Announcements[id], byRow[a.Row] = a, id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	want := p.Wants(st.Announcements)
	versions, err := currentVersions(ctx, tx, want.Versions)
	if err != nil {
		return st, err
	}
	for row, v := range versions {
		a := st.Announcements[byRow[row]]
		a.Current = &v
		st.Announcements[byRow[row]] = a
	}
	if !want.Near {
		return st, nil
	}
	if st.Draws, st.Owners, err = loadNear(ctx, tx, p.URL, want); err != nil {
		return st, err
	}
	if inPass {
		st.Held, err = heldAlerts(ctx, tx)
	}
	return st, err
}
