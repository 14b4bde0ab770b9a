package match

import (
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/scraper"
)

const capture2024 = "ontario.ca/captured/2024-updates.2025-12.html"

// readShared reads a real page beside the repo; without ../shared the test
// skips with one line, except in CI, where the pages must be there.
func readShared(t testing.TB, path string) []byte {
	t.Helper()
	return realpages.Read(t, path)
}

// The 17 October 2024 Skilled Trades draw (CRS 405–435, NOC 72010 among
// others) as parsed from the real 2024 updates page.
func skilledTrades17Oct(t *testing.T) drawwatch.Draw {
	t.Helper()
	page, err := scraper.Parse(drawwatch.PageUpdates, readShared(t, capture2024), "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Announcements {
		for _, d := range a.Draws {
			if d.Date == "2024-10-17" && d.Stream == drawwatch.StreamSkilledTrades {
				return d
			}
		}
	}
	t.Fatal("no 17 Oct 2024 skilled-trades draw on the 2024 page")
	return drawwatch.Draw{}
}

func TestRealSkilledTradesDraw(t *testing.T) {
	d := skilledTrades17Oct(t)
	roster := []drawwatch.Client{
		{ID: "T-1", Label: "Marco", NOCs: []string{"72010"}, CRS: ptr(420)},
		{ID: "T-2", Label: "Lena", NOCs: []string{"72010"}, CRS: ptr(400)},
		{ID: "T-3", Label: "Ravi", NOCs: []string{"31301"}, CRS: ptr(420)},
		{ID: "T-4", Label: "Ana", NOCs: []string{"72010"}},
	}
	res := NewIndex(roster).Draw(d)
	if len(res.Matches) != 1 || res.Matches[0].ClientID != "T-1" || res.Matches[0].NOC != "72010" {
		t.Errorf("matches = %+v, want T-1 (72010, CRS 420) alone: CRS 400 is under the band %s", res.Matches, d.ScoreBand())
	}
	if len(res.Possible) != 1 || res.Possible[0].ClientID != "T-4" {
		t.Errorf("possible = %+v, want T-4 (no CRS on file)", res.Possible)
	}
}
