package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/drawwatch/drawwatch"
	"github.com/slack-go/slack"
	"golang.org/x/net/html"
)

// TestDrawSubjectLead checks that a draw subject's first 60 characters,
// what mutt and phone mail apps show, hold the stream, band and date, for
// draws of several shapes and for corrections.
func TestDrawSubjectLead(t *testing.T) {
	eoi := drawwatch.Announcement{Title: "Employer Job Offer: Foreign Worker stream: skilled trades and health care invitations issued", Posted: "2024-01-24", Draws: []drawwatch.Draw{
		{Stream: drawwatch.StreamEJOForeignWorker, Category: "Skilled trades occupations in the construction and manufacturing sectors", Date: "2024-01-24", ScoreKind: "EOI", ScoreMin: intp(54)},
		{Stream: drawwatch.StreamEJOForeignWorker, Category: "Health care", Date: "2024-01-24", ScoreKind: "EOI", ScoreMin: intp(48)},
	}}
	noBand := drawwatch.Announcement{Title: "Masters Graduate stream invitations", Draws: []drawwatch.Draw{
		{Stream: drawwatch.StreamMastersGraduate, Date: "2024-03-11", Invitation: "ITA", Invitations: intp(1143)},
	}}
	unknown := drawwatch.Announcement{Title: "A stream drawwatch does not know", Draws: []drawwatch.Draw{
		{Stream: "regional-pilot", StreamName: "Regional Immigration Pilot", Date: "2024-05-02", ScoreKind: "EOI", ScoreMin: intp(40), ScoreMax: intp(60)},
	}}
	noStream := drawwatch.Announcement{Title: "Invitations issued", Draws: []drawwatch.Draw{
		{Category: "Tech occupations", Date: "2024-07-09", ScoreKind: "EOI", ScoreMin: intp(63)},
	}}
	bare := drawwatch.Announcement{Title: "Invitations issued", Draws: []drawwatch.Draw{{Date: "2024-07-09"}}}
	feb6 := hcpFeb6()
	fixed := changedEvent()
	tests := []struct {
		name string
		ev   drawwatch.Event
		want string   // the whole subject
		lead []string // what must sit in the first 60 characters
	}{
		{"hcp", hcpFeb6Event(), "[OINP] HCP · CRS 379–430 · 6 Feb 2024 · Health occupations", []string{"HCP", "CRS 379–430", "6 Feb 2024"}},
		{"two EOI draws, long category", drawwatch.Event{Type: drawwatch.EventNew, Announcement: &eoi},
			"[OINP] Foreign Worker · EOI 54 and above · 24 Jan 2024 · Skilled trades occupations in the construction and manufacturing sectors +1 more draw",
			[]string{"Foreign Worker", "EOI 54 and above", "24 Jan 2024"}},
		{"count, no band", drawwatch.Event{Type: drawwatch.EventNew, Announcement: &noBand}, "[OINP] Masters Graduate · 1,143 ITAs · 11 Mar 2024", []string{"Masters Graduate", "1,143 ITAs", "11 Mar 2024"}},
		{"stream not in the table", drawwatch.Event{Type: drawwatch.EventNew, Announcement: &unknown}, "[OINP] Regional Immigration Pilot · EOI 40–60 · 2 May 2024", []string{"Regional Immigration Pilot", "EOI 40–60", "2 May 2024"}},
		{"correction keeps the draw date", fixed, "[OINP] Updated: HCP · CRS 385–430 · 6 Feb 2024 · Health occupations", []string{"Updated", "HCP", "CRS 385–430", "6 Feb 2024"}},
		{"no stream read: category leads", drawwatch.Event{Type: drawwatch.EventNew, Announcement: &noStream}, "[OINP] Tech occupations · EOI 63 and above · 9 Jul 2024", []string{"Tech occupations", "EOI 63", "9 Jul 2024"}},
		{"nothing but a date: the title leads", drawwatch.Event{Type: drawwatch.EventNew, Announcement: &bare}, "[OINP] Invitations issued · 9 Jul 2024", []string{"Invitations issued", "9 Jul 2024"}},
		{"new announcement object", drawwatch.Event{Type: drawwatch.EventNew, Announcement: &feb6}, "[OINP] HCP · CRS 379–430 · 6 Feb 2024 · Health occupations", []string{"HCP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(drawwatch.Alert{Event: tt.ev}, nil).Subject
			if got != tt.want {
				t.Errorf("subject\n got %q\nwant %q", got, tt.want)
			}
			lead := got
			if utf8.RuneCountInString(lead) > subjectLead {
				lead = string([]rune(lead)[:subjectLead])
			}
			for _, w := range tt.lead {
				if !strings.Contains(lead, w) {
					t.Errorf("%q not within the first %d characters %q", w, subjectLead, lead)
				}
			}
		})
	}
}

// TestRenderCorrectionRestatesDraw checks a correction alert restates the
// corrected draw in full (band, count, NOCs) and marks each change: bold in
// Slack and HTML, the old value beside it in every format.
func TestRenderCorrectionRestatesDraw(t *testing.T) {
	an := hcpFeb6()
	dr := &an.Draws[0]
	dr.ScoreMax = intp(436)
	dr.NOCs = append(dr.NOCs[1:], drawwatch.NOC{Code: "41301", Title: "Therapists in counselling and related specialized therapies"})
	ev := drawwatch.Event{Type: drawwatch.EventChanged, Announcement: &an, Fields: []drawwatch.FieldChange{
		{Field: dr.Key() + ".score_max", Old: "430", New: "436"},
		{Field: dr.Key() + ".nocs", Old: "30010", New: "41301"},
	}}
	m := Render(drawwatch.Alert{Event: ev, ThreadRef: "1707235440.000100"}, nil)
	for _, want := range []string{
		"What changed:",
		"Health occupations — score max: 430 → 436",
		"The draw as it now reads:",
		"Draw date: 6 Feb 2024",
		"NOIs issued: 2,086",
		"Score: CRS 379–436 (was CRS 379–430)",
		"Profiles created: 6 Feb 2023 – 6 Feb 2024",
		"NOC codes (43):",
		"• 41301 Therapists in counselling and related specialized therapies (added)",
		"• Removed: 30010",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "NOIs issued: 2,086 (") || strings.Contains(m.Text, "Draw date: 6 Feb 2024 (") {
		t.Errorf("an unchanged fact is marked as changed:\n%s", m.Text)
	}
	js := blocksJSON(t, m.Blocks)
	for _, want := range []string{"*Score:* *CRS 379–436* (was CRS 379–430)", "*41301 Therapists in counselling and related specialized therapies* (added)"} {
		if !strings.Contains(js, want) {
			t.Errorf("Slack blocks lack %q: %s", want, js)
		}
	}
	if !strings.Contains(m.HTML, "<strong>CRS 379–436</strong> (was CRS 379–430)") {
		t.Errorf("HTML does not highlight the new band:\n%s", m.HTML)
	}
	if m.Subject != "[OINP] Updated: HCP · CRS 379–436 · 6 Feb 2024 · Health occupations" {
		t.Errorf("subject %q", m.Subject)
	}
}

// TestRenderNewsLead checks a news alert carries the announcement's first
// paragraph, so the reader knows what changed without a click; long texts
// stop at a sentence end.
func TestRenderNewsLead(t *testing.T) {
	allocation := drawwatch.Announcement{Title: "Ontario’s 2024 nomination allocation reached", Kind: drawwatch.KindNews,
		Text: "Ontario’s 2024 nomination allocation reached The Ontario Immigrant Nominee Program (OINP) has reached its 2024 nomination allocation. " +
			"The program issued a total of 21,500 nominations to successful applicants across all streams in 2024. " +
			"New applications and applications already submitted to the OINP will continue to be accepted and considered under the program’s 2025 nomination allocation. " +
			"The most up-to-date information is on this page."}
	tests := []struct {
		name    string
		an      drawwatch.Announcement
		want    string
		without string
	}{
		{"suspension", *newsEvent().Announcement,
			"Effective December 4, 2023, we suspended receiving applications to the Entrepreneur Stream. No new expressions of interest or applications are being accepted.",
			"The ministry is committed"},
		{"figure in the second sentence", allocation, "The program issued a total of 21,500 nominations to successful applicants across all streams in 2024.", "most up-to-date"},
		{"Inc. is no sentence end", drawwatch.Announcement{Title: "Change to Eligible Tests for English Language Proficiency",
			Text: "Change to Eligible Tests for English Language Proficiency Consistent with recent changes to federal policy, the OINP will also be accepting the " +
				"Pearson Test of English (PTE) Core from Pearson Canada, Inc. as demonstration of English proficiency for all OINP streams. More text follows here."},
			"Pearson Canada, Inc. as demonstration of English proficiency for all OINP streams.", "More text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNews, Announcement: &tt.an}}, nil)
			if !strings.Contains(m.Text, tt.want) {
				t.Errorf("text lacks %q:\n%s", tt.want, m.Text)
			}
			if strings.Contains(m.Text, tt.without) {
				t.Errorf("text runs on past the first paragraph (%q):\n%s", tt.without, m.Text)
			}
			if strings.Count(m.Text, tt.an.Title) != 1 {
				t.Errorf("title repeated in the lead:\n%s", m.Text)
			}
		})
	}
}

// TestRenderMrkdwnNeutralised checks page text cannot style a Slack
// message: "*", "_", "~" and "`" from the page arrive as look-alikes, while
// drawwatch's own bold markup still works.
func TestRenderMrkdwnNeutralised(t *testing.T) {
	an := hcpFeb6()
	an.Title = "Draw *today* _only_ ~struck~ `code` NOC_2021"
	an.Draws[0].Category = "Nurses*"
	m := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil)
	var texts []string
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			texts = append(texts, b.Text.Text)
		case *slack.ContextBlock:
			texts = append(texts, b.ContextElements.Elements[0].(*slack.TextBlockObject).Text)
		}
	}
	all := strings.Join(texts, "\n")
	for _, live := range []string{"*today*", "_only_", "~struck~", "`code`", "NOC_2021", "Nurses*"} {
		if strings.Contains(all, live) {
			t.Errorf("page text %q reaches Slack live:\n%s", live, all)
		}
	}
	if !strings.Contains(all, "Draw ∗today∗ ˍonlyˍ ∼struck∼ ˋcodeˋ NOCˍ2021") {
		t.Errorf("title not shown with look-alikes:\n%s", all)
	}
	if !strings.Contains(all, "*Draw date:*") {
		t.Errorf("drawwatch's own bold lost:\n%s", all)
	}
	// The source link keeps its URL intact (underscores and all).
	an.SourceURL = "https://www.ontario.ca/page/a_b#x"
	blocks := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil).Blocks
	ctx := blocks[len(blocks)-1].(*slack.ContextBlock).ContextElements.Elements[0].(*slack.TextBlockObject).Text
	if !strings.Contains(ctx, "<https://www.ontario.ca/page/a_b#x|ontario.ca>") {
		t.Errorf("link URL altered: %s", ctx)
	}
	if plain := m.Text; !strings.Contains(plain, "*today*") {
		t.Errorf("plain text should keep the page's characters: %s", plain)
	}
}

func TestShortStream(t *testing.T) {
	want := map[drawwatch.Stream]string{
		drawwatch.StreamHCP: "HCP", drawwatch.StreamFSSW: "FSSW", drawwatch.StreamSkilledTrades: "Skilled Trades",
		drawwatch.StreamEJOForeignWorker: "Foreign Worker", drawwatch.StreamEJOInternationalStudent: "International Student",
		drawwatch.StreamEJOInDemandSkills: "In-Demand Skills", drawwatch.StreamMastersGraduate: "Masters Graduate",
		drawwatch.StreamPhDGraduate: "PhD Graduate", drawwatch.StreamEntrepreneur: "Entrepreneur",
	}
	for _, s := range drawwatch.Streams {
		if got := shortStream(drawwatch.Draw{Stream: s.Slug}); got != want[s.Slug] {
			t.Errorf("shortStream(%s) = %q, want %q", s.Slug, got, want[s.Slug])
		}
	}
}

// TestRenderOpsZone checks the ops alert shows its time in the zone it is
// given (the schedule's, as the status page does) and names that zone.
func TestRenderOpsZone(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	ev := drawwatch.Event{Type: drawwatch.EventOps, Source: "oinp-2024", Message: "HTTP 503 after 3 tries",
		DetectedAt: time.Date(2024, 2, 6, 15, 4, 0, 0, time.UTC)}
	tests := []struct {
		zone *time.Location
		want string
	}{
		{toronto, "Detected 6 Feb 2024 10:04 EST (America/Toronto)"},
		{time.UTC, "Detected 6 Feb 2024 15:04 UTC"},
	}
	for _, tt := range tests {
		m := RenderIn(drawwatch.Alert{Event: ev}, nil, tt.zone)
		if !strings.Contains(m.Text, tt.want) {
			t.Errorf("zone %s: text lacks %q:\n%s", tt.zone, tt.want, m.Text)
		}
	}
}

// TestRenderHTMLTemplate reads the email HTML (html/template output) back
// with the x/net/html parser: every NOC code of the 6 Feb 2024 draw is in
// a list item, links are http(s) only, and page text is escaped.
func TestRenderHTMLTemplate(t *testing.T) {
	an := hcpFeb6()
	an.Draws[0].Notes = `<img src=x onerror="alert(1)"> & "quotes"`
	m := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil)
	root, err := html.Parse(strings.NewReader(m.HTML))
	if err != nil {
		t.Fatal(err)
	}
	var items, imgs int
	var hrefs []string
	var text strings.Builder
	for n := range root.Descendants() {
		switch {
		case n.Type == html.ElementNode && n.Data == "li":
			items++
		case n.Type == html.ElementNode && n.Data == "img":
			imgs++
		case n.Type == html.ElementNode && n.Data == "a":
			for _, a := range n.Attr {
				if a.Key == "href" {
					hrefs = append(hrefs, a.Val)
				}
			}
		case n.Type == html.TextNode:
			text.WriteString(n.Data)
		}
	}
	// 12 titled codes, the "31 more" line and its 3 continuation lines.
	if items != 16 {
		t.Errorf("%d list items, want 16:\n%s", items, m.HTML)
	}
	for _, n := range an.Draws[0].NOCs {
		if !strings.Contains(text.String(), n.Code) {
			t.Errorf("code %s missing from the HTML text", n.Code)
		}
	}
	if imgs != 0 || !strings.Contains(text.String(), `<img src=x onerror="alert(1)"> & "quotes"`) {
		t.Errorf("notes not escaped as text (img elements: %d)", imgs)
	}
	if len(hrefs) != 1 || hrefs[0] != an.SourceURL {
		t.Errorf("links %v, want the source only", hrefs)
	}
	an.SourceURL = "javascript:alert(1)"
	bad := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil)
	if strings.Contains(bad.HTML, "javascript:") || strings.Contains(bad.HTML, "<a ") {
		t.Errorf("a javascript: source became a link:\n%s", bad.HTML)
	}
}

// TestRenderCorrectionSlackLimits: a correction restates every draw, so a
// big announcement's correction must stay within Slack's limits as a new
// alert does (50 blocks, < 3,000 characters each, source link kept).
func TestRenderCorrectionSlackLimits(t *testing.T) {
	an := drawwatch.Announcement{Title: "Big draw", SourceURL: "https://www.ontario.ca/page/x#a"}
	var fields []drawwatch.FieldChange
	for i := range 40 {
		d := drawwatch.Draw{Stream: drawwatch.StreamHCP, Category: fmt.Sprintf("Category %d", i), Date: "2024-02-06", ScoreKind: "CRS", ScoreMin: intp(400)}
		for j := range 400 {
			d.NOCs = append(d.NOCs, drawwatch.NOC{Code: fmt.Sprintf("%05d", i*1000+j), Title: "Occupation with a fairly long title & more words"})
		}
		an.Draws = append(an.Draws, d)
		fields = append(fields, drawwatch.FieldChange{Field: d.Key() + ".score_min", Old: "390", New: "400"})
	}
	m := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventChanged, Announcement: &an, Fields: fields}}, nil)
	if len(m.Blocks) > 50 {
		t.Fatalf("%d blocks, Slack allows 50", len(m.Blocks))
	}
	for _, b := range m.Blocks {
		if sb, ok := b.(*slack.SectionBlock); ok && utf8.RuneCountInString(sb.Text.Text) >= 3000 {
			t.Errorf("section of %d characters", utf8.RuneCountInString(sb.Text.Text))
		}
	}
	last, ok := m.Blocks[len(m.Blocks)-1].(*slack.ContextBlock)
	if !ok || !strings.Contains(last.ContextElements.Elements[0].(*slack.TextBlockObject).Text, "https://www.ontario.ca/page/x#a") {
		t.Error("source link is not the last block")
	}
	if !strings.Contains(m.Text, "Category 0 — score min: 390 → 400") || !strings.Contains(m.Text, "Score: CRS 400 and above (was CRS 390 and above)") {
		t.Errorf("correction text lacks the change or the restated band")
	}
}
