package scraper

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
)

// The real pages are read in place from the shared fixtures, never copied.
const (
	tablesNOIFile = "../../shared/pages/ontario.ca/rendered/oinp-express-entry-notifications-interest.html"
	tablesITAFile = "../../shared/pages/ontario.ca/rendered/oinp-invitations-apply.2021-2024.html"
	tablesNOIURL  = "https://www.ontario.ca/page/oinp-express-entry-notifications-interest"
	tablesITAURL  = "https://www.ontario.ca/page/ontario-immigrant-nominee-program-oinp-invitations-apply"
)

type tablesRealPage struct {
	name string
	kind drawwatch.PageKind
	file string
	url  string
}

var tablesRealPages = []tablesRealPage{
	{"noi", drawwatch.PageNOI, tablesNOIFile, tablesNOIURL},
	{"ita", drawwatch.PageITA, tablesITAFile, tablesITAURL},
}

func tablesRead(t testing.TB, path string) []byte {
	t.Helper()
	if rel, ok := strings.CutPrefix(path, "../../shared/pages/"); ok {
		return realpages.Read(t, rel) // skipped without ../shared, failed under CI
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read fixture %s: %v", path, err)
	}
	return data
}

func tablesParse(t testing.TB, kind drawwatch.PageKind, data []byte, url string) *drawwatch.Page {
	t.Helper()
	page, err := ParseTables(kind, data, url)
	if err != nil {
		t.Fatalf("ParseTables(%s, %s): %v", kind, url, err)
	}
	return page
}

func tablesByID(t testing.TB, page *drawwatch.Page) map[string]drawwatch.Announcement {
	t.Helper()
	m := make(map[string]drawwatch.Announcement, len(page.Announcements))
	for _, a := range page.Announcements {
		if _, dup := m[a.ID]; dup {
			t.Errorf("announcement id %q occurs twice on %s", a.ID, page.URL)
		}
		m[a.ID] = a
	}
	return m
}

func tablesInt(n int) *int { return &n }

// tablesCountDataRows counts, with a tree walk independent of the parser's
// tokenizer, the rows holding a td in every table whose header names a date
// (the draw tables; the pages' yearly summaries are lists, not tables).
func tablesCountDataRows(t testing.TB, data []byte) int {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("html.Parse: %v", err)
	}
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var find func(n *html.Node, a atom.Atom, out *[]*html.Node)
	find = func(n *html.Node, a atom.Atom, out *[]*html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == a {
			*out = append(*out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c, a, out)
		}
	}
	var tables []*html.Node
	find(doc, atom.Table, &tables)
	total := 0
	for _, table := range tables {
		var ths []*html.Node
		find(table, atom.Th, &ths)
		isDraw := false
		for _, th := range ths {
			if strings.Contains(strings.ToLower(text(th)), "date") {
				isDraw = true
			}
		}
		if !isDraw {
			continue
		}
		var trs []*html.Node
		find(table, atom.Tr, &trs)
		for _, tr := range trs {
			var tds []*html.Node
			find(tr, atom.Td, &tds)
			if len(tds) > 0 {
				total++
			}
		}
	}
	return total
}

func TestParseTablesEveryRowIsADraw(t *testing.T) {
	for _, p := range tablesRealPages {
		t.Run(p.name, func(t *testing.T) {
			data := tablesRead(t, p.file)
			page := tablesParse(t, p.kind, data, p.url)
			want := tablesCountDataRows(t, data)
			if want == 0 {
				t.Fatalf("independent count found no draw rows in %s: the fixture or the counter is wrong", p.file)
			}
			if got := len(page.Announcements); got != want {
				t.Errorf("%d announcements, want one per data row: %d", got, want)
			}
			t.Logf("%s: %d data rows, %d draws", p.name, want, len(page.Announcements))
			if page.Kind != p.kind || page.URL != p.url || page.Truncated {
				t.Errorf("page header = {%s %s truncated=%v}, want {%s %s false}", page.Kind, page.URL, page.Truncated, p.kind, p.url)
			}
			invitation, scoreKind := drawwatch.InvitationNOI, drawwatch.ScoreCRS
			if p.kind == drawwatch.PageITA {
				invitation, scoreKind = drawwatch.InvitationITA, drawwatch.ScoreEOI
			}
			for _, a := range page.Announcements {
				if len(a.Draws) != 1 {
					t.Errorf("%s: %d draws, want exactly 1", a.ID, len(a.Draws))
					continue
				}
				d := a.Draws[0]
				switch {
				case a.Kind != drawwatch.KindDraw:
					t.Errorf("%s: kind %q, want draw", a.ID, a.Kind)
				case d.Program != drawwatch.Program || d.Stream == "" || d.StreamName == "" || d.Date == "":
					t.Errorf("%s: incomplete draw %+v", a.ID, d)
				case d.Invitation != invitation || d.ScoreKind != scoreKind:
					t.Errorf("%s: invitation/score kind %s/%s, want %s/%s", a.ID, d.Invitation, d.ScoreKind, invitation, scoreKind)
				case a.Posted != d.Date || a.SourceURL != d.SourceURL || a.Anchor != "":
					t.Errorf("%s: posted %q source %q anchor %q do not follow the draw", a.ID, a.Posted, a.SourceURL, a.Anchor)
				case a.Hash != drawwatch.ContentHash(a.Text) || a.Text == "":
					t.Errorf("%s: hash does not match text %q", a.ID, a.Text)
				case d.Invitations == nil:
					t.Errorf("%s: every real row has a count, got none: %q", a.ID, a.Text)
				case d.ScoreMin != nil && d.ScoreMax != nil && *d.ScoreMin > *d.ScoreMax:
					t.Errorf("%s: score band %d-%d is upside down", a.ID, *d.ScoreMin, *d.ScoreMax)
				case d.ProfilesFrom != "" && d.ProfilesTo != "" && d.ProfilesFrom > d.ProfilesTo:
					t.Errorf("%s: profile window %s..%s is upside down", a.ID, d.ProfilesFrom, d.ProfilesTo)
				}
			}
		})
	}
}

func TestParseTablesSpotChecks(t *testing.T) {
	pages := map[string]map[string]drawwatch.Announcement{}
	for _, p := range tablesRealPages {
		pages[p.name] = tablesByID(t, tablesParse(t, p.kind, tablesRead(t, p.file), p.url))
	}
	const (
		refer   = "Please refer to the OINP Program Update page for a list of targeted occupations"
		techRef = "Please refer to the Ontario Immigrant Nominee Program Tech Draw page for a list of targeted occupations"
	)
	noi := func(d drawwatch.Draw) drawwatch.Draw {
		d.Program, d.Invitation, d.ScoreKind, d.SourceURL = "OINP", "NOI", "CRS", tablesNOIURL
		return d
	}
	ita := func(d drawwatch.Draw) drawwatch.Draw {
		d.Program, d.Invitation, d.ScoreKind, d.SourceURL = "OINP", "ITA", "EOI", tablesITAURL
		return d
	}
	hcp := func(d drawwatch.Draw) drawwatch.Draw {
		d.Stream, d.StreamName = drawwatch.StreamHCP, "Human Capital Priorities"
		return noi(d)
	}
	tests := []struct {
		page, id string
		title    string // checked when set
		want     drawwatch.Draw
	}{
		// 2024 HCP layout: "505-528", a targeted draw whose notes name no target.
		{"noi", "noi-2024-09-19-hcp", "Human Capital Priorities stream (2024-09-19)", hcp(drawwatch.Draw{
			Date: "2024-09-19", ScoreMin: tablesInt(505), ScoreMax: tablesInt(528), Invitations: tablesInt(1424),
			ProfilesFrom: "2023-09-19", ProfilesTo: "2024-09-19", Notes: "Targeted draw " + refer})},
		// En dash in the score band.
		{"noi", "noi-2024-02-08-hcp", "", hcp(drawwatch.Draw{
			Date: "2024-02-08", ScoreMin: tablesInt(471), ScoreMax: tablesInt(480), Invitations: tablesInt(2118),
			ProfilesFrom: "2023-02-08", ProfilesTo: "2024-02-08", Notes: "Targeted draw " + refer})},
		// "473 - 480" and a category from the notes.
		{"noi", "noi-2023-12-14-hcp-tech-occupations", "Human Capital Priorities stream: Tech occupations (2023-12-14)", hcp(drawwatch.Draw{
			Category: "Tech occupations", Date: "2023-12-14", ScoreMin: tablesInt(473), ScoreMax: tablesInt(480), Invitations: tablesInt(2359),
			ProfilesFrom: "2022-12-14", ProfilesTo: "2023-12-14",
			Notes: "Targeted draw – Tech draw Please refer to the OINP Program Updates page for a list of targeted occupations"})},
		// A day range "August 11 - 16, 2023" (first day) and a window ending before the draw.
		{"noi", "noi-2023-08-11-hcp-tech-and-health-occupations", "", hcp(drawwatch.Draw{
			Category: "Tech and health occupations", Date: "2023-08-11", ScoreMin: tablesInt(473), ScoreMax: tablesInt(516), Invitations: tablesInt(2084),
			ProfilesFrom: "2022-08-11", ProfilesTo: "2023-07-08",
			Notes: "Targeted draw – Tech and Health Please refer to the OINP Program Updates page for a list of targeted occupations"})},
		// FSSW layout ("Date/time NOIs issued"), hyphenated window, general draw.
		{"noi", "noi-2024-09-26-fssw-general-occupations", "French-Speaking Skilled Worker stream: General occupations (2024-09-26)", noi(drawwatch.Draw{
			Stream: drawwatch.StreamFSSW, StreamName: "French-Speaking Skilled Worker", Category: "General occupations",
			Date: "2024-09-26", ScoreMin: tablesInt(290), ScoreMax: tablesInt(445), Invitations: tablesInt(243),
			ProfilesFrom: "2023-09-26", ProfilesTo: "2024-09-26", Notes: "General Draw"})},
		// "266 and above" on the NOI page.
		{"noi", "noi-2022-09-29-skilled-trades-general-occupations", "", noi(drawwatch.Draw{
			Stream: drawwatch.StreamSkilledTrades, StreamName: "Skilled Trades", Category: "General occupations",
			Date: "2022-09-29", ScoreMin: tablesInt(266), Invitations: tablesInt(1340),
			ProfilesFrom: "2021-09-29", ProfilesTo: "2022-09-29", Notes: "General Draw"})},
		// 2021 layout: time after the date, no notes column.
		{"noi", "noi-2021-10-07-fssw", "", noi(drawwatch.Draw{
			Stream: drawwatch.StreamFSSW, StreamName: "French-Speaking Skilled Worker",
			Date: "2021-10-07", ScoreMin: tablesInt(459), ScoreMax: tablesInt(467), Invitations: tablesInt(162),
			ProfilesFrom: "2020-10-07", ProfilesTo: "2021-10-07"})},
		// Window whose end has no year: "February 2, 2020 – February 2".
		{"noi", "noi-2021-02-02-hcp-priority-occupations", "", hcp(drawwatch.Draw{
			Category: "Priority occupations", Date: "2021-02-02", ScoreMin: tablesInt(466), ScoreMax: tablesInt(467), Invitations: tablesInt(283),
			ProfilesFrom: "2020-02-02", ProfilesTo: "2021-02-02",
			Notes: "Targeted draw – Priority Occupations " + refer})},
		// 2020 HCP layout: profiles column before the CRS column.
		{"noi", "noi-2020-12-15-hcp-tech-occupations", "", hcp(drawwatch.Draw{
			Category: "Tech occupations", Date: "2020-12-15", ScoreMin: tablesInt(460), ScoreMax: tablesInt(468), Invitations: tablesInt(668),
			ProfilesFrom: "2019-12-15", ProfilesTo: "2020-12-15",
			Notes: "Targeted draw – Tech Draw " + techRef})},
		// Two draws on one day with one category: the second gets "-2".
		{"noi", "noi-2020-06-03-hcp-priority-occupations-2", "", hcp(drawwatch.Draw{
			Category: "Priority occupations", Date: "2020-06-03", ScoreMin: tablesInt(471), ScoreMax: tablesInt(500), Invitations: tablesInt(532),
			ProfilesFrom: "2019-06-03", ProfilesTo: "2020-06-03",
			Notes: "Targeted draw to candidates with one year or more of foreign experience – Priority Occupations " + refer})},
		// "Number of CRS score range" header is a score column; "N/A" score.
		{"noi", "noi-2020-04-29-skilled-trades-priority-occupations", "", noi(drawwatch.Draw{
			Stream: drawwatch.StreamSkilledTrades, StreamName: "Skilled Trades", Category: "Priority occupations",
			Date: "2020-04-29", Invitations: tablesInt(190), ProfilesFrom: "2019-04-29", ProfilesTo: "2020-04-29",
			Notes: "Targeted draw – Priority Occupations " + refer})},
		// 2019 layout without a score column; "371*" and an "X to Y" window.
		{"noi", "noi-2019-01-24-skilled-trades", "Skilled Trades stream (2019-01-24)", noi(drawwatch.Draw{
			Stream: drawwatch.StreamSkilledTrades, StreamName: "Skilled Trades",
			Date: "2019-01-24", Invitations: tablesInt(371), ProfilesFrom: "2018-01-24", ProfilesTo: "2019-01-24"})},
		// 2018 layout: long date header, window "January 1 to March 26, 2018".
		{"noi", "noi-2018-03-26-hcp-french-speaking", "", hcp(drawwatch.Draw{
			Category: "French-speaking", Date: "2018-03-26", ScoreMin: tablesInt(351), ScoreMax: tablesInt(446), Invitations: tablesInt(299),
			ProfilesFrom: "2018-01-01", ProfilesTo: "2018-03-26",
			Notes: "Targeted candidates with French language abilities of CLB 7 or above."})},
		// ITA 2024 layout: "48 and above".
		{"ita", "ita-2024-10-08-ejo-foreign-worker-skilled-trades-occupations",
			"Employer Job Offer: Foreign Worker stream: Skilled trades occupations (2024-10-08)", ita(drawwatch.Draw{
				Stream: drawwatch.StreamEJOForeignWorker, StreamName: "Employer Job Offer: Foreign Worker", Category: "Skilled trades occupations",
				Date: "2024-10-08", ScoreMin: tablesInt(48), Invitations: tablesInt(885),
				ProfilesFrom: "2023-10-08", ProfilesTo: "2024-10-08",
				Notes: "Targeted draw for skilled trades occupations " + refer})},
		// N/A score band.
		{"ita", "ita-2024-10-08-ejo-foreign-worker-economic-mobility-pathways-project", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOForeignWorker, StreamName: "Employer Job Offer: Foreign Worker", Category: "Economic Mobility Pathways Project",
			Date: "2024-10-08", Invitations: tablesInt(2), ProfilesFrom: "2023-10-08", ProfilesTo: "2024-10-08",
			Notes: "Targeted draw for Economic Mobility Pathways Project candidates Please refer to IRCC ’s project page for more information"})},
		// "57 and above".
		{"ita", "ita-2023-06-06-ejo-foreign-worker-skilled-trades-occupations", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOForeignWorker, StreamName: "Employer Job Offer: Foreign Worker", Category: "Skilled trades occupations",
			Date: "2023-06-06", ScoreMin: tablesInt(57), Invitations: tablesInt(451),
			ProfilesFrom: "2022-11-22", ProfilesTo: "2023-06-06",
			Notes: "Targeted draw for skilled trades occupations. " + refer})},
		{"ita", "ita-2021-12-07-ejo-foreign-worker-regional-immigration-pilot", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOForeignWorker, StreamName: "Employer Job Offer: Foreign Worker", Category: "Regional Immigration Pilot",
			Date: "2021-12-07", Invitations: tablesInt(33), ProfilesFrom: "2021-04-28", ProfilesTo: "2021-12-07",
			Notes: "Targeted draw for Regional Immigration Pilot candidates. Please refer to the OINP Regional Pilot page for more information."})},
		{"ita", "ita-2024-06-17-ejo-international-student-early-childhood-educators-and-assistants", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOInternationalStudent, StreamName: "Employer Job Offer: International Student",
			Category: "Early childhood educators and assistants", Date: "2024-06-17", ScoreMin: tablesInt(60), Invitations: tablesInt(84),
			ProfilesFrom: "2023-06-17", ProfilesTo: "2024-06-17",
			Notes: "Targeted draw for Early childhood educators and assistants candidates"})},
		// Window "June 1,2021 –June 1 2022" (missing spaces and comma).
		{"ita", "ita-2022-06-01-ejo-international-student-general-occupations", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOInternationalStudent, StreamName: "Employer Job Offer: International Student", Category: "General occupations",
			Date: "2022-06-01", ScoreMin: tablesInt(79), Invitations: tablesInt(229),
			ProfilesFrom: "2021-06-01", ProfilesTo: "2022-06-01", Notes: "General draw"})},
		// 2021 heading casing "Employer job offer:" kept; window "April 28, 2021 – Jun 16, 2021".
		{"ita", "ita-2021-06-16-ejo-international-student-general-occupations", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOInternationalStudent, StreamName: "Employer job offer: International Student", Category: "General occupations",
			Date: "2021-06-16", ScoreMin: tablesInt(66), Invitations: tablesInt(371),
			ProfilesFrom: "2021-04-28", ProfilesTo: "2021-06-16", Notes: "General draw"})},
		{"ita", "ita-2022-03-30-ejo-in-demand-skills-health-manufacturing-agricultural-and-select-trades-occupations", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEJOInDemandSkills, StreamName: "Employer Job Offer: In-Demand Skills",
			Category: "Health, manufacturing, agricultural and select trades occupations",
			Date:     "2022-03-30", ScoreMin: tablesInt(21), Invitations: tablesInt(65),
			ProfilesFrom: "2021-04-28", ProfilesTo: "2022-03-30",
			Notes: "Targeted draw for health, manufacturing, agricultural occupations and select trades occupations. " + refer + "."})},
		// "September 19. 2023": a full stop for the comma.
		{"ita", "ita-2023-09-19-masters-graduate-general-occupations", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamMastersGraduate, StreamName: "Masters Graduate", Category: "General occupations",
			Date: "2023-09-19", ScoreMin: tablesInt(41), Invitations: tablesInt(537),
			ProfilesFrom: "2022-11-22", ProfilesTo: "2023-09-19", Notes: "General Draw"})},
		{"ita", "ita-2024-09-17-phd-graduate-general-occupations", "", ita(drawwatch.Draw{
			Stream: drawwatch.StreamPhDGraduate, StreamName: "PhD Graduate", Category: "General occupations",
			Date: "2024-09-17", ScoreMin: tablesInt(45), Invitations: tablesInt(194),
			ProfilesFrom: "2023-09-17", ProfilesTo: "2024-09-17", Notes: "General Draw"})},
		// Entrepreneur layout: three columns, "137 to 162".
		{"ita", "ita-2023-01-27-entrepreneur", "Entrepreneur stream (2023-01-27)", ita(drawwatch.Draw{
			Stream: drawwatch.StreamEntrepreneur, StreamName: "Entrepreneur",
			Date: "2023-01-27", ScoreMin: tablesInt(137), ScoreMax: tablesInt(162), Invitations: tablesInt(10)})},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			a, ok := pages[tc.page][tc.id]
			if !ok {
				t.Fatalf("no announcement %q on the %s page", tc.id, tc.page)
			}
			if diff := cmp.Diff(tc.want, a.Draws[0]); diff != "" {
				t.Errorf("draw mismatch (-want +got):\n%s", diff)
			}
			if tc.title != "" && a.Title != tc.title {
				t.Errorf("title %q, want %q", a.Title, tc.title)
			}
		})
	}
}

// A hand-written page with the columns in another order, headers in other
// words and extra markup gives the very draws the real page gives.
func TestParseTablesColumnOrderAndWording(t *testing.T) {
	real := tablesByID(t, tablesParse(t, drawwatch.PageNOI, tablesRead(t, tablesNOIFile), tablesNOIURL))
	page := tablesParse(t, drawwatch.PageNOI, tablesRead(t, "testdata/tables/reordered-noi.html"), tablesNOIURL)
	wantIDs := []string{"noi-2024-09-19-hcp", "noi-2024-02-08-hcp", "noi-2020-04-29-skilled-trades-priority-occupations"}
	var gotIDs []string
	for _, a := range page.Announcements {
		gotIDs = append(gotIDs, a.ID)
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Fatalf("ids (-want +got):\n%s", diff)
	}
	for _, a := range page.Announcements {
		want := real[a.ID]
		// Text and hash name the headers, which differ here by design;
		// the stream name is "as the page names it", which differs too.
		if diff := cmp.Diff(want.Draws, a.Draws, cmpopts.IgnoreFields(drawwatch.Draw{}, "StreamName")); diff != "" {
			t.Errorf("%s: draws differ from the real page's (-real +reordered):\n%s", a.ID, diff)
		}
	}
}

// A hand-written ITA page: heading anchors, a td header row, a summary
// table, a colspan, a spacer row, and regional draws that share a date and
// a score band and differ only by category.
func TestParseTablesHandWrittenITA(t *testing.T) {
	const url = "https://example.test/ita"
	page := tablesParse(t, drawwatch.PageITA, tablesRead(t, "testdata/tables/anchors-ita.html"), url)
	fw := func(d drawwatch.Draw) drawwatch.Draw {
		d.Program, d.Invitation, d.ScoreKind = "OINP", "ITA", "EOI"
		d.Stream, d.StreamName = drawwatch.StreamEJOForeignWorker, "Employer Job Offer: Foreign Worker"
		d.Date, d.ProfilesFrom, d.ProfilesTo = "2025-12-11", "2024-12-11", "2025-12-11"
		d.SourceURL = url + "#foreign-worker-2025"
		return d
	}
	want := []struct {
		id, title string
		draw      drawwatch.Draw
	}{
		{"ita-2025-12-11-ejo-foreign-worker-northern-ontario",
			"Employer Job Offer: Foreign Worker stream: Northern Ontario (2025-12-11)",
			fw(drawwatch.Draw{Category: "Northern Ontario", ScoreMin: tablesInt(57), Invitations: tablesInt(312),
				Notes: "Targeted draw for Regional Economic Development through Immigration candidates in Northern Ontario"})},
		{"ita-2025-12-11-ejo-foreign-worker-eastern-ontario",
			"Employer Job Offer: Foreign Worker stream: Eastern Ontario (2025-12-11)",
			fw(drawwatch.Draw{Category: "Eastern Ontario", ScoreMin: tablesInt(57), Invitations: tablesInt(120),
				Notes: "Targeted draw for Regional Economic Development through Immigration candidates in Eastern Ontario"})},
		{"ita-2025-12-11-ejo-foreign-worker-southwestern-ontario",
			"Employer Job Offer: Foreign Worker stream: Southwestern Ontario (2025-12-11)",
			fw(drawwatch.Draw{Category: "Southwestern Ontario", ScoreMin: tablesInt(49), ScoreMax: tablesInt(60), Invitations: tablesInt(98),
				Notes: "Targeted draw for REDI candidates in South Western Ontario"})},
		{"ita-2025-03-03-entrepreneur", "Entrepreneur stream (2025-03-03)", drawwatch.Draw{
			Program: "OINP", Stream: drawwatch.StreamEntrepreneur, StreamName: "Entrepreneur", Date: "2025-03-03",
			Invitation: "ITA", ScoreKind: "EOI", ScoreMin: tablesInt(152), ScoreMax: tablesInt(169), Invitations: tablesInt(21),
			SourceURL: url}}, // its heading has no id
	}
	if len(page.Announcements) != len(want) {
		for _, a := range page.Announcements {
			t.Logf("got %s", a.ID)
		}
		t.Fatalf("%d announcements, want %d", len(page.Announcements), len(want))
	}
	for i, w := range want {
		a := page.Announcements[i]
		if a.ID != w.id || a.Title != w.title || a.Posted != w.draw.Date {
			t.Errorf("announcement %d: id %q title %q posted %q, want %q %q %q", i, a.ID, a.Title, a.Posted, w.id, w.title, w.draw.Date)
		}
		if diff := cmp.Diff(w.draw, a.Draws[0]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", w.id, diff)
		}
	}
	if got, want := page.Announcements[0].Text,
		"Date issued: December 11, 2025 | Number of invitations issued: 312 | Date profiles created: December 11, 2024 – December 11, 2025 | Score range: 57 and above | Notes: Targeted draw for Regional Economic Development through Immigration candidates in Northern Ontario"; got != want {
		t.Errorf("text\n got %q\nwant %q", got, want)
	}
}

// tablesReindent re-indents a page the way an HTML pretty-printer does:
// a newline and indentation between tags, text re-wrapped, some spaces
// turned into &nbsp;.
func tablesReindent(data []byte) []byte {
	s := strings.ReplaceAll(string(data), "><", ">\n        <")
	s = regexp.MustCompile(`>([^<]+)<`).ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		inner = strings.ReplaceAll(inner, ", ", ",\n          ")
		inner = strings.Replace(inner, " ", "&nbsp;", 1)
		return ">\n      " + inner + "\n    <"
	})
	return []byte(s)
}

func TestParseTablesStableWhenReindented(t *testing.T) {
	for _, p := range tablesRealPages {
		t.Run(p.name, func(t *testing.T) {
			data := tablesRead(t, p.file)
			pretty := tablesReindent(data)
			if bytes.Equal(pretty, data) {
				t.Fatal("re-indenting changed nothing: the test would prove nothing")
			}
			a := tablesParse(t, p.kind, data, p.url)
			b := tablesParse(t, p.kind, pretty, p.url)
			type key struct{ ID, Hash string }
			keys := func(pg *drawwatch.Page) []key {
				var out []key
				for _, an := range pg.Announcements {
					out = append(out, key{an.ID, an.Hash})
				}
				return out
			}
			if diff := cmp.Diff(keys(a), keys(b)); diff != "" {
				t.Errorf("ids and hashes changed by re-indenting (-original +reindented):\n%s", diff)
			}
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("page changed by re-indenting (-original +reindented):\n%s", diff)
			}
		})
	}
}

func TestParseTablesIDsUniqueAndStable(t *testing.T) {
	for _, p := range tablesRealPages {
		t.Run(p.name, func(t *testing.T) {
			data := tablesRead(t, p.file)
			first := tablesParse(t, p.kind, data, p.url)
			ids := tablesByID(t, first) // reports duplicates
			if len(ids) != len(first.Announcements) {
				t.Errorf("%d unique ids for %d announcements", len(ids), len(first.Announcements))
			}
			again := tablesParse(t, p.kind, bytes.Clone(data), p.url)
			if diff := cmp.Diff(first, again); diff != "" {
				t.Errorf("second parse differs (-first +second):\n%s", diff)
			}
			for id, a := range ids {
				if !strings.HasPrefix(id, string(p.kind)+"-"+a.Draws[0].Date+"-"+string(a.Draws[0].Stream)) {
					t.Errorf("id %q does not start with kind, date and stream", id)
				}
			}
		})
	}
}

func TestParseTablesMalformed(t *testing.T) {
	captcha := tablesRead(t, "../../shared/pages/ontario.ca/rendered/bot-block-captcha.html")
	tests := []struct {
		name      string
		kind      drawwatch.PageKind
		data      []byte
		wantErr   error
		wantIDs   []string
		truncated bool
		warnings  []string // each a substring of one warning, in order
	}{
		{name: "empty", kind: drawwatch.PageNOI, data: nil, wantErr: ErrEmptyPage},
		{name: "whitespace", kind: drawwatch.PageITA, data: []byte(" \n\t "), wantErr: ErrEmptyPage},
		{name: "wrong kind", kind: drawwatch.PageUpdates, data: tablesRead(t, tablesNOIFile), wantErr: ErrUnknownPage},
		{name: "not HTML", kind: drawwatch.PageNOI, data: []byte("\x00\x01 September 19, 2024 | 1,424 | 505-528"),
			warnings: []string{"no draw table found"}},
		{name: "no tables", kind: drawwatch.PageNOI, data: tablesRead(t, "testdata/tables/no-tables.html"),
			warnings: []string{"no draw table found"}},
		{name: "captcha page", kind: drawwatch.PageNOI, data: captcha, warnings: []string{"no draw table found"}},
		{name: "unmappable tables, unknown stream and an unreadable date", kind: drawwatch.PageNOI,
			data:     tablesRead(t, "testdata/tables/unmappable.html"),
			wantIDs:  []string{"noi-2024-10-17-skilled-trades"},
			warnings: []string{"not a readable draw", "names no known stream"}},
		{name: "truncated mid-row", kind: drawwatch.PageNOI, data: tablesRead(t, "testdata/tables/truncated-noi.html"),
			wantIDs: []string{"noi-2024-09-19-hcp", "noi-2024-09-12-hcp"}, truncated: true},
		{name: "header only", kind: drawwatch.PageITA,
			data: []byte(`<h3>Entrepreneur stream</h3><table><thead><tr><th>Date issued</th><th>Number of invitations issued</th><th>Score range</th></tr></thead></table>`)},
		{name: "unclosed tags everywhere", kind: drawwatch.PageITA,
			data:    []byte(`<h3>PhD Graduate stream<table><tr><th>Date issued<th>Number of invitations issued<th>Score range<tr><td>July 9, 2024<td>110<td>50 and above</table>`),
			wantIDs: []string{"ita-2024-07-09-phd-graduate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := ParseTables(tc.kind, tc.data, "https://example.test/page")
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if page != nil {
					t.Errorf("page %+v returned with an error", page)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			var ids []string
			for _, a := range page.Announcements {
				ids = append(ids, a.ID)
			}
			if diff := cmp.Diff(tc.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if page.Truncated != tc.truncated {
				t.Errorf("truncated = %v, want %v", page.Truncated, tc.truncated)
			}
			if len(page.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings = %q, want %d matching %q", page.Warnings, len(tc.warnings), tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.Contains(page.Warnings[i], w) {
					t.Errorf("warning %d = %q, want it to say %q", i, page.Warnings[i], w)
				}
			}
		})
	}
}

// Cutting a real page anywhere keeps exactly the rows completed before the
// cut, each identical to the full page's, and marks the page truncated so
// that the rows after the cut do not read as removed.
func TestParseTablesCutAnywhere(t *testing.T) {
	for _, p := range tablesRealPages {
		t.Run(p.name, func(t *testing.T) {
			data := tablesRead(t, p.file)
			full := tablesParse(t, p.kind, data, p.url)
			start := bytes.Index(data, []byte("<html"))
			end := bytes.LastIndex(data, []byte("</html>"))
			if end < 0 {
				t.Fatalf("%s has no </html>: the truncation check below needs one", p.file)
			}
			// Most cuts leave no draw table, which ParseTables reports
			// through slog; keep the test output readable.
			defer slog.SetDefault(slog.Default())
			slog.SetDefault(slog.New(slog.DiscardHandler))
			prev := 0
			for cut := 1; cut < len(data); cut += 173 { // a prime step lands at every kind of place
				page, err := ParseTables(p.kind, data[:cut], p.url)
				if err != nil {
					t.Fatalf("cut at %d: %v", cut, err)
				}
				n := len(page.Announcements)
				if n > len(full.Announcements) || n < prev {
					t.Fatalf("cut at %d: %d announcements after %d (full page %d)", cut, n, prev, len(full.Announcements))
				}
				// reflect first: cmp.Diff on every cut would dominate the run time.
				if n > 0 && !reflect.DeepEqual(full.Announcements[:n], page.Announcements) {
					diff := cmp.Diff(full.Announcements[:n], page.Announcements)
					t.Fatalf("cut at %d: announcements are not the full page's first %d (-full +cut):\n%s", cut, n, diff)
				}
				if cut > start && cut < end && !page.Truncated {
					t.Errorf("cut at %d of %d is not marked truncated", cut, len(data))
				}
				prev = n
			}
		})
	}
}

// The table pages' score cells, read by the helper the updates parser uses.
func TestParseScoreBandCells(t *testing.T) {
	tests := []struct {
		in       string
		min, max *int
	}{
		{"505-528", tablesInt(505), tablesInt(528)},
		{"471–480", tablesInt(471), tablesInt(480)},
		{"473 - 480", tablesInt(473), tablesInt(480)},
		{"137 to 162", tablesInt(137), tablesInt(162)},
		{"between 460 and 468", tablesInt(460), tablesInt(468)},
		{"57 and above", tablesInt(57), nil},
		{"78+", tablesInt(78), nil},
		{"450", tablesInt(450), tablesInt(450)},
		{"N/A", nil, nil},
		{"", nil, nil},
	}
	for _, tc := range tests {
		lo, hi, ok := ParseScoreBand(tc.in)
		if diff := cmp.Diff([]*int{tc.min, tc.max}, []*int{lo, hi}); diff != "" || ok != (tc.min != nil) {
			t.Errorf("ParseScoreBand(%q) ok %v (-want +got):\n%s", tc.in, ok, diff)
		}
	}
}

func TestTableDateAndWindow(t *testing.T) {
	dates := []struct {
		in   string
		year int
		want string
	}{
		{"October 8, 2024", 0, "2024-10-08"},
		{"October 27, 2021 9:00 a.m. EST", 0, "2021-10-27"},
		{"April 11, 2018 9.15 a.m. EST", 0, "2018-04-11"},
		{"September 19. 2023", 0, "2023-09-19"},
		{"March 8-9, 2023", 0, "2023-03-08"},
		{"August 11 - 16, 2023", 0, "2023-08-11"},
		{"Sept. 5", 2024, "2024-09-05"},
		{"2024-02-06", 0, "2024-02-06"},
		{"February 30, 2024", 0, ""},
		{"December 17", 0, ""},
		{"To be announced", 2024, ""},
	}
	for _, tc := range dates {
		got, ok := firstDate(tc.in, tc.year)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("firstDate(%q, %d) = %q, %v; want %q", tc.in, tc.year, got, ok, tc.want)
		}
	}
	windows := []struct {
		in, draw, from, to string
	}{
		{"October 8, 2023 – October 8, 2024", "2024-10-08", "2023-10-08", "2024-10-08"},
		{"July 14, 2021-July 14, 2022", "2022-07-14", "2021-07-14", "2022-07-14"},
		{"June 1,2021 –June 1 2022", "2022-06-01", "2021-06-01", "2022-06-01"},
		{"April 28, 2021 – Jun 16, 2021", "2021-06-16", "2021-04-28", "2021-06-16"},
		{"August 15, 2018 to August 15, 2019", "2019-08-15", "2018-08-15", "2019-08-15"},
		{"January 1 to November 26, 2018", "2018-11-26", "2018-01-01", "2018-11-26"},
		{"December 20 to January 5, 2019", "2019-01-05", "2018-12-20", "2019-01-05"},
		{"February 2, 2020 – February 2", "2021-02-02", "2020-02-02", "2021-02-02"},
		{"October 8, 2023 9:00 a.m. – October 8, 2024 11:59 p.m.", "2024-10-08", "2023-10-08", "2024-10-08"},
		{"Since November 22, 2022", "2023-04-04", "2022-11-22", ""},
		{"Created before May 9, 2023", "2023-05-09", "", "2023-05-09"},
		{"", "2023-05-09", "", ""},
	}
	for _, tc := range windows {
		from, to := tableProfileWindow(tc.in, tc.draw)
		if from != tc.from || to != tc.to {
			t.Errorf("tableProfileWindow(%q) = %q..%q, want %q..%q", tc.in, from, to, tc.from, tc.to)
		}
	}
}

func TestTableCategory(t *testing.T) {
	tests := []struct{ notes, want string }{
		{"Targeted draw for health occupations Please refer to the OINP Program Update page", "Health occupations"},
		{"Targeted draw for health professions Please refer to the OINP Program Update page", "Health occupations"},
		{"Targeted draw – Tech draw Please refer to the OINP Tech Draw page for a list of targeted occupations", "Tech occupations"},
		{"Targeted draw – Priority Occupations Please refer to the Ontario Immigrant Nominee Program Tech Draw page", "Priority occupations"},
		{"Targeted draw for other priority occupations Please refer to ...", "Other priority occupations"},
		{"Targeted draw for skilled trades Please refer to ...", "Skilled trades occupations"},
		{"Targeted draw for health and tech occupations", "Health and tech occupations"},
		{"Targeted draw for Early childhood educators and assistants candidates", "Early childhood educators and assistants"},
		{"Targeted draw for Economic Mobility Pathways. Project candidates.", "Economic Mobility Pathways Project"},
		{"Targeted draw for REDI candidates in Central Ontario", "Central Ontario"},
		{"Targeted draw for Regional Economic Development through Immigration candidates", "Regional Economic Development through Immigration"},
		{"Targeted candidates with French language abilities of CLB 7 or above.", "French-speaking"},
		{"General Draw", "General occupations"},
		{"Targeted draw Please refer to the OINP Program Update page for a list of targeted occupations", ""},
		{"Targeted draw*", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := tableCategory(tc.notes); got != tc.want {
			t.Errorf("tableCategory(%q) = %q, want %q", tc.notes, got, tc.want)
		}
	}
}

func TestTableColumnOf(t *testing.T) {
	tests := []struct {
		header string
		want   tableCol
	}{
		{"Date NOIs issued", tableColDate},
		{"Date/time NOI s issued (notice posted to applicant’s IRCC account)", tableColDate},
		{"Date/time issued", tableColDate},
		{"Date issued", tableColDate},
		{"Number of NOIs issued", tableColCount},
		{"Number issued", tableColCount},
		{"Number of invitations issued", tableColCount},
		{"NOIs", tableColCount},
		{"CRS score range", tableColScore},
		{"Number of CRS score range", tableColScore},
		{"Score range", tableColScore},
		{"Profiles created in IRCC ’s Express Entry system", tableColProfiles},
		{"Date profiles created", tableColProfiles},
		{"Profile creation window", tableColProfiles},
		{"Notes", tableColNotes},
		{"Stream", tableColOther},
		{"Office", tableColOther},
	}
	for _, tc := range tests {
		if got := tableColumnOf(tc.header); got != tc.want {
			t.Errorf("tableColumnOf(%q) = %d, want %d", tc.header, got, tc.want)
		}
	}
}

// FuzzParseTables: whatever the bytes, no panic, and every announcement is
// a dated draw with a unique id.
func FuzzParseTables(f *testing.F) {
	for _, p := range []string{tablesNOIFile, tablesITAFile} {
		data := tablesRead(f, p)
		f.Add(data[:len(data)/3])
	}
	seeds, _ := filepath.Glob("testdata/tables/*.html")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatalf("read seed %s: %v", s, err)
		}
		f.Add(data)
	}
	prev := slog.Default()
	f.Cleanup(func() { slog.SetDefault(prev) })
	slog.SetDefault(slog.New(slog.DiscardHandler)) // most inputs hold no draw table and say so
	f.Fuzz(func(t *testing.T, data []byte) {
		page, err := ParseTables(drawwatch.PageNOI, data, "https://example.test/noi")
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, a := range page.Announcements {
			if seen[a.ID] {
				t.Errorf("duplicate id %q", a.ID)
			}
			seen[a.ID] = true
			if len(a.Draws) != 1 || a.Draws[0].Date == "" || a.Draws[0].Stream == "" {
				t.Errorf("announcement %q is not one dated draw: %+v", a.ID, a.Draws)
			}
		}
	})
}

func BenchmarkParseTables(b *testing.B) {
	data := tablesRead(b, tablesNOIFile)
	for b.Loop() {
		if _, err := ParseTables(drawwatch.PageNOI, data, tablesNOIURL); err != nil {
			b.Fatal(err)
		}
	}
}
