package web

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// sharedPage is read in place from the shared real pages beside the repo.
func sharedPage(t *testing.T, rel string) []byte {
	t.Helper()
	return realpages.Read(t, rel)
}

// TestStatusRealPage renders the status page over the real 2024 updates
// page as parsed by the scraper and stored by the store.
func TestStatusRealPage(t *testing.T) {
	data := sharedPage(t, "ontario.ca/captured/2024-updates.2025-12.html")
	page, err := scraper.Parse(drawwatch.PageUpdates, data, updatesURL)
	if err != nil {
		t.Fatalf("parse real page: %v", err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, page, store.ApplyOptions{Source: "oinp-2024", Now: testNow}); err != nil {
		t.Fatalf("apply real page: %v", err)
	}
	streams := map[drawwatch.Stream]bool{}
	total := 0
	for _, a := range page.Announcements {
		for _, d := range a.Draws {
			streams[d.Stream] = true
			total++
		}
	}
	if total == 0 {
		t.Fatal("scraper found no draws on the 2024 page")
	}
	h := newTestServer(t, st, testNow, true).Handler()

	tests := []struct {
		query    string
		wantRows int    // -1: at least one
		wantRow  string // substring of some row
	}{
		{"", min(total, tableLimit), ""},
		// The 6 Feb 2024 health-occupations draw: CRS 379-430, nurses among its NOCs.
		{"?stream=hcp&noc=31301", -1, "2024-02-06 | Human Capital Priorities | Health occupations | CRS 379–430"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := get(t, h, "GET", "/"+tt.query)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			doc, rows, _ := drawTable(t, rec.Body)
			if (tt.wantRows < 0 && len(rows) == 0) || (tt.wantRows >= 0 && len(rows) != tt.wantRows) {
				t.Errorf("%d rows, want %d", len(rows), tt.wantRows)
			}
			if tt.wantRow != "" {
				found := false
				for _, r := range rows {
					found = found || strings.Contains(strings.Join(r, " | "), tt.wantRow)
				}
				if !found {
					t.Errorf("no row holds %q: %q", tt.wantRow, rows)
				}
			}
			if tt.query == "" {
				if n := doc.Find("figure.chart").Length(); n == 0 || n > len(streams)*2 {
					t.Errorf("%d charts for %d streams", n, len(streams))
				}
			}
		})
	}
}
