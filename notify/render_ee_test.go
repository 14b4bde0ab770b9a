package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// round434 is IRCC's round 434 as the EE parser reads it from the real
// rounds JSON (scraper.TestParseEERoundsRealDocument checks that reading).
func round434() drawwatch.Announcement {
	return drawwatch.Announcement{ID: "round-434", Posted: "2026-08-07", Title: "Express Entry #434 — Transport occupations", Kind: drawwatch.KindDraw,
		SourceURL: "https://www.canada.ca/en/immigration-refugees-citizenship/corporate/mandate/policies-operational-instructions-agreements/ministerial-instructions/express-entry-rounds/invitations.html?q=434",
		Draws: []drawwatch.Draw{{Program: drawwatch.ProgramEE, StreamName: "Transport Occupations, 2026-Version 2", Category: "transport",
			Date: "2026-08-07", Invitation: drawwatch.InvitationITA, ScoreKind: drawwatch.ScoreCRS, ScoreMin: intp(470), Invitations: intp(300),
			Round: "434", TieBreak: "2025-10-11T14:55:49Z",
			ProgramsIncluded: []string{"Federal Skilled Worker Program", "Canadian Experience Class", "Federal Skilled Trades Program"},
			Distribution: &drawwatch.PoolDistribution{AsOf: "2026-08-03", Total: 229100, Bands: []drawwatch.PoolBand{
				{Min: 601, Max: 1200, Count: 500}, {Min: 501, Max: 600, Count: 19705}, {Min: 451, Max: 500, Count: 73099},
				{Min: 401, Max: 450, Count: 60905}, {Min: 351, Max: 400, Count: 50107}, {Min: 301, Max: 350, Count: 17101}, {Min: 0, Max: 300, Count: 7683}}}}},
	}
}

func TestRenderEERound(t *testing.T) {
	an := round434()
	prev := drawwatch.Draw{Program: drawwatch.ProgramEE, Category: "transport", Round: "399", Date: "2026-02-19", ScoreKind: "CRS", ScoreMin: intp(452)}
	m := Render(drawwatch.Alert{Target: "t", Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an, Previous: []*drawwatch.Draw{&prev}}}, nil)
	if want := "Express Entry #434 — Transport occupations: 300 invitations, CRS 470, tie-break 11 Oct 2025 14:55 UTC"; m.Subject != want {
		t.Errorf("subject\n got %q\nwant %q", m.Subject, want)
	}
	for _, want := range []string{
		"Round date: 7 Aug 2026",
		"Invitations to apply: 300",
		"CRS cut-off: 470",
		"Tie-break: 11 Oct 2025 14:55 UTC",
		"Previous round of this kind: cut-off up 18 from 452 (#399, 19 Feb 2026, 169 days earlier)",
		"Round type: Transport Occupations, 2026-Version 2",
		"Programs: Federal Skilled Worker Program, Canadian Experience Class, Federal Skilled Trades Program",
		"Pool: 229,100 candidates, 93,304 at CRS 451 or more (as of 3 Aug 2026)",
		"Source: canada.ca",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "ontario.ca") || strings.Contains(m.HTML, ">ontario.ca<") {
		t.Errorf("an EE round names ontario.ca:\n%s", m.Text)
	}
}

func TestRenderEECorrection(t *testing.T) {
	an := round434()
	an.Draws[0].ScoreMin = intp(471)
	ev := drawwatch.Event{Type: drawwatch.EventChanged, Announcement: &an,
		Fields: []drawwatch.FieldChange{{Field: "round-434.score_min", Old: "470", New: "471"}}}
	m := Render(drawwatch.Alert{Target: "t", Event: ev}, nil)
	if want := "Updated: Express Entry #434 — Transport occupations: 300 invitations, CRS 471, tie-break 11 Oct 2025 14:55 UTC"; m.Subject != want {
		t.Errorf("subject\n got %q\nwant %q", m.Subject, want)
	}
	for _, want := range []string{"CRS cut-off: 471 (was 470)", "• CRS cut-off: 470 → 471"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("correction text lacks %q:\n%s", want, m.Text)
		}
	}
}

func TestRenderWarning(t *testing.T) {
	ev := drawwatch.Event{Type: drawwatch.EventWarning, Source: "ee-rounds", DetectedAt: time.Date(2026, 9, 3, 14, 0, 0, 0, time.UTC),
		Message: `ee-rounds was read and stored, with this warning: round 436: round name "Aviation occupations (Version 1)" is not in drawwatch's Express Entry categories`}
	m := Render(drawwatch.Alert{Target: "ops", Event: ev}, nil)
	if m.Subject != "drawwatch: ee-rounds read with a warning" || !strings.Contains(m.Text, "Aviation occupations") {
		t.Errorf("warning alert: %q\n%s", m.Subject, m.Text)
	}
}

// eeRound434Event is round 434's alert, or its correction (CRS 470 → 471),
// with the previous transport round, for the golden files.
func eeRound434Event(corrected bool) drawwatch.Event {
	an := round434()
	prev := drawwatch.Draw{Program: drawwatch.ProgramEE, Category: "transport", Round: "399", Date: "2026-02-19", ScoreKind: "CRS", ScoreMin: intp(452)}
	ev := drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an, Previous: []*drawwatch.Draw{&prev},
		DetectedAt: time.Date(2026, 8, 7, 10, 20, 0, 0, time.UTC)}
	if corrected {
		an.Draws[0].ScoreMin = intp(471)
		ev.Type = drawwatch.EventChanged
		ev.Fields = []drawwatch.FieldChange{{Field: "round-434.score_min", Old: "470", New: "471"}}
	}
	return ev
}

func TestEEComparePrevious(t *testing.T) {
	cur := drawwatch.Draw{Program: "EE", Round: "434", Date: "2026-08-07", ScoreMin: intp(470)}
	tests := []struct {
		prev *drawwatch.Draw
		want string
	}{
		{nil, ""},
		{&drawwatch.Draw{Round: "433", Date: "2026-08-06", ScoreMin: intp(481)}, "cut-off down 11 from 481 (#433, 6 Aug 2026, 1 day earlier)"},
		{&drawwatch.Draw{Round: "430", Date: "2026-07-07", ScoreMin: intp(470)}, "cut-off unchanged at 470 (#430, 7 Jul 2026, 31 days earlier)"},
		{&drawwatch.Draw{Round: "429"}, "round (#429)"},
	}
	for _, tt := range tests {
		if got := eeComparePrevious(cur, tt.prev); got != tt.want {
			t.Errorf("eeComparePrevious(%+v) = %q, want %q", tt.prev, got, tt.want)
		}
	}
}
