package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// TestMigrationKeepsOINPStores opens a store written before EE rounds
// existed (schema 001, a draw with no program, as early versions wrote
// them): it migrates, the draw reads as OINP, and EE rounds sit beside it.
func TestMigrationKeepsOINPStores(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		all[0].sql,
		`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_version VALUES (1, 'init', 1)`,
		`INSERT INTO announcements (id, page_url, page_kind, ann_id, kind, posted, title, hash, first_seen, last_seen)
			VALUES (1, 'https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates', 'updates', 'february6-0', 'draw', '2024-02-06', 'HCP health', 'h', 1, 1)`,
		`INSERT INTO announcement_versions (announcement_id, hash, text, json, seen_at) VALUES (1, 'h', 't', '{"id":"february6-0"}', 1)`,
		`INSERT INTO draws (announcement_id, page_kind, draw_key, stream, category, category_slug, date, score_kind, score_min, score_max, first_seen)
			VALUES (1, 'updates', '2024-02-06|hcp|health', 'hcp', 'Health occupations', 'health-occupations', '2024-02-06', 'CRS', 379, 430, 1)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("build a schema-1 store: %v", err)
		}
	}
	db.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open an old store: %v", err)
	}
	defer st.Close()
	oinp, err := st.Draws(ctx, DrawFilter{Program: "OINP"})
	if err != nil || len(oinp) != 1 || oinp[0].Program != drawwatch.ProgramOINP || *oinp[0].ScoreMin != 379 || oinp[0].Round != "" || oinp[0].Distribution != nil {
		t.Fatalf("old OINP draw after migration: %+v, %v", oinp, err)
	}

	round := drawwatch.Draw{Program: drawwatch.ProgramEE, Round: "434", Category: "transport", Date: "2026-08-07", Invitation: "ITA", ScoreKind: "CRS",
		ScoreMin: intp(470), Invitations: intp(300), TieBreak: "2025-10-11T14:55:49Z", ProgramsIncluded: []string{"Canadian Experience Class"},
		Distribution: &drawwatch.PoolDistribution{AsOf: "2026-08-03", Total: 10, Bands: []drawwatch.PoolBand{{Min: 0, Max: 1200, Count: 10}}}}
	page := &drawwatch.Page{Kind: drawwatch.PageEERounds, URL: "https://www.canada.ca/ee.json", Announcements: []drawwatch.Announcement{{
		ID: "round-434", Posted: "2026-08-07", Title: "Express Entry #434 — Transport occupations", Kind: drawwatch.KindDraw, Text: "r434",
		Draws: []drawwatch.Draw{round}}}}
	if _, err := st.Apply(ctx, page, ApplyOptions{Source: "ee-rounds", Now: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	ee, err := st.Draws(ctx, DrawFilter{Program: "ee"})
	if err != nil || len(ee) != 1 {
		t.Fatalf("EE draws: %+v, %v", ee, err)
	}
	got := ee[0].Draw
	if got.Round != "434" || got.TieBreak != round.TieBreak || len(got.ProgramsIncluded) != 1 || got.Distribution == nil || got.Distribution.Total != 10 {
		t.Errorf("EE round read back: %+v", got)
	}
	if every, _ := st.Draws(ctx, DrawFilter{}); len(every) != 2 {
		t.Errorf("every program: %d draws, want 2", len(every))
	}
}
func intp(n int) *int { return &n }
