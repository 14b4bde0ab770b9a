package scraper

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

func intp(n int) *int { return &n }

func TestNormalizeSpace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"December\u00a023, 2024", "December 23, 2024"},
		{"  a \n\t b  ", "a b"},
		{"471\u2013480", "471-480"},
		{"NOC 72310 \u2014 Carpenters", "NOC 72310 - Carpenters"},
		{"zero\u200bwidth", "zerowidth"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeSpace(tt.in); got != tt.want {
			t.Errorf("NormalizeSpace(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		year    int
		want    string
		wantErr bool
	}{
		{"December\u00a023, 2024", 0, "2024-12-23", false},
		{"December 17", 2020, "2020-12-17", false},
		{"April 05, 2019", 0, "2019-04-05", false},
		{"January 1st, 2024", 0, "2024-01-01", false},
		{"December 17", 0, "", true}, // no year anywhere
		{"Skilled trades", 2024, "", true},
		{"May 30, 2016 Important notification", 0, "", true}, // not only a date
		// the table pages' forms
		{"September 19. 2023", 0, "2023-09-19", false},
		{"June 1,2021", 0, "2021-06-01", false},
		{"June 1 2022", 0, "2022-06-01", false},
		{"Jun 16", 2021, "2021-06-16", false},
		{"August 11 - 16, 2023", 0, "2023-08-11", false},
		{"March 8\u20139, 2023", 0, "2023-03-08", false},
		{"2024-02-06", 0, "2024-02-06", false},
		{"February 30, 2024", 0, "", true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, tt.year)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDate(%q, %d) = %q, %v; want %q, err %v", tt.in, tt.year, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseScoreBand(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi *int
	}{
		{"a comprehensive ranking system (CRS) score of 379-430 and work experience", intp(379), intp(430)},
		{"a score of 471–480", intp(471), intp(480)},
		{"score of 473 - 480", intp(473), intp(480)},
		{"a comprehensive ranking system score between 460 and 468, and work", intp(460), intp(468)},
		{"if they had a score of 78 and above, and a job offer", intp(78), nil},
		{"a score of 67 or above", intp(67), nil},
		{"Comprehensive Randing System (CRS) between 467 and 471", intp(467), intp(471)},
		{"NOIs were issued to those with a CRS between 358 – 439.", intp(358), intp(439)},
		{"CRS score range: 441-435", intp(435), intp(441)}, // written high-to-low on the 2018 page
		{"The minimum score was 118.", intp(118), nil},
		{"the EOI scored below 134.", nil, nil},
		{"no score here", nil, nil},
		// table cells
		{"137 to 162", intp(137), intp(162)},
		{"57 and above", intp(57), nil},
		{"528-505", intp(505), intp(528)},
		{"450*", intp(450), intp(450)},
		{"N/A", nil, nil},
		{"2,084", nil, nil},
	}
	for _, tt := range tests {
		lo, hi, ok := ParseScoreBand(tt.in)
		if ok != (tt.lo != nil) || !cmp.Equal(lo, tt.lo) || !cmp.Equal(hi, tt.hi) {
			t.Errorf("ParseScoreBand(%q) = %v, %v, %v; want %v, %v", tt.in, lo, hi, ok, tt.lo, tt.hi)
		}
	}
}

func TestParseNOC(t *testing.T) {
	tests := []struct {
		in   string
		want drawwatch.NOC
		ok   bool
	}{
		{"NOC\u00a031301 - Registered nurses and registered psychiatric nurses", drawwatch.NOC{Code: "31301", Title: "Registered nurses and registered psychiatric nurses"}, true},
		{"NOC 72310 – Carpenters", drawwatch.NOC{Code: "72310", Title: "Carpenters"}, true},
		{"NOC 73300 Transport truck drivers", drawwatch.NOC{Code: "73300", Title: "Transport truck drivers"}, true},
		{"0213 – Computer and information systems managers", drawwatch.NOC{Code: "0213", Title: "Computer and information systems managers"}, true},
		{"Data Scientists (NOC 21211)", drawwatch.NOC{Code: "21211", Title: "Data Scientists"}, true},
		{"Review the document checklist", drawwatch.NOC{}, false},
		{"2023", drawwatch.NOC{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseNOC(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseNOC(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStreamOf(t *testing.T) {
	tests := []struct {
		in   string
		want drawwatch.Stream
	}{
		{"Human Capital Priorities", drawwatch.StreamHCP},
		{"Express Entry Human Capital Priorities stream", drawwatch.StreamHCP},
		{"French-Speaking Skilled Worker", drawwatch.StreamFSSW},
		{"Skilled Trades (Express Entry)", drawwatch.StreamSkilledTrades},
		{"Employer Job Offer: Foreign Worker", drawwatch.StreamEJOForeignWorker},
		{"Employer Job Offer: International Student stream", drawwatch.StreamEJOInternationalStudent},
		{"In-Demand Skills", drawwatch.StreamEJOInDemandSkills},
		{"Masters Graduate", drawwatch.StreamMastersGraduate},
		{"PhD Graduate", drawwatch.StreamPhDGraduate},
		{"Entrepreneur", drawwatch.StreamEntrepreneur},
		{"Corporate stream", ""},
		// table headings: the name alone, spelt as the page spells it
		{"Master’s Graduate stream", drawwatch.StreamMastersGraduate},
		{"PhD Graduates", drawwatch.StreamPhDGraduate},
		{"Skilled-Trades", drawwatch.StreamSkilledTrades},
		{"French-Speaking stream", drawwatch.StreamFSSW},
		{"Employer job offer: International Student", drawwatch.StreamEJOInternationalStudent},
	}
	for _, tt := range tests {
		got, ok := StreamOf(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("StreamOf(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if inv, sk := InvitationKind(drawwatch.StreamFSSW); inv != drawwatch.InvitationNOI || sk != drawwatch.ScoreCRS {
		t.Errorf("InvitationKind(fssw) = %s, %s; want NOI, CRS", inv, sk)
	}
	if inv, sk := InvitationKind(drawwatch.StreamMastersGraduate); inv != drawwatch.InvitationITA || sk != drawwatch.ScoreEOI {
		t.Errorf("InvitationKind(masters-graduate) = %s, %s; want ITA, EOI", inv, sk)
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1,234", 1234, true},
		{"2084", 2084, true},
		{"371*", 371, true},
		{"four", 4, true},
		{"fourteen", 14, true},
		{"Seventeen", 17, true},
		{"N/A", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		if got, ok := parseCount(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("parseCount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Both page kinds name a lone occupation group the way the table pages do.
func TestCategoryName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Skilled Trades", "Skilled trades occupations"},
		{"skilled trades occupations", "Skilled trades occupations"},
		{"Health care occupations", "Health occupations"},
		{"Healthcare", "Health occupations"},
		{"Tech occupations", "Tech occupations"},
		{"Other priority occupations", "Other priority occupations"},
		{"Skilled trades-related occupations", "Skilled trades-related occupations"},
		{"Health and agricultural occupations", "Health and agricultural occupations"},
		{"Manufacturing (outside the GTA only)", "Manufacturing (outside the GTA only)"},
		{"Northern Ontario", "Northern Ontario"},
	}
	for _, tt := range tests {
		if got := categoryName(tt.in); got != tt.want {
			t.Errorf("categoryName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNodeTextIgnoresIndentation(t *testing.T) {
	compact := `<p>system (<abbr>CRS</abbr>) score of <strong>460</strong> and <a href="#">Ontario’s stream</a>.</p>`
	pretty := "<p>\n  system (\n  <abbr>\n   CRS\n  </abbr>\n  ) score of\n  <strong>\n   460\n  </strong>\n  and\n  <a href=\"#\">\n   Ontario’s stream\n  </a>\n  .\n</p>"
	a, b := nodeText(mustParseFragment(t, compact)), nodeText(mustParseFragment(t, pretty))
	if a != b {
		t.Errorf("compact and indented markup differ:\n%q\n%q", a, b)
	}
	if want := "system (CRS) score of 460 and Ontario’s stream."; a != want {
		t.Errorf("nodeText = %q, want %q", a, want)
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"Tech Draw: Issuance", "tech draw", 0},
		{"the PORTAL search", "portal", 4},
		{"a Portal", "portal", 2},
		{"portable", "portal", -1},
		{"short", "longer than s", -1},
		{"", "x", -1},
		{"anything", "", 0},
		{"pPortal", "portal", 1},
		{"Candidates in NOC", "candidate", 0},
	}
	for _, tt := range tests {
		if got := indexFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", tt.s, tt.sub, got, tt.want)
		}
		if got := containsFold(tt.s, tt.sub); got != (tt.want >= 0) {
			t.Errorf("containsFold(%q, %q) = %v", tt.s, tt.sub, got)
		}
	}
}
