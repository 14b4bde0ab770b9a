package notify

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

func eeEvent(category string, crs int) drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventNew, Announcement: &drawwatch.Announcement{
		ID: "round-434", Title: "Express Entry #434 — Transport occupations", Kind: drawwatch.KindDraw,
		Draws: []drawwatch.Draw{{Program: drawwatch.ProgramEE, Round: "434", Category: category, Date: "2026-08-07",
			Invitation: drawwatch.InvitationITA, ScoreKind: drawwatch.ScoreCRS, ScoreMin: intp(crs), Invitations: intp(300)}},
	}}
}

// TestRouterPrograms: EE rounds reach routes that ask for EE (by category
// slug and score) and routes with no filters; a route written for OINP
// before EE existed (streams, NOCs, categories, scores, no programs) keeps
// getting OINP draws only.
func TestRouterPrograms(t *testing.T) {
	routes := []Route{
		{Name: "ee-transport", Targets: []string{"transport"}, Programs: []string{"EE"}, Categories: []string{"transport"}},
		{Name: "ee-all", Targets: []string{"ee"}, Programs: []string{"ee"}},
		// Rounds a client at CRS 480 was invited in.
		{Name: "ee-480", Targets: []string{"ee-480"}, Programs: []string{"EE"}, MaxScore: intp(480)},
		{Name: "both-tech", Targets: []string{"both"}, Programs: []string{"OINP", "EE"}, Categories: []string{"tech", "transport"}},
		{Name: "oinp-health", Targets: []string{"oinp-health"}, Categories: []string{"health"}},
		{Name: "oinp-crs", Targets: []string{"oinp-crs"}, MinScore: intp(400)},
		{Name: "everything", Targets: []string{"all"}},
		{Name: "news", Targets: []string{"news"}, Kinds: []string{"news"}},
	}
	r, err := NewRouter(routes, []string{"transport", "ee", "ee-480", "both", "oinp-health", "oinp-crs", "all", "news"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ev   drawwatch.Event
		want []string
	}{
		{"EE transport round", eeEvent("transport", 470), []string{"transport", "ee", "ee-480", "both", "all"}},
		{"EE healthcare round, high CRS", eeEvent("healthcare", 510), []string{"ee", "all"}},
		{"OINP tech draw", techEvent(), []string{"both", "oinp-crs", "all"}},
		{"OINP news", drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{Kind: drawwatch.KindNews}}, []string{"all", "news"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, r.Targets(tt.ev)); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
		})
	}
}
