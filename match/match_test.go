package match

import (
	"fmt"
	"testing"

	"github.com/drawwatch/drawwatch"
)

func ptr(n int) *int { return &n }

func nocs(codes ...string) []drawwatch.NOC {
	out := make([]drawwatch.NOC, len(codes))
	for i, c := range codes {
		out[i] = drawwatch.NOC{Code: c}
	}
	return out
}

// health is the 6 February 2024 kind of draw: HCP health occupations,
// CRS 379–430, a NOC list.
var health = drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamHCP, Date: "2024-02-06", ScoreKind: drawwatch.ScoreCRS,
	ScoreMin: ptr(379), ScoreMax: ptr(430), NOCs: nocs("31100", "31102", "31301")}

func TestClient(t *testing.T) {
	openBand := health
	openBand.ScoreMax = nil
	onlyMax := health
	onlyMax.ScoreMin = nil
	noList := health
	noList.NOCs = nil
	noBand := health
	noBand.ScoreMin, noBand.ScoreMax = nil, nil
	window := drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamMastersGraduate, ScoreKind: drawwatch.ScoreEOI,
		ScoreMin: ptr(50), ProfilesFrom: "2024-01-01", ProfilesTo: "2024-03-31"}
	ee := health
	ee.Program = "EE"
	eeRound := drawwatch.Draw{Program: "EE", Category: "healthcare", ScoreKind: drawwatch.ScoreCRS, ScoreMin: ptr(470)}
	unprogrammed := health
	unprogrammed.Program = ""

	nurse := drawwatch.Client{ID: "A-102", Label: "Priya", NOCs: []string{"31301"}, CRS: ptr(412)}
	withCRS := func(n int) drawwatch.Client { c := nurse; c.CRS = ptr(n); return c }
	grad := func(created string, eoi *int) drawwatch.Client {
		return drawwatch.Client{ID: "G-1", EOI: eoi, ProfileCreated: created}
	}
	tests := []struct {
		name     string
		client   drawwatch.Client
		draw     drawwatch.Draw
		want     bool // matches at all
		possible bool
		noc      string
	}{
		{"NOC in list, score inside", nurse, health, true, false, "31301"},
		{"NOC not in list", drawwatch.Client{ID: "x", NOCs: []string{"21231"}, CRS: ptr(412)}, health, false, false, ""},
		{"second of the client's NOCs in list", drawwatch.Client{ID: "x", NOCs: []string{"21231", "31102"}, CRS: ptr(400)}, health, true, false, "31102"},
		{"client without NOCs, draw with a list", drawwatch.Client{ID: "x", CRS: ptr(400)}, health, false, false, ""},
		{"draw without a NOC list matches any NOC", nurse, noList, true, false, ""},
		{"band minimum is inclusive", withCRS(379), health, true, false, "31301"},
		{"one below the minimum", withCRS(378), health, false, false, ""},
		{"band maximum is inclusive", withCRS(430), health, true, false, "31301"},
		{"one above the maximum", withCRS(431), health, false, false, ""},
		{"open-ended band: far above the minimum", withCRS(900), openBand, true, false, "31301"},
		{"open-ended band: below the minimum", withCRS(300), openBand, false, false, ""},
		{"maximum only: low score", withCRS(100), onlyMax, true, false, "31301"},
		{"maximum only: above", withCRS(431), onlyMax, false, false, ""},
		{"no band: any score", withCRS(1), noBand, true, false, "31301"},
		{"no band: no score needed", drawwatch.Client{ID: "x", NOCs: []string{"31301"}}, noBand, true, false, "31301"},
		{"missing CRS is possible", drawwatch.Client{ID: "x", NOCs: []string{"31301"}, EOI: ptr(60)}, health, true, true, "31301"},
		{"missing EOI is possible", grad("2024-02-01", nil), window, true, true, ""},
		{"stream among the client's", drawwatch.Client{ID: "x", Streams: []drawwatch.Stream{"fssw", "hcp"}, NOCs: []string{"31301"}, CRS: ptr(400)}, health, true, false, "31301"},
		{"stream not among the client's", drawwatch.Client{ID: "x", Streams: []drawwatch.Stream{"fssw"}, NOCs: []string{"31301"}, CRS: ptr(400)}, health, false, false, ""},
		{"program matches", drawwatch.Client{ID: "x", Program: "OINP", NOCs: []string{"31301"}, CRS: ptr(400)}, health, true, false, "31301"},
		{"program differs", drawwatch.Client{ID: "x", Program: "OINP", NOCs: []string{"31301"}, CRS: ptr(400)}, ee, false, false, ""},
		{"EE client, EE draw", drawwatch.Client{ID: "x", Program: "EE", NOCs: []string{"31301"}, CRS: ptr(400)}, ee, true, false, "31301"},
		{"EE round category among the client's streams", drawwatch.Client{ID: "x", Streams: []drawwatch.Stream{"healthcare"}, CRS: ptr(480)}, eeRound, true, false, ""},
		{"EE round category not among the client's", drawwatch.Client{ID: "x", Streams: []drawwatch.Stream{"stem"}, CRS: ptr(480)}, eeRound, false, false, ""},
		{"EE round below the cut-off", drawwatch.Client{ID: "x", Program: "EE", CRS: ptr(469)}, eeRound, false, false, ""},
		{"draw without a program is OINP", drawwatch.Client{ID: "x", Program: "OINP", NOCs: []string{"31301"}, CRS: ptr(400)}, unprogrammed, true, false, "31301"},
		{"profile window start is inclusive", grad("2024-01-01", ptr(50)), window, true, false, ""},
		{"profile window end is inclusive", grad("2024-03-31", ptr(50)), window, true, false, ""},
		{"profile a day before the window", grad("2023-12-31", ptr(60)), window, false, false, ""},
		{"profile a day after the window", grad("2024-04-01", ptr(60)), window, false, false, ""},
		{"no profile date with a window is possible", grad("", ptr(60)), window, true, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := NewIndex([]drawwatch.Client{tt.client})
			res := ix.Draw(tt.draw)
			got := len(res.Matches) + len(res.Possible)
			if got > 1 {
				t.Fatalf("one client listed %d times: %+v", got, res)
			}
			if (got == 1) != tt.want {
				t.Fatalf("matched = %v, want %v (%+v)", got == 1, tt.want, res)
			}
			if !tt.want {
				return
			}
			var m drawwatch.ClientMatch
			if len(res.Possible) == 1 {
				m = res.Possible[0]
			} else {
				m = res.Matches[0]
			}
			if m.Possible != tt.possible || (len(res.Possible) == 1) != tt.possible {
				t.Errorf("possible = %v (reason %q), want %v", m.Possible, m.Reason, tt.possible)
			}
			if tt.possible && m.Reason == "" {
				t.Error("a possible match must say why")
			}
			if m.NOC != tt.noc || m.ClientID != tt.client.ID {
				t.Errorf("match = %+v, want client %s NOC %q", m, tt.client.ID, tt.noc)
			}
		})
	}
}

func TestIndexKeepsRosterOrderAndScores(t *testing.T) {
	roster := []drawwatch.Client{
		{ID: "C-3", NOCs: []string{"31102"}, CRS: ptr(401)},
		{ID: "C-1", Label: "Priya", NOCs: []string{"31301", "31301"}, CRS: ptr(412)},
		{ID: "C-2", NOCs: []string{"31100"}},
		{ID: "C-4", NOCs: []string{"31100"}, CRS: ptr(500)},
	}
	res := NewIndex(roster).Draw(health)
	if len(res.Matches) != 2 || res.Matches[0].ClientID != "C-3" || res.Matches[1].ClientID != "C-1" {
		t.Fatalf("matches = %+v, want C-3 then C-1", res.Matches)
	}
	if m := res.Matches[1]; m.Label != "Priya" || m.ScoreKind != "CRS" || m.Score == nil || *m.Score != 412 {
		t.Errorf("C-1 = %+v", m)
	}
	if len(res.Possible) != 1 || res.Possible[0].ClientID != "C-2" {
		t.Errorf("possible = %+v, want C-2 alone", res.Possible)
	}
}

func TestAnnouncementListsEachClientOnceAndSureWins(t *testing.T) {
	other := health
	other.NOCs = nocs("21231")
	other.ScoreMin, other.ScoreMax = nil, nil
	an := &drawwatch.Announcement{Kind: drawwatch.KindDraw, Draws: []drawwatch.Draw{health, other, health}}
	roster := []drawwatch.Client{
		{ID: "both", NOCs: []string{"31301", "21231"}, Owner: "ana"}, // possible in draw 1, sure in draw 2
		{ID: "twice", NOCs: []string{"31301"}, CRS: ptr(400), Owner: "ben"},
	}
	res := NewIndex(roster).Announcement(an)
	if len(res.Matches) != 2 || len(res.Possible) != 0 {
		t.Fatalf("result = %+v, want two sure matches and nothing possible", res)
	}
	if got := res.Owners(); fmt.Sprint(got) != "[ben ana]" {
		t.Errorf("owners = %v", got)
	}
	if got := res.For("ana", false); got == nil || len(got.Matches) != 1 || got.Matches[0].ClientID != "both" {
		t.Errorf("owner ana sees %+v, want only her client", got)
	}
	if got := res.For("team", false); got != nil {
		t.Errorf("a target neither owner nor route target sees %+v", got)
	}
	if got := res.For("team", true); got == nil || len(got.Matches) != 2 {
		t.Errorf("a route target sees %+v, want both", got)
	}
	if news := NewIndex(roster).Announcement(&drawwatch.Announcement{Kind: drawwatch.KindNews}); len(news.Matches)+len(news.Possible) != 0 {
		t.Errorf("news matched clients: %+v", news)
	}
}
