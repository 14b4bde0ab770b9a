package scraper

import (
	"os"
	"testing"
)

// TestDeadlines: a deadline stated relative to the invitation ("within 17
// calendar days from the date we issued the invitation") is the draw's date
// plus those days; the employer's own deadline ("submit their application
// within 14 calendar days") is not the candidate's; a stated date wins.
func TestDeadlines(t *testing.T) {
	data, err := os.ReadFile("testdata/updates/deadlines-2026.html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := Parse("", data, url2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ id, date, deadline string }{
		{"june10-0", "2026-06-09", "2026-06-26"}, // 9 June + 17 days
		{"june10-1", "2026-06-08", ""},           // only the employer's deadline is stated
		{"june10-2", "2026-06-05", "2026-06-30"}, // the stated date, not 5 June + 14 days
	} {
		a := findAnnouncement(t, page, tc.id)
		if len(a.Draws) != 1 {
			t.Fatalf("%s: %d draws, want 1", tc.id, len(a.Draws))
		}
		if d := a.Draws[0]; d.Date != tc.date || d.Deadline != tc.deadline {
			t.Errorf("%s: date %q deadline %q, want %q %q", tc.id, d.Date, d.Deadline, tc.date, tc.deadline)
		}
	}
}
