package notify

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/drawwatch/drawwatch"
	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func intp(n int) *int { return &n }

// hcpFeb6 is the 6 Feb 2024 HCP health-occupations draw, values written
// down from ../shared/pages/ontario.ca/captured/2024-updates.2025-12.html
// (anchor #February6-0: CRS 379-430, 43 NOC codes). The NOI count and
// profile window are not on that page; they come from the same draw's row
// in ../shared/pages/ontario.ca/rendered/oinp-express-entry-notifications-interest.html
// (2,086 NOIs, profiles 6 Feb 2023 – 6 Feb 2024).
func hcpFeb6() drawwatch.Announcement {
	const src = "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates#February6-0"
	nocs := []drawwatch.NOC{
		{Code: "30010", Title: "Managers in health care"},
		{Code: "31100", Title: "Specialists in clinical and laboratory medicine"},
		{Code: "31101", Title: "Specialists in surgery"},
		{Code: "31102", Title: "General practitioners and family physicians"},
		{Code: "31103", Title: "Veterinarians"},
		{Code: "31110", Title: "Dentists"},
		{Code: "31111", Title: "Optometrists"},
		{Code: "31112", Title: "Audiologists and speech-language pathologists"},
		{Code: "31120", Title: "Pharmacists"},
		{Code: "31121", Title: "Dietitians and nutritionists"},
		{Code: "31200", Title: "Psychologists"},
		{Code: "31201", Title: "Chiropractors"},
		{Code: "31202", Title: "Physiotherapists"},
		{Code: "31203", Title: "Occupational therapists"},
		{Code: "31204", Title: "Kinesiologists and other professional occupations in therapy and assessment"},
		{Code: "31209", Title: "Other professional occupations in health diagnosing and treating"},
		{Code: "31300", Title: "Nursing coordinators and supervisors"},
		{Code: "31301", Title: "Registered nurses and registered psychiatric nurses"},
		{Code: "31302", Title: "Nurse practitioners"},
		{Code: "31303", Title: "Physician assistants, midwives and allied health professionals"},
		{Code: "32100", Title: "Opticians"},
		{Code: "32101", Title: "Licensed practical nurses"},
		{Code: "32102", Title: "Paramedical occupations"},
		{Code: "32103", Title: "Respiratory therapists, clinical perfusionists and cardiopulmonary technologists"},
		{Code: "32104", Title: "Animal health technologists and veterinary technicians"},
		{Code: "32109", Title: "Other technical occupations in therapy and assessment"},
		{Code: "32110", Title: "Denturists"},
		{Code: "32111", Title: "Dental hygienists and dental therapists"},
		{Code: "32112", Title: "Dental technologists and technicians"},
		{Code: "32120", Title: "Medical laboratory technologists"},
		{Code: "32121", Title: "Medical radiation technologists"},
		{Code: "32122", Title: "Medical sonographers"},
		{Code: "32123", Title: "Cardiology technologists and electrophysiological diagnostic technologists"},
		{Code: "32124", Title: "Pharmacy technicians"},
		{Code: "32129", Title: "Other medical technologists and technicians"},
		{Code: "32200", Title: "Traditional Chinese medicine practitioners and acupuncturists"},
		{Code: "32201", Title: "Massage therapists"},
		{Code: "32209", Title: "Other practitioners of natural healing"},
		{Code: "33100", Title: "Dental assistants and dental laboratory assistants"},
		{Code: "33101", Title: "Medical laboratory assistants and related technical occupations"},
		{Code: "33102", Title: "Nurse aides, orderlies and patient service associates"},
		{Code: "33103", Title: "Pharmacy technical assistants and pharmacy assistants"},
		{Code: "33109", Title: "Other assisting occupations in support of health services"},
	}
	return drawwatch.Announcement{
		ID:        "February6-0",
		Posted:    "2024-02-06",
		Anchor:    "February6-0",
		Title:     "Express Entry Human Capital Priorities stream: health occupations invited",
		Kind:      drawwatch.KindDraw,
		SourceURL: src,
		Draws: []drawwatch.Draw{{
			Program:      drawwatch.Program,
			Stream:       drawwatch.StreamHCP,
			StreamName:   "Express Entry Human Capital Priorities stream",
			Category:     "Health occupations",
			Date:         "2024-02-06",
			Invitation:   drawwatch.InvitationNOI,
			ScoreKind:    drawwatch.ScoreCRS,
			ScoreMin:     intp(379),
			ScoreMax:     intp(430),
			Invitations:  intp(2086),
			ProfilesFrom: "2023-02-06",
			ProfilesTo:   "2024-02-06",
			NOCs:         nocs,
			SourceURL:    src,
		}},
	}
}

// hcpSep26 is the previous HCP health draw: the NOI table's row for
// 26 Sep 2023 ("Targeted draw – Health draw", 1,696 NOIs, CRS 350-462).
func hcpSep26() *drawwatch.Draw {
	return &drawwatch.Draw{
		Program: drawwatch.Program, Stream: drawwatch.StreamHCP, Category: "Health occupations",
		Date: "2023-09-26", Invitation: drawwatch.InvitationNOI, ScoreKind: drawwatch.ScoreCRS,
		ScoreMin: intp(350), ScoreMax: intp(462), Invitations: intp(1696),
	}
}

func hcpFeb6Event() drawwatch.Event {
	an := hcpFeb6()
	return drawwatch.Event{
		Type:         drawwatch.EventNew,
		Announcement: &an,
		Previous:     []*drawwatch.Draw{hcpSep26()},
		DetectedAt:   time.Date(2024, 2, 6, 15, 4, 0, 0, time.UTC),
	}
}

func changedEvent() drawwatch.Event {
	an := hcpFeb6()
	an.Draws[0].ScoreMin = intp(385)
	return drawwatch.Event{
		Type:         drawwatch.EventChanged,
		Announcement: &an,
		Fields: []drawwatch.FieldChange{
			{Field: "2024-02-06|hcp|health-occupations.score_min", Old: "379", New: "385"},
			{Field: "2024-02-06|hcp|health-occupations.invitations", Old: "", New: "2086"},
			{Field: "2024-02-06|hcp|tech-occupations.nocs", Old: "31200", New: "21232"},
			{Field: "title", Old: "Express Entry Human Capital Priorities stream: health occupations", New: an.Title},
		},
	}
}

// newsEvent is the 5 Feb 2024 Entrepreneur Stream notice from the same page.
func newsEvent() drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{
		ID: "2024-02-05-entrepreneur-stream-applications-suspended", Posted: "2024-02-05",
		Title: "Entrepreneur Stream applications suspended",
		Kind:  drawwatch.KindNews,
		Text: "Entrepreneur Stream applications suspended Effective December 4, 2023, we suspended receiving applications to the Entrepreneur Stream. " +
			"No new expressions of interest or applications are being accepted. If you have any questions, please contact business.immigration@ontario.ca. " +
			"The ministry is committed to supporting immigration efforts through the OINP.",
		SourceURL: "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates",
	}}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name      string
		alert     drawwatch.Alert
		highlight []string
	}{
		{"hcp-2024-02-06", drawwatch.Alert{ID: 1, Target: "team", Event: hcpFeb6Event()}, nil},
		{"hcp-2024-02-06-nurses", drawwatch.Alert{ID: 1, Target: "team", Event: hcpFeb6Event()}, []string{"313*", "32101"}},
		{"changed", drawwatch.Alert{ID: 2, Target: "team", Event: changedEvent(), ThreadRef: "1707235440.000100"}, nil},
		{"news", drawwatch.Alert{ID: 3, Target: "team", Event: newsEvent()}, nil},
		{"ops", drawwatch.Alert{ID: 4, Target: "ops", Event: drawwatch.Event{
			Type: drawwatch.EventOps, Source: "oinp-updates-2024",
			Message:    "fetch https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates: captcha page (HTTP 200) 3 times in a row",
			DetectedAt: time.Date(2024, 2, 6, 15, 4, 0, 0, time.UTC)}}, nil},
		{"test", drawwatch.Alert{ID: 5, Target: "team-slack", Event: drawwatch.Event{Type: drawwatch.EventTest}}, nil},
		{"ee-round-434", drawwatch.Alert{ID: 6, Target: "team", Event: eeRound434Event(false)}, nil},
		{"ee-round-434-corrected", drawwatch.Alert{ID: 7, Target: "team", Event: eeRound434Event(true), ThreadRef: "1786100000.000100"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Render(tt.alert, tt.highlight)
			blocks, err := json.MarshalIndent(m.Blocks, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{
				".txt.golden":    "Subject: " + m.Subject + "\n\n" + m.Text,
				".html.golden":   m.HTML,
				".blocks.golden": string(blocks) + "\n",
			}
			for ext, g := range got {
				path := filepath.Join("testdata", tt.name+ext)
				if *update {
					if err := os.WriteFile(path, []byte(g), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), g); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
				}
			}
		})
	}
}

// TestRenderHCPContent checks facts of the 6 Feb 2024 alert independently
// of the golden file, so a wrong golden cannot hide a wrong alert.
func TestRenderHCPContent(t *testing.T) {
	ev := hcpFeb6Event()
	m := Render(drawwatch.Alert{Event: ev}, []string{"31301"})
	for _, want := range []string{
		"Express Entry Human Capital Priorities stream: health occupations invited",
		"Draw date: 6 Feb 2024",
		"NOIs issued: 2,086",
		"Score: CRS 379–430",
		"CRS min 379, up 29 from 350 on 26 Sep 2023 (133 days earlier)",
		"Profiles created: 6 Feb 2023 – 6 Feb 2024",
		"NOC codes (43):",
		ev.Announcement.SourceURL,
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	// Every code appears, and the highlighted one comes first.
	for _, n := range ev.Announcement.Draws[0].NOCs {
		if !strings.Contains(m.Text, n.Code) {
			t.Errorf("code %s missing from text", n.Code)
		}
	}
	first := strings.Index(m.Text, "31301 Registered nurses")
	if first < 0 || first > strings.Index(m.Text, "30010") {
		t.Errorf("highlighted 31301 not listed before 30010:\n%s", m.Text)
	}
	if !strings.Contains(blocksJSON(t, m.Blocks), "*31301 Registered nurses and registered psychiatric nurses*") {
		t.Error("highlighted code not bold in Slack blocks")
	}
	if m.Subject != "[OINP] HCP · CRS 379–430 · 6 Feb 2024 · Health occupations" {
		t.Errorf("subject = %q", m.Subject)
	}
}

func blocksJSON(t *testing.T, b []slack.Block) string {
	t.Helper()
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestRenderEventTypes(t *testing.T) {
	tests := []struct {
		name string
		ev   drawwatch.Event
		want []string
	}{
		{"news", newsEvent(), []string{"OINP news: Entrepreneur Stream applications suspended", "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates"}},
		{"ops", drawwatch.Event{Type: drawwatch.EventOps, Source: "oinp-tech", Message: "HTTP 503 after 3 tries"}, []string{"oinp-tech is not reading normally", "HTTP 503 after 3 tries"}},
		{"recovery", drawwatch.Event{Type: drawwatch.EventRecovery, Source: "oinp-tech", Message: "read 12 announcements"}, []string{"oinp-tech reads normally again", "read 12 announcements"}},
		{"test", drawwatch.Event{Type: drawwatch.EventTest}, []string{"drawwatch test message", "target t1"}},
		{"changed", changedEvent(), []string{
			"Health occupations — score min: 379 → 385",
			"Health occupations — invitations issued: (none) → 2086",
			"Tech occupations — NOC codes: added 21232; removed 31200",
			"Title: Express Entry Human Capital Priorities stream: health occupations → ",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Render(drawwatch.Alert{Target: "t1", Event: tt.ev}, nil)
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, m.Text)
				}
			}
			if m.Subject == "" || len(m.Blocks) == 0 || !strings.Contains(m.HTML, "<h2>") {
				t.Errorf("incomplete message: subject %q, %d blocks", m.Subject, len(m.Blocks))
			}
		})
	}
}

func TestScoreBandAndPrevious(t *testing.T) {
	tests := []struct {
		name      string
		d         drawwatch.Draw
		prev      *drawwatch.Draw
		band, cmp string
	}{
		{"range", drawwatch.Draw{ScoreKind: "CRS", ScoreMin: intp(379), ScoreMax: intp(430), Date: "2024-10-03"},
			&drawwatch.Draw{ScoreMin: intp(414), Date: "2024-09-12"},
			"CRS 379–430", "CRS min 379, down 35 from 414 on 12 Sep 2024 (21 days earlier)"},
		{"and above", drawwatch.Draw{ScoreKind: "EOI", ScoreMin: intp(73)}, nil, "EOI 73 and above", ""},
		{"single", drawwatch.Draw{ScoreKind: "EOI", ScoreMin: intp(50), ScoreMax: intp(50), Date: "2024-01-24"},
			&drawwatch.Draw{ScoreMin: intp(50), Date: "2024-01-19"}, "EOI 50", "EOI min 50, unchanged from 50 on 19 Jan 2024 (5 days earlier)"},
		{"no score", drawwatch.Draw{Date: "2024-01-24"}, &drawwatch.Draw{ScoreKind: "EOI", ScoreMin: intp(45)}, "", "previous draw: EOI 45 and above"},
		{"max only", drawwatch.Draw{ScoreKind: "CRS", ScoreMax: intp(430)}, nil, "CRS up to 430", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scoreBand(tt.d); got != tt.band {
				t.Errorf("scoreBand = %q, want %q", got, tt.band)
			}
			if got := comparePrevious(tt.d, tt.prev); got != tt.cmp {
				t.Errorf("comparePrevious = %q, want %q", got, tt.cmp)
			}
		})
	}
}

func TestRenderInjection(t *testing.T) {
	an := hcpFeb6()
	an.Title = "<!channel> <https://evil|click> & win\r\nBcc: x@evil"
	an.Draws[0].Category = "<@U123> nurses"
	an.Draws[0].NOCs[0].Title = "<script>alert(1)</script>"
	m := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil)

	js := blocksJSON(t, m.Blocks)
	for _, raw := range []string{"<!channel>", "<https://evil|click>", "<@U123>", "<script>"} {
		// json.Marshal writes < as \u003c; decode to see what Slack sees.
		var decoded []map[string]any
		if err := json.Unmarshal([]byte(js), &decoded); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(fmt.Sprint(decoded), raw) {
			t.Errorf("Slack blocks carry %q unescaped", raw)
		}
	}
	if !strings.Contains(fmt.Sprint(mustDecode(t, js)), "&lt;!channel&gt; &lt;https://evil|click&gt; &amp; win") {
		t.Errorf("title not escaped as Slack asks: %s", js)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject has CR/LF: %q", m.Subject)
	}
	if strings.Contains(m.HTML, "<!channel>") || strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("HTML part not escaped:\n%s", m.HTML)
	}
}

func mustDecode(t *testing.T, js string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRenderSlackLimits builds draws far past Slack's limits and checks
// no section reaches 3,000 characters, no message exceeds 50 blocks, and
// every code is either shown or counted in "… and N more".
func TestRenderSlackLimits(t *testing.T) {
	tests := []struct {
		name      string
		draws     int
		nocs      int
		wantMore  bool
		longTitle bool
	}{
		{"one draw, 43 codes", 1, 43, false, false},
		{"one draw, 2000 codes", 1, 2000, false, false},
		{"40 draws, 400 codes each", 40, 400, true, false},
		{"title of 5000 chars", 1, 5, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := drawwatch.Announcement{Title: "Big draw", SourceURL: "https://www.ontario.ca/page/x#a"}
			if tt.longTitle {
				an.Title = strings.Repeat("Tech occupations & <more> ", 200)
			}
			total := 0
			for i := range tt.draws {
				d := drawwatch.Draw{Stream: drawwatch.StreamHCP, Category: fmt.Sprintf("Category %d", i), ScoreKind: "CRS", ScoreMin: intp(400)}
				for j := range tt.nocs {
					d.NOCs = append(d.NOCs, drawwatch.NOC{Code: fmt.Sprintf("%05d", i*1000+j), Title: "Occupation with a fairly long title & more words"})
				}
				total += len(d.NOCs)
				an.Draws = append(an.Draws, d)
			}
			m := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil)
			if len(m.Blocks) > 50 {
				t.Fatalf("%d blocks, Slack allows 50", len(m.Blocks))
			}
			shown, more := 0, 0
			for _, b := range m.Blocks {
				var text string
				switch b := b.(type) {
				case *slack.SectionBlock:
					text = b.Text.Text
				case *slack.ContextBlock:
					text = b.ContextElements.Elements[0].(*slack.TextBlockObject).Text
				}
				if n := utf8.RuneCountInString(text); n >= 3000 {
					t.Errorf("block text of %d chars, Slack allows < 3000", n)
				}
				for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r < '0' || r > '9' }) {
					if len(w) == 5 {
						shown++
					}
				}
				var n int
				if _, err := fmt.Sscanf(text, "… and %d more NOC codes", &n); err == nil {
					more += n
				}
			}
			if tt.wantMore != (more > 0) {
				t.Errorf("collapsed tail: got %d more, want collapse=%v", more, tt.wantMore)
			}
			if shown+more != total {
				t.Errorf("codes shown %d + collapsed %d != %d: some were cut off silently", shown, more, total)
			}
			if !strings.Contains(blocksJSON(t, m.Blocks), "https://www.ontario.ca/page/x#a") {
				t.Error("source link lost")
			}
		})
	}
}

func TestCleanHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\r\nBcc: x@evil", "a Bcc: x@evil"},
		{"tab\tand\u2028sep", "tab and sep"},
		{"  plain  ", "plain"},
	}
	for _, tt := range tests {
		if got := cleanHeader(tt.in); got != tt.want {
			t.Errorf("cleanHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChangeLineIsInWords(t *testing.T) {
	an := &drawwatch.Announcement{Draws: []drawwatch.Draw{{Date: "2026-03-12", Stream: drawwatch.StreamHCP, Category: "Health occupations"}}}
	key := an.Draws[0].Key()
	for _, tt := range []struct {
		an   *drawwatch.Announcement
		fc   drawwatch.FieldChange
		want string
	}{
		{an, drawwatch.FieldChange{Field: key + ".nocs", New: "32102"}, "Health occupations — NOC codes: added 32102"},
		{an, drawwatch.FieldChange{Field: key + ".score_min", Old: "379", New: "385"}, "Health occupations — score min: 379 → 385"},
		{nil, drawwatch.FieldChange{Field: "2026-03-12|hcp|health-occupations.nocs", Old: "31100"}, "Health occupations — NOC codes: removed 31100"},
	} {
		got := ChangeLine(tt.an, tt.fc)
		if got != tt.want {
			t.Errorf("ChangeLine(%s) = %q, want %q", tt.fc.Field, got, tt.want)
		}
		if strings.Contains(got, "|") {
			t.Errorf("%q shows the internal key", got)
		}
	}
}
