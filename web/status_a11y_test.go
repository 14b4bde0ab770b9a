package web

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestStatusFilterErrors checks a bad filter is an error tied to the input
// it is about (aria-invalid + aria-describedby naming the message), and an
// unknown stream slug says so instead of showing an empty table.
func TestStatusFilterErrors(t *testing.T) {
	h := newTestServer(t, newTestStore(t), testNow, true).Handler()
	tests := []struct {
		query     string
		wantCode  int
		field     string // the input that must point at the error
		wantError string
	}{
		{"/?stream=hpc", 400, "stream", `Unknown stream "hpc". Stream must be one of the listed streams: hcp, fssw,`},
		{"/?stream=HCP!", 400, "stream", "Stream must be one of the listed streams."},
		{"/?noc=31301%3Cscript%3E", 400, "noc", "NOC must be a code such as 31301"},
		{"/?stream=hcp&noc=31*", 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := get(t, h, "GET", tt.query)
			if rec.Code != tt.wantCode {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantCode)
			}
			doc, err := goquery.NewDocumentFromReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			errP := doc.Find("#filter-error")
			if tt.field == "" {
				if errP.Length() != 0 || doc.Find("[aria-invalid]").Length() != 0 {
					t.Errorf("valid filters show an error: %q", errP.Text())
				}
				return
			}
			if !strings.Contains(errP.Text(), tt.wantError) {
				t.Errorf("error %q, want it to contain %q", errP.Text(), tt.wantError)
			}
			if role, _ := errP.Attr("role"); role != "alert" {
				t.Errorf("error role %q, want alert (announced when the page loads)", role)
			}
			input := doc.Find(`[name="` + tt.field + `"]`)
			if d, _ := input.Attr("aria-describedby"); d != "filter-error" {
				t.Errorf("%s input aria-describedby %q, want filter-error", tt.field, d)
			}
			if v, _ := input.Attr("aria-invalid"); v != "true" {
				t.Errorf("%s input aria-invalid %q, want true", tt.field, v)
			}
			if n := doc.Find("[aria-invalid]").Length(); n != 1 {
				t.Errorf("%d inputs marked invalid, want only %s", n, tt.field)
			}
			if doc.Find("#draws-table").Length() != 0 {
				t.Error("an invalid filter still shows a table")
			}
		})
	}
}

// TestStatusTableSemantics checks both tables have a caption, column
// headers scoped to their columns, and phone-card labels on every cell.
func TestStatusTableSemantics(t *testing.T) {
	st := newTestStore(t)
	addDeadAlert(t, st)  // the dead-alerts table too
	addHeldAlerts(t, st) // and the held-alerts table
	rec := get(t, newTestServer(t, st, testNow, true).Handler(), "GET", "/")
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	// Every table on the page, whoever adds it: caption, scoped headers,
	// labelled cells (the phone layout shows the labels).
	tables := doc.Find("table")
	if doc.Find("#sources table").Length() != 1 || doc.Find("#draws-table").Length() != 1 {
		t.Fatalf("sources or draws table missing (%d tables)", tables.Length())
	}
	tables.Each(func(i int, tb *goquery.Selection) {
		if strings.TrimSpace(tb.Find("caption").Text()) == "" {
			t.Errorf("table %d has no caption", i)
		}
		tb.Find("thead th").Each(func(_ int, th *goquery.Selection) {
			if s, _ := th.Attr("scope"); s != "col" {
				t.Errorf("table %d header %q scope %q, want col", i, th.Text(), s)
			}
		})
		tb.Find("tbody td, tbody th").Each(func(_ int, c *goquery.Selection) {
			if l, ok := c.Attr("data-label"); !ok || l == "" {
				t.Errorf("table %d cell %q lacks data-label", i, strings.TrimSpace(c.Text()))
			}
		})
	})
	if s, _ := doc.Find("#sources tbody th").First().Attr("scope"); s != "row" {
		t.Errorf("source name cell scope %q, want row", s)
	}
}

// TestStatusZone checks the page shows times in the zone it is given (the
// schedule's) and says which.
func TestStatusZone(t *testing.T) {
	vancouver, err := time.LoadLocation("America/Vancouver")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	s := NewServer(Options{Data: newTestStore(t), Now: func() time.Time { return testNow }, Zone: vancouver,
		LastRun: func() (time.Time, bool) { return testNow.Add(-time.Hour), true }})
	body := get(t, s.Handler(), "GET", "/").Body.String()
	want := testNow.In(vancouver).Format("2006-01-02 15:04 MST")
	if !strings.Contains(body, "status at "+want) {
		t.Errorf("generated time not in the given zone (%s):\n%.600s", want, body)
	}
	if !strings.Contains(body, "Times in America/Vancouver, the schedule's time zone") {
		t.Errorf("page does not name its zone:\n%.600s", body)
	}
}
