package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// TestStatusMarksUnparsed: a draw whose announcement holds a sentence the
// parser could not read is marked on the status page, the sentence quoted.
func TestStatusMarksUnparsed(t *testing.T) {
	data, err := os.ReadFile("../scraper/testdata/updates/unparsed-2026.html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := scraper.Parse(drawwatch.PageUpdates, data, "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, page, store.ApplyOptions{Source: "oinp-2026", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	rec := get(t, newTestServer(t, st, testNow, true).Handler(), "GET", "/")
	doc, rows, _ := drawTable(t, rec.Body)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want the one draw", len(rows))
	}
	badge := doc.Find("tr.draw .badge.unparsed")
	title, _ := badge.Attr("title")
	if badge.Length() != 1 || !strings.Contains(badge.Text(), "partly unread") ||
		!strings.Contains(title, "could not be read automatically") || !strings.Contains(title, "no fewer than 61 points") {
		t.Errorf("badge %q with title %q; want it to quote the unread sentence", badge.Text(), title)
	}
}
