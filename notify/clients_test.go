package notify

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/match"
)

func clientRouting(t *testing.T) ClientRouting {
	t.Helper()
	router, err := NewRouter([]Route{
		{Name: "health", Targets: []string{"team"}, Streams: []string{"hcp"}},
		{Name: "partners", Targets: []string{"partners"}, HideClients: true},
	}, []string{"team", "partners", "ana", "ben", "cho"})
	if err != nil {
		t.Fatal(err)
	}
	ix := match.NewIndex([]drawwatch.Client{
		{ID: "A-102", Label: "Priya", NOCs: []string{"31301"}, CRS: intp(412), Owner: "ana"},
		{ID: "A-103", NOCs: []string{"31102"}, CRS: intp(390)},
		{ID: "B-7", Label: "Ahmed", NOCs: []string{"31301"}, Owner: "ben"}, // no CRS: possible
		{ID: "C-1", NOCs: []string{"31301"}, CRS: intp(300), Owner: "cho"}, // under the band
	})
	return ClientRouting{Router: router, Roster: func() *match.Index { return ix }}
}

func healthEvent() drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventNew, Announcement: &drawwatch.Announcement{
		ID: "february6-0", Title: "Human Capital Priorities stream: health occupations", Kind: drawwatch.KindDraw,
		SourceURL: "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates",
		Draws: []drawwatch.Draw{{Program: "OINP", Stream: drawwatch.StreamHCP, Date: "2024-02-06", ScoreKind: "CRS",
			ScoreMin: intp(379), ScoreMax: intp(430), NOCs: []drawwatch.NOC{{Code: "31100"}, {Code: "31102"}, {Code: "31301"}}}},
	}}
}

func TestClientRoutingOwners(t *testing.T) {
	cr := clientRouting(t)
	ev := healthEvent()
	got := cr.Targets(ev)
	if want := []string{"team", "partners", "ana", "ben"}; !slices.Equal(got, want) {
		t.Errorf("targets = %v, want %v (cho's client is under the band)", got, want)
	}
	news := drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{Kind: drawwatch.KindNews}}
	if got := cr.Targets(news); !slices.Equal(got, []string{"partners"}) {
		t.Errorf("news targets = %v", got)
	}
	if got := (ClientRouting{Router: cr.Router}).Targets(ev); !slices.Equal(got, []string{"team", "partners"}) {
		t.Errorf("without a roster targets = %v", got)
	}
	if got := (ClientRouting{Router: cr.Router, Roster: func() *match.Index { return nil }}).Targets(ev); len(got) != 2 {
		t.Errorf("with an empty roster func targets = %v", got)
	}
}

func TestClientRoutingVisibility(t *testing.T) {
	cr := clientRouting(t)
	ev := healthEvent()
	ids := func(target string) string {
		cm := cr.Clients(drawwatch.Alert{Target: target, Event: ev})
		if cm == nil {
			return ""
		}
		var out []string
		for _, m := range cm.Matches {
			out = append(out, m.ClientID)
		}
		for _, m := range cm.Possible {
			out = append(out, "?"+m.ClientID)
		}
		return strings.Join(out, " ")
	}
	for target, want := range map[string]string{
		"team":     "A-102 A-103 ?B-7", // a sharing route's target sees every match
		"partners": "",                 // clients = false
		"ana":      "A-102",            // an owner sees their own
		"ben":      "?B-7",
		"cho":      "",
	} {
		if got := ids(target); got != want {
			t.Errorf("%s sees %q, want %q", target, got, want)
		}
	}
}

func TestRenderListsMatchedClients(t *testing.T) {
	cr := clientRouting(t)
	a := drawwatch.Alert{Target: "team", Event: healthEvent()}
	a.Clients = cr.Clients(a)
	msg := Render(a, nil)
	for _, want := range []string{
		"2 of your clients match: A-102 Priya (31301, CRS 412), A-103 (31102, CRS 390)",
		"1 possible (check the file): B-7 Ahmed (31301, no CRS score on file)",
	} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msg.Text)
		}
		if !strings.Contains(msg.HTML, strings.SplitN(want, ": ", 2)[1]) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Index(msg.Text, "clients match") > strings.Index(msg.Text, "ontario.ca") {
		t.Errorf("clients come after the source line:\n%s", msg.Text)
	}
	if plain := Render(drawwatch.Alert{Target: "team", Event: healthEvent()}, nil); strings.Contains(plain.Text, "clients") {
		t.Errorf("an alert without a roster mentions clients:\n%s", plain.Text)
	}
}

type recordingNotifier struct{ got drawwatch.Alert }

func (r *recordingNotifier) Name() string { return "team" }
func (r *recordingNotifier) Send(_ context.Context, a drawwatch.Alert) (string, error) {
	r.got = a
	return "ref", nil
}

func TestWithClientsFillsAlert(t *testing.T) {
	cr := clientRouting(t)
	rec := &recordingNotifier{}
	n := WithClients(rec, cr.Clients)
	if n.Name() != "team" {
		t.Errorf("name = %q", n.Name())
	}
	if _, err := n.Send(context.Background(), drawwatch.Alert{Target: "team", Event: healthEvent()}); err != nil {
		t.Fatal(err)
	}
	if rec.got.Clients == nil || len(rec.got.Clients.Matches) != 2 {
		t.Errorf("alert sent with clients %+v", rec.got.Clients)
	}
}
