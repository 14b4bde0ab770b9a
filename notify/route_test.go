package notify

import (
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/google/go-cmp/cmp"
)

func techEvent() drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventNew, Announcement: &drawwatch.Announcement{
		Title: "Express Entry Human Capital Priorities stream: tech occupations invited",
		Draws: []drawwatch.Draw{{Stream: drawwatch.StreamHCP, Category: "Tech occupations", ScoreKind: "CRS", ScoreMin: intp(471), ScoreMax: intp(480),
			NOCs: []drawwatch.NOC{{Code: "21231", Title: "Software engineers and designers"}, {Code: "21232", Title: "Software developers and programmers"}}}},
	}}
}

func TestRouterTargets(t *testing.T) {
	routes := []Route{
		{Name: "health", Targets: []string{"health-slack"}, Streams: []string{"HCP"}, Categories: []string{"health"}},
		{Name: "tech", Targets: []string{"tech-slack"}, Categories: []string{"tech"}},
		{Name: "software", Targets: []string{"software-mail"}, NOCs: []string{"21231"}},
		{Name: "nurses", Targets: []string{"nurses-mail", "health-slack"}, NOCs: []string{"313*"}},
		{Name: "news-desk", Targets: []string{"news-mail"}, Kinds: []string{"news"}},
		{Name: "ops", Targets: []string{"ops-slack"}, Kinds: []string{"ops"}},
		{Name: "everything", Targets: []string{"all-mail"}},
		{Name: "low-crs", Targets: []string{"low-mail"}, MaxScore: intp(400)},
		{Name: "high-crs", Targets: []string{"high-mail"}, MinScore: intp(470), Streams: []string{"hcp"}},
	}
	targets := []string{"health-slack", "tech-slack", "software-mail", "nurses-mail", "news-mail", "ops-slack", "all-mail", "low-mail", "high-mail", "unused"}
	r, err := NewRouter(routes, targets)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ev   drawwatch.Event
		want []string
	}{
		// health draw: health route, nurses route (same target, once), the
		// unfiltered route and low-crs (379-430 overlaps <=400); not tech,
		// not the 21231 route, not high-crs (430 < 470).
		{"health draw", hcpFeb6Event(), []string{"health-slack", "nurses-mail", "all-mail", "low-mail"}},
		{"tech draw", techEvent(), []string{"tech-slack", "software-mail", "all-mail", "high-mail"}},
		{"changed health draw", changedEvent(), []string{"health-slack", "nurses-mail", "all-mail", "low-mail"}},
		{"news", newsEvent(), []string{"news-mail", "all-mail"}},
		{"ops", drawwatch.Event{Type: drawwatch.EventOps, Source: "oinp-tech"}, []string{"ops-slack"}},
		{"recovery", drawwatch.Event{Type: drawwatch.EventRecovery, Source: "oinp-tech"}, []string{"ops-slack"}},
		{"test", drawwatch.Event{Type: drawwatch.EventTest}, targets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, r.Targets(tt.ev)); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouterHighlight(t *testing.T) {
	r, err := NewRouter([]Route{
		{Name: "nurses", Targets: []string{"a"}, NOCs: []string{"313*"}},
		{Name: "lpn", Targets: []string{"a", "b"}, NOCs: []string{"32101", "313*"}},
		{Name: "dentists", Targets: []string{"b"}, NOCs: []string{"31110"}},
		{Name: "software", Targets: []string{"a"}, NOCs: []string{"21231"}},
	}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	ev := hcpFeb6Event()
	if diff := cmp.Diff([]string{"313*", "32101"}, r.Highlight(ev, "a")); diff != "" {
		t.Errorf("highlight a (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"32101", "313*", "31110"}, r.HighlightFor(drawwatch.Alert{Target: "b", Event: ev})); diff != "" {
		t.Errorf("highlight b (-want +got):\n%s", diff)
	}
}

func TestNewRouterErrors(t *testing.T) {
	tests := []struct {
		name  string
		route Route
		want  string
	}{
		{"unknown target", Route{Name: "r1", Targets: []string{"nope"}}, `route r1: unknown target "nope"`},
		{"no targets", Route{Name: "r2"}, "route r2: no targets"},
		{"bad kind", Route{Name: "r3", Targets: []string{"a"}, Kinds: []string{"drwa"}}, `route r3: unknown kind "drwa"`},
		{"bad noc", Route{Name: "r4", Targets: []string{"a"}, NOCs: []string{"3*1"}}, `route r4: bad NOC filter "3*1"`},
		{"bad band", Route{Name: "r5", Targets: []string{"a"}, MinScore: intp(500), MaxScore: intp(400)}, "route r5: min score 500 is above max score 400"},
		{"unnamed", Route{Targets: []string{"x"}}, `route #1: unknown target "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRouter([]Route{tt.route}, []string{"a"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
