package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

const eeURL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"

// TestStatusExpressEntrySection stores the real rounds JSON beside the
// OINP fixture: the rounds get their own table and CRS cut-off charts,
// and stay out of the OINP table and charts.
func TestStatusExpressEntrySection(t *testing.T) {
	data := realpages.Read(t, "canada.ca/ee_rounds_123_en.json")
	page, err := scraper.Parse("", data, eeURL)
	if err != nil {
		t.Fatal(err)
	}
	st := newTestStore(t)
	if _, err := st.Apply(context.Background(), page, store.ApplyOptions{Source: "ee-rounds", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	rec := get(t, newTestServer(t, st, testNow, true).Handler(), "GET", "/")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	doc.Find("#express-entry #ee-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) {
			cells = append(cells, strings.Join(strings.Fields(td.Text()), " "))
		})
		rows = append(rows, strings.Join(cells, " | "))
	})
	if len(rows) != eeTableLimit {
		t.Fatalf("%d EE rows, want %d", len(rows), eeTableLimit)
	}
	if want := "#434 | 2026-08-07 | Transport occupations | 300 | 470 | 2025-10-11 14:55 UTC | canada.ca"; rows[0] != want {
		t.Errorf("first EE row\n got %q\nwant %q", rows[0], want)
	}
	if n := doc.Find("#express-entry caption").Length(); n != 1 {
		t.Errorf("%d captions on the EE table", n)
	}
	if !strings.Contains(doc.Find("#express-entry").Text(), "20 of 435 rounds") {
		t.Error("the EE section does not say how many rounds it shows of how many")
	}

	charts := map[string]int{}
	doc.Find("#express-entry figure.chart").Each(func(_ int, f *goquery.Selection) {
		stream, _ := f.Attr("data-stream")
		charts[stream] = f.Find("g.pt").Length()
	})
	// Every real round kind with 3 rounds or more gets a chart; round 91a
	// and 91b (same day, both kinds) are points of their own charts.
	for slug, atLeast := range map[string]int{"general": 150, "provincial-nominee-program": 100, "canadian-experience-class": 50, "transport": 4, "healthcare": 15} {
		if charts["ee-"+slug] < atLeast {
			t.Errorf("chart ee-%s has %d points, want at least %d (charts: %v)", slug, charts["ee-"+slug], atLeast, charts)
		}
	}
	if _, ok := charts["ee-skilled-military-recruits"]; ok {
		t.Error("a round kind with one round got a chart")
	}
	if title := doc.Find(`#express-entry figure.chart[data-stream="ee-transport"] figcaption`).Text(); !strings.Contains(title, "Transport occupations (CRS cut-off)") {
		t.Errorf("transport chart caption %q", title)
	}

	// The OINP section is as it was: no round in its table or charts.
	doc.Find("#draws-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if strings.Contains(tr.Text(), "Express Entry #") || strings.Contains(tr.Text(), "canada.ca") {
			t.Errorf("an EE round in the OINP table: %q", strings.Join(strings.Fields(tr.Text()), " "))
		}
	})
	doc.Find("#charts figure.chart").Each(func(_ int, f *goquery.Selection) {
		if s, _ := f.Attr("data-stream"); s == "" || strings.HasPrefix(s, "ee-") {
			t.Errorf("OINP charts hold an EE series (data-stream %q)", s)
		}
	})
	if doc.Find("#charts figure.chart").Length() == 0 || doc.Find("#draws-table tbody tr").Length() == 0 {
		t.Error("the OINP fixture's draws and charts are gone")
	}
}

// TestStatusWithoutEERounds: a store with no EE rounds shows no EE section.
func TestStatusWithoutEERounds(t *testing.T) {
	rec := get(t, newTestServer(t, newTestStore(t), testNow, true).Handler(), "GET", "/")
	if strings.Contains(rec.Body.String(), `id="express-entry"`) {
		t.Error("EE section shown with no rounds stored")
	}
}

// withEERounds adds hand-made Express Entry rounds to st (four transport
// rounds, one with a long unknown round name), for pages that must hold
// the EE section, like the phone layout test.
func withEERounds(t *testing.T, st *store.Store) *store.Store {
	t.Helper()
	page := &drawwatch.Page{Kind: drawwatch.PageEERounds, URL: eeURL}
	for i, name := range []string{"Transport occupations (Version 1)", "Transport occupations (Version 1)", "Transport Occupations, 2026-Version 2",
		"Highly specialised occupations in the aerospace, shipbuilding and defence manufacturing sectors (Version 1)"} {
		n := fmt.Sprint(430 + i)
		crs, size := 450+i*7, 1000*(i+1)
		slug, _ := drawwatch.EECategoryOf(name)
		d := drawwatch.Draw{Program: drawwatch.ProgramEE, Round: n, StreamName: name, Category: slug, Date: fmt.Sprintf("2026-0%d-15", i+4),
			Invitation: "ITA", ScoreKind: "CRS", ScoreMin: &crs, Invitations: &size, TieBreak: "2026-03-18T23:32:40Z",
			SourceURL: "https://www.canada.ca/en/immigration-refugees-citizenship/corporate/mandate/policies-operational-instructions-agreements/ministerial-instructions/express-entry-rounds/invitations.html?q=" + n}
		a := drawwatch.Announcement{ID: "round-" + n, Posted: d.Date, Title: "Express Entry #" + n, Kind: drawwatch.KindDraw, Text: n + name, Draws: []drawwatch.Draw{d}}
		page.Announcements = append(page.Announcements, a)
	}
	if _, err := st.Apply(context.Background(), page, store.ApplyOptions{Source: "ee-rounds", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStatusEESectionHandMade(t *testing.T) {
	rec := get(t, newTestServer(t, withEERounds(t, newTestStore(t)), testNow, true).Handler(), "GET", "/")
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find("#ee-table tbody tr").Length(); n != 4 {
		t.Errorf("%d EE rows, want 4", n)
	}
	if n := doc.Find(`#express-entry figure.chart[data-stream="ee-transport"] g.pt`).Length(); n != 3 {
		t.Errorf("transport chart has %d points, want 3", n)
	}
	if first := strings.Join(strings.Fields(doc.Find("#ee-table tbody tr").First().Text()), " "); !strings.HasPrefix(first, "#433 2026-07-15 Highly specialised occupations in the aerospace") {
		t.Errorf("newest round row: %q", first)
	}
}
