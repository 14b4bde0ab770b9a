package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

const eeURL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"

// TestComputeEERewordedRounds: an EE round whose values are as stored but
// whose parser-written text and title changed (a drawwatch upgrade) is
// stored silently; a changed value is still a correction that alerts.
func TestComputeEERewordedRounds(t *testing.T) {
	round := func(text, title string, crs int) drawwatch.Announcement {
		a := ann("round-434", "2026-08-07", text, drawwatch.Draw{Program: drawwatch.ProgramEE, Round: "434", Category: "transport",
			Date: "2026-08-07", Invitation: "ITA", ScoreKind: "CRS", ScoreMin: n(crs), Invitations: n(300)})
		a.Title = title
		return a
	}
	storedRound := round("Express Entry round 434: 300 invitations, CRS 470", "Express Entry #434 — Transport occupations", 470)
	tests := []struct {
		name       string
		cur        drawwatch.Announcement
		wantEvents []drawwatch.EventType
		wantFields []drawwatch.FieldChange
	}{
		{"reworded text and title", round("Express Entry round 434 (transport): 300 ITAs; cut-off CRS 470", "Express Entry #434 — Transport", 470), nil, nil},
		{"cut-off revised", round("Express Entry round 434: 300 invitations, CRS 471", "Express Entry #434 — Transport occupations", 471),
			[]drawwatch.EventType{drawwatch.EventChanged}, []drawwatch.FieldChange{{Field: "round-434.score_min", Old: "470", New: "471"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Compute(page(drawwatch.PageEERounds, eeURL, tt.cur), State{Announcements: stored(storedRound)},
				Options{Now: now, BacklogDays: 7, Route: toAll("slack")})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]WriteKind{WriteUpdate}, kinds(plan.Writes)); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			var events []drawwatch.EventType
			var fields []drawwatch.FieldChange
			for _, a := range plan.Alerts {
				events = append(events, a.Event.Type)
				fields = append(fields, a.Event.Fields...)
			}
			if diff := cmp.Diff(tt.wantEvents, events); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if tt.wantEvents == nil && len(plan.Changes) != 0 {
				t.Errorf("a rewording is a change: %+v", plan.Changes)
			}
		})
	}
}
