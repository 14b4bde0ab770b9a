package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/demo"
	"github.com/drawwatch/drawwatch/internal/realpages"
)

func TestDemoShowsAnEERound(t *testing.T) {
	code, out, errOut := runCLI(t, "demo", "--store", filepath.Join(t.TempDir(), "demo.db"))
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		": Express Entry #434 — Transport occupations: 300 invitations, CRS 470, tie-break 11 Oct 2025 14:55 UTC",
		"EE #434", "--program EE",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestParseReadsTheEERoundsJSON(t *testing.T) {
	realEERounds := realpages.Path(t, "canada.ca/ee_rounds_123_en.json")
	code, out, errOut := runCLI(t, "parse", realEERounds, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var page drawwatch.Page
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("output is not a page JSON: %v", err)
	}
	if page.Kind != drawwatch.PageEERounds || len(page.Announcements) != 435 {
		t.Fatalf("kind %q, %d rounds; want the EE kind detected and 435 rounds", page.Kind, len(page.Announcements))
	}
	if d := page.Announcements[0].Draws[0]; d.Program != "EE" || d.Round != "434" || !strings.HasPrefix(d.SourceURL, "https://www.canada.ca/en/") {
		t.Errorf("round 434: %+v", d)
	}
	if !strings.Contains(errOut, "round 247: pool distribution does not add up") {
		t.Errorf("the parser's warning is not on stderr: %q", errOut)
	}
	code, out, _ = runCLI(t, "parse", "--kind", "ee-rounds", realEERounds)
	if code != exitOK || !strings.Contains(out, "ee-rounds page: 435 announcements") || !strings.Contains(out, "EE #91a") {
		t.Errorf("text output: exit %d\n%.600s", code, out)
	}
}

// TestDrawsProgramFilter scrapes the demo's EE rounds and OINP pages into a
// store and lists them by program, as a table, JSON and CSV.
func TestDrawsProgramFilter(t *testing.T) {
	site := &demo.Site{}
	site.Publish(2)
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[store]
path = "drawwatch.db"
[fetch]
delay = "1ms"
[log]
level = "warn"
[[source]]
kind = "oinp-updates"
url = "%[1]s/page/2026-ontario-immigrant-nominee-program-updates"
[[source]]
kind = "ircc-ee-rounds"
url = "%[1]s%[2]s"
`, srv.URL, demo.EEPath))
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("scrape: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut := runCLI(t, "draws", "--config", cfg, "--program", "EE", "--csv")
	if code != exitOK {
		t.Fatalf("draws --program EE --csv: exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d CSV rows, want a header and 4 rounds:\n%s", len(rows), out)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	r := rows[1]
	for key, want := range map[string]string{"program": "EE", "round": "434", "category": "transport", "score_min": "470",
		"invitations": "300", "tie_break": "2025-10-11T14:55:49Z", "pool_total": "229100", "invitation": "ITA", "score_kind": "CRS"} {
		if i, ok := col[key]; !ok || r[i] != want {
			t.Errorf("CSV column %s = %q, want %q (header %q)", key, r[min(i, len(r)-1)], want, rows[0])
		}
	}

	code, out, _ = runCLI(t, "draws", "--config", cfg, "--program", "ee", "--json")
	var draws []map[string]any
	if err := json.Unmarshal([]byte(out), &draws); code != exitOK || err != nil || len(draws) != 4 {
		t.Fatalf("draws --json: exit %d, %v, %d draws", code, err, len(draws))
	}
	if draws[0]["round"] != "434" || draws[0]["program"] != "EE" || draws[0]["distribution"] == nil {
		t.Errorf("JSON round 434: %v", draws[0])
	}

	code, out, _ = runCLI(t, "draws", "--config", cfg, "--program", "OINP")
	if code != exitOK || strings.Contains(out, "EE #") || !strings.Contains(out, "hcp") {
		t.Errorf("draws --program OINP: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "draws", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "EE #434") || !strings.Contains(out, "hcp") {
		t.Errorf("draws (every program): exit %d\n%s", code, out)
	}
	if code, _, errOut = runCLI(t, "draws", "--config", cfg, "--program", "PNP"); code != exitUsage || !strings.Contains(errOut, "want one of OINP, EE") {
		t.Errorf("--program PNP: exit %d, %q", code, errOut)
	}
}
