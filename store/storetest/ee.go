package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// eeRound is one Express Entry round announcement as the EE parser makes it.
func eeRound(n, date, category string, crs, size int) drawwatch.Announcement {
	d := drawwatch.Draw{Program: drawwatch.ProgramEE, Round: n, Category: category, Date: date, Invitation: "ITA", ScoreKind: "CRS",
		ScoreMin: &crs, Invitations: &size, TieBreak: "2025-10-11T14:55:49Z", ProgramsIncluded: []string{"Canadian Experience Class"},
		Distribution: &drawwatch.PoolDistribution{AsOf: date, Total: 3, Bands: []drawwatch.PoolBand{
			{Min: 451, Max: 1200, Count: 2, Parts: []drawwatch.PoolBand{{Min: 451, Max: 460, Count: 2}}}, {Min: 0, Max: 450, Count: 1}}}}
	a := drawwatch.Announcement{ID: "round-" + n, Posted: date, Title: "Express Entry #" + n, Kind: drawwatch.KindDraw, Draws: []drawwatch.Draw{d}}
	a.Text = a.Title + " " + category + " " + date
	if crs != 0 {
		a.Text += " CRS " + string(rune('0'+crs%10))
	}
	a.Hash = drawwatch.ContentHash(a.Text)
	return a
}

func eePage(rounds ...drawwatch.Announcement) *drawwatch.Page {
	return &drawwatch.Page{Kind: drawwatch.PageEERounds, URL: "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json", Announcements: rounds}
}

// testEERounds: EE rounds keep their round fields, filter by program, are
// corrected field by field, compare with the previous round of their own
// kind only, and a round the parser skipped stays as stored.
func testEERounds(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	opt := store.ApplyOptions{Source: "ee-rounds", Now: now, BacklogDays: 7, Route: ToAll("ops")}
	oinp := LoadPage(t, "updates-2024.json")
	MustApply(t, s, oinp, store.ApplyOptions{Source: "oinp-2024", Now: Spring2024, BacklogDays: 0})

	r433, r434 := eeRound("433", "2026-08-06", "transport", 455, 500), eeRound("434", "2026-08-07", "transport", 470, 300)
	if res := MustApply(t, s, eePage(r434, r433), opt); res.Alerts != 0 {
		t.Errorf("first read of rounds older than the backlog: %d alerts", res.Alerts)
	}
	ee, err := s.Draws(ctx, store.DrawFilter{Program: "EE"})
	if err != nil || len(ee) != 2 {
		t.Fatalf("EE draws: %d, %v", len(ee), err)
	}
	d := ee[0].Draw
	if d.Round != "434" || d.TieBreak != "2025-10-11T14:55:49Z" || len(d.ProgramsIncluded) != 1 || d.Distribution == nil ||
		len(d.Distribution.Bands) != 2 || len(d.Distribution.Bands[0].Parts) != 1 {
		t.Errorf("round 434 read back: %+v", d)
	}
	if o, err := s.Draws(ctx, store.DrawFilter{Program: "OINP", Kind: drawwatch.KindDraw}); err != nil || len(o) == 0 {
		t.Errorf("OINP draws: %d, %v", len(o), err)
	} else {
		for _, x := range o {
			if x.ProgramOf() != drawwatch.ProgramOINP {
				t.Errorf("program OINP filter returned %+v", x.Draw)
			}
		}
	}

	r435 := eeRound("435", "2026-08-30", "transport", 480, 250)
	opt.Now = now.Add(time.Hour)
	if res := MustApply(t, s, eePage(r435, r434, r433), opt); res.Alerts != 1 {
		t.Fatalf("one more round: %d alerts, want 1", res.Alerts)
	}
	alerts, err := s.Alerts(ctx)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts %d, %v", len(alerts), err)
	}
	if prev := alerts[0].Event.Previous; len(prev) != 1 || prev[0] == nil || prev[0].Round != "434" {
		t.Errorf("previous round of round 435: %+v", prev)
	}

	fixed := eeRound("434", "2026-08-07", "transport", 471, 300)
	opt.Now = now.Add(2 * time.Hour)
	res := MustApply(t, s, eePage(r435, fixed, r433), opt)
	if len(res.Changes) != 1 || len(res.Changes[0].Fields) != 1 || res.Changes[0].Fields[0] != (drawwatch.FieldChange{Field: "round-434.score_min", Old: "470", New: "471"}) {
		t.Errorf("correction: %+v", res.Changes)
	}

	skipped := eePage(r435, r433)
	skipped.Skipped = []string{"round-434"}
	opt.Now = now.Add(3 * time.Hour)
	if res := MustApply(t, s, skipped, opt); len(res.Changes) != 0 {
		t.Errorf("a skipped round changed the store: %+v", res.Changes)
	}
	if ee, _ := s.Draws(ctx, store.DrawFilter{Program: "EE"}); len(ee) != 3 || *ee[1].ScoreMin != 471 {
		t.Errorf("after a skipped round: %d rounds, %+v", len(ee), ee)
	}
}
