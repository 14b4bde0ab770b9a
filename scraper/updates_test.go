package scraper

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

const (
	url2024 = "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates"
	url2020 = "https://www.ontario.ca/page/2020-ontario-immigrant-nominee-program-updates"
)

// realUpdatesPages are every real yearly updates page, with the URL it is served at.
var realUpdatesPages = []struct{ file, url string }{
	{"captured/2024-updates.2025-12.html", url2024},
	{"captured/2024-updates.2024-08-22.prettified.html", url2024},
	{"captured/2020-updates.body-only.2020-12.html", url2020},
	{"rendered/2015-updates.html", "https://www.ontario.ca/page/2015-ontario-immigrant-nominee-program-updates"},
	{"rendered/2016-updates.html", "https://www.ontario.ca/page/2016-ontario-immigrant-nominee-program-updates"},
	{"rendered/2017-updates.html", "https://www.ontario.ca/page/2017-ontario-immigrant-nominee-program-updates"},
	{"rendered/2018-updates.html", "https://www.ontario.ca/page/2018-ontario-immigrant-nominee-program-updates"},
	{"rendered/2019-updates.html", "https://www.ontario.ca/page/2019-ontario-immigrant-nominee-program-updates"},
	{"rendered/2021-updates.html", "https://www.ontario.ca/page/2021-ontario-immigrant-nominee-program-updates"},
	{"rendered/2026-updates.html", "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates"},
}

func parseReal(t *testing.T, file, url string) *drawwatch.Page {
	t.Helper()
	page, err := Parse("", readPage(t, file), url)
	if err != nil {
		t.Fatalf("Parse %s: %v", file, err)
	}
	return page
}

func findAnnouncement(t *testing.T, page *drawwatch.Page, id string) drawwatch.Announcement {
	t.Helper()
	for _, a := range page.Announcements {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no announcement %q on %s", id, page.URL)
	return drawwatch.Announcement{}
}

func codes(nocs []drawwatch.NOC) []string {
	out := make([]string, len(nocs))
	for i, n := range nocs {
		out[i] = n.Code
	}
	return out
}

// sectionHTML is the raw HTML of the announcement whose h4 has the given
// id, up to the next date heading: the tests count from it independently
// of the parser.
// nextTitle is how the following announcement's h4 starts: `<h4 id=` on
// pages whose sub-headings are h4s without ids, `<h4` where every h4 is a title.
func sectionHTML(t *testing.T, data []byte, id, nextTitle string) string {
	t.Helper()
	s := string(data)
	i := strings.Index(s, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no id %q in the page", id)
	}
	s = s[i:]
	if j := strings.Index(s, "<h3"); j >= 0 {
		s = s[:j]
	}
	if j := strings.Index(s[4:], nextTitle); j >= 0 {
		s = s[:j+4]
	}
	return s
}

var reNOCInHTML = regexp.MustCompile(`<abbr[^>]*>NOC</abbr>(?:&nbsp;|\s)*(\d{5})`)

func TestHealthDrawFeb2024(t *testing.T) {
	data := readPage(t, "captured/2024-updates.2025-12.html")
	var want []string
	for _, m := range reNOCInHTML.FindAllStringSubmatch(sectionHTML(t, data, "February6-0", "<h4 id="), -1) {
		want = append(want, m[1])
	}
	// The README says 42 codes; the page lists 43 (31200 Psychologists
	// included), which the count above confirms.
	if len(want) != 43 || want[0] != "30010" || want[len(want)-1] != "33109" || !strings.Contains(strings.Join(want, ","), "31200") {
		t.Fatalf("independent count of the page's codes = %d %v; the fixture changed?", len(want), want)
	}
	page, err := Parse(drawwatch.PageUpdates, data, url2024)
	if err != nil {
		t.Fatal(err)
	}
	a := findAnnouncement(t, page, "february6-0")
	if a.Kind != drawwatch.KindDraw || a.Posted != "2024-02-06" || len(a.Draws) != 1 {
		t.Fatalf("announcement = kind %s posted %s with %d draws; want one draw posted 2024-02-06", a.Kind, a.Posted, len(a.Draws))
	}
	d := a.Draws[0]
	if d.Stream != drawwatch.StreamHCP || d.Category != "Health occupations" || d.Invitation != drawwatch.InvitationNOI ||
		d.ScoreKind != drawwatch.ScoreCRS || d.Date != "2024-02-06" || *d.ScoreMin != 379 || *d.ScoreMax != 430 {
		t.Errorf("draw = %+v", d)
	}
	if diff := cmp.Diff(want, codes(d.NOCs)); diff != "" {
		t.Errorf("NOC codes (-page +parsed):\n%s", diff)
	}
	if d.SourceURL != url2024+"#February6-0" {
		t.Errorf("SourceURL = %q", d.SourceURL)
	}
}

func TestTechDrawDec2020(t *testing.T) {
	page := parseReal(t, "captured/2020-updates.body-only.2020-12.html", url2020)
	a := findAnnouncement(t, page, "2020-12-15-tech-draw-notifications-of-interest-issued-for-ontario-s-express-entry-human-capital-priorities-stream")
	if len(a.Draws) != 1 {
		t.Fatalf("got %d draws, want 1", len(a.Draws))
	}
	d := a.Draws[0]
	if d.Stream != drawwatch.StreamHCP || d.Date != "2020-12-15" || *d.ScoreMin != 460 || *d.ScoreMax != 468 || d.Category != "Tech occupations" {
		t.Errorf("draw = %+v", d)
	}
	// the same day's notice that NOIs "will be issued" is news, not a second draw
	pre := findAnnouncement(t, page, "2020-12-15-tech-draw-notifications-of-interest-will-be-issued-for-ontario-s-express-entry-human-capital-priorities-stream")
	if pre.Kind != drawwatch.KindNews {
		t.Errorf("pre-announcement kind = %s, want news", pre.Kind)
	}
}

func TestInternationalStudentFeb2024(t *testing.T) {
	page := parseReal(t, "captured/2024-updates.2025-12.html", url2024)
	a := findAnnouncement(t, page, "february8-1")
	type got struct {
		Category string
		Min      int
		Max      *int
		NOCs     int
	}
	var have []got
	for _, d := range a.Draws {
		if d.Stream != drawwatch.StreamEJOInternationalStudent || d.Invitation != drawwatch.InvitationITA || d.ScoreKind != drawwatch.ScoreEOI || d.Date != "2024-02-08" {
			t.Errorf("draw = %+v", d)
		}
		have = append(have, got{d.Category, *d.ScoreMin, d.ScoreMax, len(d.NOCs)})
	}
	data := readPage(t, "captured/2024-updates.2025-12.html")
	sec := sectionHTML(t, data, "February8-1", "<h4 id=")
	health := len(reNOCInHTML.FindAllString(sec[strings.Index(sec, "Health occupations"):strings.Index(sec, "Tech occupations")], -1))
	tech := len(reNOCInHTML.FindAllString(sec[strings.Index(sec, "Tech occupations"):], -1))
	want := []got{{"General occupations", 78, nil, 0}, {"Health occupations", 73, nil, health}, {"Tech occupations", 73, nil, tech}}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
}

// TestMultiStreamParagraphs: 2026 announcements give one paragraph per
// stream ("... received an invitation under the Foreign Worker stream"),
// each with its own band and NOC list.
func TestMultiStreamParagraphs(t *testing.T) {
	const url = "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates"
	data := readPage(t, "rendered/2026-updates.html")
	page := parseReal(t, "rendered/2026-updates.html", url)
	reBand := regexp.MustCompile(`score of (\d+) and above received an invitation under the ([A-Za-z -]+?) stream`)
	for _, id := range []string{"april23-0", "april23-1", "april23-2", "april8-1", "april1-0"} {
		t.Run(id, func(t *testing.T) {
			a := findAnnouncement(t, page, id)
			sec := sectionHTML(t, data, id, "<h4")
			bands := reBand.FindAllStringSubmatch(sec, -1)
			if len(bands) < 2 || len(a.Draws) != len(bands) {
				t.Fatalf("page states %d bands, parser gave %d draws", len(bands), len(a.Draws))
			}
			for i, m := range bands {
				d := a.Draws[i]
				wantStream, _ := StreamOf(m[2])
				// the NOC list between this band and the next one
				rest := sec[strings.Index(sec, m[0]):]
				if i+1 < len(bands) {
					rest = rest[:strings.Index(rest, bands[i+1][0])]
				}
				nocs := regexp.MustCompile(`NOC(?:</abbr>)?(?:&nbsp;|\s)+(\d{2,5})`).FindAllStringSubmatch(rest, -1)
				if d.Stream != wantStream || strings.TrimSpace(m[1]) != itoa(*d.ScoreMin) || d.ScoreMax != nil || len(d.NOCs) != len(nocs) || d.Date != "2026-"+dateOf(id) {
					t.Errorf("draw %d = %s min %d, %d NOCs, date %s; page says %s %s with %d NOCs", i, d.Stream, *d.ScoreMin, len(d.NOCs), d.Date, m[2], m[1], len(nocs))
				}
			}
		})
	}
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Replace(string(rune('0'+n/100))+string(rune('0'+n/10%10))+string(rune('0'+n%10)), "0", " ", 1))
}

func dateOf(id string) string {
	m := regexp.MustCompile(`april(\d+)-`).FindStringSubmatch(id)
	if len(m[1]) == 1 {
		return "04-0" + m[1]
	}
	return "04-" + m[1]
}

// TestTruncated2020: the capture ends mid-tag; every complete announcement
// is kept, the partial last one dropped.
func TestTruncated2020(t *testing.T) {
	data := readPage(t, "captured/2020-updates.body-only.2020-12.html")
	page := parseReal(t, "captured/2020-updates.body-only.2020-12.html", url2020)
	if !page.Truncated {
		t.Fatal("Truncated not set on a document cut off mid-tag")
	}
	// the last heading in the raw bytes starts the partial announcement
	lastDate := regexp.MustCompile(`<h3>([^<]+)</h3>`).FindAllStringSubmatch(string(data), -1)
	partial, err := ParseDate(lastDate[len(lastDate)-1][1], 2020)
	if err != nil {
		t.Fatal(err)
	}
	last := page.Announcements[len(page.Announcements)-1]
	if last.Posted < partial {
		// fine: the page runs newest first, so the kept ones are later
	} else if last.Posted == partial && strings.HasSuffix(last.Text, "OINP") {
		t.Errorf("the partial announcement %q was kept", last.ID)
	}
	if len(page.Announcements) < 60 {
		t.Errorf("only %d announcements kept from the truncated capture", len(page.Announcements))
	}
	// a complete copy of a page is not truncated
	whole := parseReal(t, "captured/2024-updates.2025-12.html", url2024)
	if whole.Truncated {
		t.Error("a complete page was marked truncated")
	}
}

// TestPrettifiedSameText: the Aug 2024 capture re-indented by a pretty
// printer and the Dec 2025 capture give identical Text and Hash for every
// announcement both hold.
func TestPrettifiedSameText(t *testing.T) {
	old := parseReal(t, "captured/2024-updates.2024-08-22.prettified.html", url2024)
	cur := parseReal(t, "captured/2024-updates.2025-12.html", url2024)
	byID := map[string]drawwatch.Announcement{}
	for _, a := range cur.Announcements {
		byID[a.ID] = a
	}
	common := 0
	for _, a := range old.Announcements {
		b, ok := byID[a.ID]
		if !ok {
			t.Errorf("announcement %q of Aug 2024 missing in Dec 2025", a.ID)
			continue
		}
		common++
		if a.Hash != b.Hash {
			t.Errorf("%s: text differs:\n%s", a.ID, cmp.Diff(a.Text, b.Text))
		}
		if diff := cmp.Diff(a.Draws, b.Draws); diff != "" {
			t.Errorf("%s: draws differ (-aug +dec):\n%s", a.ID, diff)
		}
	}
	if common < 40 || len(cur.Announcements) <= common {
		t.Errorf("%d common announcements of %d; want the Aug page's all and later ones added", common, len(cur.Announcements))
	}
}

// TestRealPagesInvariants sweeps every real updates page.
func TestRealPagesInvariants(t *testing.T) {
	for _, p := range realUpdatesPages {
		t.Run(filepath.Base(p.file), func(t *testing.T) {
			page := parseReal(t, p.file, p.url)
			if len(page.Announcements) == 0 {
				t.Fatal("no announcements")
			}
			ids := map[string]bool{}
			for _, a := range page.Announcements {
				if a.ID == "" || ids[a.ID] {
					t.Errorf("empty or repeated id %q", a.ID)
				}
				ids[a.ID] = true
				if _, err := ParseDate(dateWords(a.Posted), 0); err != nil || a.Text == "" || a.Hash != drawwatch.ContentHash(a.Text) {
					t.Errorf("%s: posted %q, text %d bytes, hash ok %v", a.ID, a.Posted, len(a.Text), a.Hash == drawwatch.ContentHash(a.Text))
				}
				if strings.Contains(a.Text, "  ") || strings.ContainsRune(a.Text, '\u00a0') || strings.ContainsRune(a.Text, '\u2013') {
					t.Errorf("%s: text not normalized", a.ID)
				}
				if (a.Kind == drawwatch.KindDraw) != (len(a.Draws) > 0) {
					t.Errorf("%s: kind %s with %d draws", a.ID, a.Kind, len(a.Draws))
				}
				keys := map[string]bool{}
				for _, d := range a.Draws {
					if d.Stream == "" || d.Date == "" || d.Program != drawwatch.Program || d.Invitation == "" || d.ScoreKind == "" || d.StreamName == "" {
						t.Errorf("%s: incomplete draw %+v", a.ID, d)
					}
					if d.ScoreMin != nil && d.ScoreMax != nil && *d.ScoreMin > *d.ScoreMax {
						t.Errorf("%s: band %d-%d", a.ID, *d.ScoreMin, *d.ScoreMax)
					}
					if d.Date > a.Posted || d.Date < a.Posted[:4]+"-01-01" && d.Date < "2015" {
						t.Errorf("%s: draw date %s after posted %s", a.ID, d.Date, a.Posted)
					}
					for _, n := range d.NOCs {
						if n.Code == "" || n.Title == "" {
							t.Errorf("%s: NOC %+v", a.ID, n)
						}
					}
					if keys[d.Key()] {
						t.Errorf("%s: two draws with key %s", a.ID, d.Key())
					}
					keys[d.Key()] = true
					if !strings.HasPrefix(d.SourceURL, p.url) {
						t.Errorf("%s: source %s", a.ID, d.SourceURL)
					}
				}
			}
		})
	}
}

// dateWords turns an ISO date back into page words, so the invariant test
// checks Posted with the same reader the parser uses.
func dateWords(iso string) string {
	if len(iso) != 10 {
		return iso
	}
	names := []string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	m := int(iso[5]-'0')*10 + int(iso[6]-'0')
	if m < 1 || m > 12 {
		return iso
	}
	return names[m] + " " + strings.TrimLeft(iso[8:], "0") + ", " + iso[:4]
}

// TestNewsOnlyYears: the 2015 and 2016 pages report no draws at all (the
// program announced none there), only news.
func TestNewsOnlyYears(t *testing.T) {
	for _, p := range realUpdatesPages[3:5] {
		page := parseReal(t, p.file, p.url)
		for _, a := range page.Announcements {
			if a.Kind != drawwatch.KindNews {
				t.Errorf("%s: %s is %s, want news", p.file, a.ID, a.Kind)
			}
		}
		if len(page.Announcements) < 8 {
			t.Errorf("%s: only %d announcements", p.file, len(page.Announcements))
		}
	}
}

// TestOlderYearsSpotChecks compares single draws with what the page text says.
func TestOlderYearsSpotChecks(t *testing.T) {
	tests := []struct {
		file, url, id string
		stream        drawwatch.Stream
		date          string
		min, max      *int
		invitations   *int
		pageText      string // the page states these figures in this phrase
	}{
		{"rendered/2018-updates.html", "https://www.ontario.ca/page/2018-ontario-immigrant-nominee-program-updates",
			"2018-02-13-express-entry-human-capital-priorities-notification-of-interest",
			// the round ran at the portal search on Feb 12 (posted the 13th); the NOI table says Feb 12 too
			drawwatch.StreamHCP, "2018-02-12", intp(435), intp(441), intp(488), "CRS score range: 441-435"},
		{"rendered/2018-updates.html", "https://www.ontario.ca/page/2018-ontario-immigrant-nominee-program-updates",
			"2018-11-23-entrepreneur-stream-invitations-to-apply-issued",
			drawwatch.StreamEntrepreneur, "2018-11-23", intp(112), nil, intp(15), "112"},
		{"rendered/2019-updates.html", "https://www.ontario.ca/page/2019-ontario-immigrant-nominee-program-updates",
			"2019-12-02-entrepreneur-stream-invitations-to-apply-issued",
			drawwatch.StreamEntrepreneur, "2019-12-02", intp(118), nil, intp(16), "The minimum score was 118"},
		{"rendered/2019-updates.html", "https://www.ontario.ca/page/2019-ontario-immigrant-nominee-program-updates",
			"2019-12-11-important-notice",
			drawwatch.StreamSkilledTrades, "2019-12-11", intp(410), intp(479), nil, "410"},
		{"captured/2020-updates.body-only.2020-12.html", url2020,
			"2020-06-18-issuance-of-notifications-of-interest-under-ontario-s-express-entry-french-speaking-skilled-worker-stream",
			drawwatch.StreamFSSW, "2020-06-18", intp(424), intp(436), nil, "between 424 and 436"},
		{"rendered/2021-updates.html", "https://www.ontario.ca/page/2021-ontario-immigrant-nominee-program-updates",
			"2021-10-07-notifications-of-interest-issued-for-ontario-s-express-entry-french-speaking-skilled-worker-stream",
			drawwatch.StreamFSSW, "2021-10-07", intp(459), intp(467), nil, "459"},
		{"rendered/2021-updates.html", "https://www.ontario.ca/page/2021-ontario-immigrant-nominee-program-updates",
			"2021-10-28-issued-invitations-to-apply-in-the-entrepreneur-stream",
			drawwatch.StreamEntrepreneur, "2021-10-27", intp(147), intp(174), intp(20), "147"},
		{"rendered/2026-updates.html", "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates",
			"april22-0", drawwatch.StreamPhDGraduate, "2026-04-22", intp(56), nil, intp(244), "244 invitations"},
		{"rendered/2026-updates.html", "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates",
			"april8-0", drawwatch.StreamEJOForeignWorker, "2026-04-08", intp(43), nil, intp(15), "issued 15 invitations"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			page := parseReal(t, tt.file, tt.url)
			a := findAnnouncement(t, page, tt.id)
			if !strings.Contains(a.Text, tt.pageText) {
				t.Fatalf("the announcement text does not say %q: the fixture changed?", tt.pageText)
			}
			var d *drawwatch.Draw
			for i := range a.Draws {
				if a.Draws[i].Stream == tt.stream {
					d = &a.Draws[i]
				}
			}
			if d == nil {
				t.Fatalf("no %s draw among %d", tt.stream, len(a.Draws))
			}
			if d.Date != tt.date || !cmp.Equal(d.ScoreMin, tt.min) || !cmp.Equal(d.ScoreMax, tt.max) || !cmp.Equal(d.Invitations, tt.invitations) {
				t.Errorf("draw = date %s band %v-%v invitations %v; want %s %v-%v %v", d.Date, deref(d.ScoreMin), deref(d.ScoreMax), deref(d.Invitations),
					tt.date, deref(tt.min), deref(tt.max), deref(tt.invitations))
			}
		})
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestHandWrittenPages reads the small pages in testdata/updates and
// expects every field.
func TestHandWrittenPages(t *testing.T) {
	const u24 = "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates"
	nurses := []drawwatch.NOC{{Code: "31301", Title: "Registered nurses and registered psychiatric nurses"}, {Code: "33102", Title: "Nurse aides, orderlies and patient service associates"}}
	is := func(cat string, min int, nocs []drawwatch.NOC) drawwatch.Draw {
		return drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamEJOInternationalStudent, StreamName: "Employer Job Offer: International Student stream",
			Category: cat, Date: "2024-03-12", Invitation: "ITA", ScoreKind: "EOI", ScoreMin: intp(min), NOCs: nocs, SourceURL: u24 + "#March12-0"}
	}
	const u26 = "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates"
	ejo := func(stream drawwatch.Stream, name string, min int, nocs []drawwatch.NOC) drawwatch.Draw {
		return drawwatch.Draw{Program: "OINP", Stream: stream, StreamName: name, Category: "Northern Ontario", Date: "2026-04-23",
			Invitation: "ITA", ScoreKind: "EOI", ScoreMin: intp(min), ProfilesTo: "2026-04-21", NOCs: nocs,
			Notes: "303 invitations in total across streams", SourceURL: u26 + "#april23-1"}
	}
	tests := []struct {
		file, url string
		want      []drawwatch.Announcement // Text and Hash are checked for consistency, not spelled out
	}{
		{"subheadings-2024.html", u24, []drawwatch.Announcement{{
			ID: "march12-0", Posted: "2024-03-12", Anchor: "March12-0", Kind: drawwatch.KindDraw,
			Title:     "Employer Job Offer International Student stream: general and health occupations invited",
			SourceURL: u24 + "#March12-0",
			Draws:     []drawwatch.Draw{is("General occupations", 78, []drawwatch.NOC{}), is("Health occupations", 73, nurses)},
			Unparsed:  []string{},
		}}},
		{"older-2019.html", "", []drawwatch.Announcement{
			{ID: "2019-08-01-tech-draw-issuance-of-notifications-of-interest-under-ontario-s-express-entry-human-capital-priorities-stream",
				Posted: "2019-08-01", Kind: drawwatch.KindDraw,
				Title: "Tech Draw: Issuance of Notifications of Interest under Ontario’s Express Entry Human Capital Priorities Stream",
				Draws: []drawwatch.Draw{{Program: "OINP", Stream: drawwatch.StreamHCP, StreamName: "Express Entry Human Capital Priorities stream",
					Category: "Tech occupations", Date: "2019-08-01", Invitation: "NOI", ScoreKind: "CRS", ScoreMin: intp(439), ScoreMax: intp(453),
					Invitations: intp(1773), Notes: "targeted draw",
					NOCs: []drawwatch.NOC{{Code: "2173", Title: "Software engineers and designers"}, {Code: "2174", Title: "Computer programmers and interactive media developers"}}}},
				InvitationsTotal: intp(1773), Unparsed: []string{}},
			{ID: "2019-08-08", Posted: "2019-08-08", Kind: drawwatch.KindNews, Unparsed: []string{}},
			{ID: "2019-08-08-important-notice", Posted: "2019-08-08", Title: "Important Notice", Kind: drawwatch.KindNews, Unparsed: []string{}},
			{ID: "2019-08-08-important-notice-2", Posted: "2019-08-08", Title: "Important Notice", Kind: drawwatch.KindNews, Unparsed: []string{}},
		}},
		{"multistream-2026.html", u26, []drawwatch.Announcement{{
			ID: "april23-1", Posted: "2026-04-23", Anchor: "april23-1", Kind: drawwatch.KindDraw,
			Title: "Employer Job Offer streams: candidates invited in Northern Ontario", SourceURL: u26 + "#april23-1",
			Draws: []drawwatch.Draw{
				ejo(drawwatch.StreamEJOForeignWorker, "Employer Job Offer: Foreign Worker stream", 60, []drawwatch.NOC{{Code: "10010", Title: "Financial managers"}}),
				ejo(drawwatch.StreamEJOInDemandSkills, "Employer Job Offer: In-Demand Skills stream", 35, []drawwatch.NOC{{Code: "14400", Title: "Shippers and receivers"}, {Code: "44101", Title: "Home support workers, housekeepers and related occupations"}}),
			},
			InvitationsTotal: intp(303), Unparsed: []string{},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "updates", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			page, err := Parse("", data, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			for i := range page.Announcements {
				a := &page.Announcements[i]
				if a.Hash != drawwatch.ContentHash(a.Text) || !strings.Contains(a.Text, a.Title) {
					t.Errorf("%s: text/hash inconsistent", a.ID)
				}
				a.Text, a.Hash = "", ""
			}
			if diff := cmp.Diff(tt.want, page.Announcements); diff != "" {
				t.Errorf("announcements (-want +got):\n%s", diff)
			}
		})
	}
}

// A table of contents that runs across months before its closing hr (no
// hr per month) must not turn its link lists into untitled announcements.
func TestTableOfContentsAcrossMonths(t *testing.T) {
	data, err := os.ReadFile("testdata/updates/toc-across-months.html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := Parse(drawwatch.PageUpdates, data, "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range page.Announcements {
		ids = append(ids, a.ID)
		if a.Title == "" {
			t.Errorf("untitled announcement %q made from a table of contents: %q", a.ID, a.Text)
		}
	}
	if len(ids) != 2 || ids[0] != "march12-0" || ids[1] != "february20-0" {
		t.Errorf("announcements %v, want [march12-0 february20-0]", ids)
	}
}
